package com.example.upgrades.harness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.repair.SavepointRepair;
import com.example.upgrades.harness.run.Scenario;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;

/** The extension's fluent plan, built without an environment: what each step puts into the scenario. */
class UpgradeHarnessPlanTest {

    private final UpgradeHarness harness = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 4);

    @Test
    void aRepairAppliesToTheLastHopOnlyAndSurvivesTheOtherSteps() {
        Scenario scenario = harness.plan("renamed")
                .deploy("v1", Path.of("v1.jar"), 4)
                .then("v2", Path.of("v2.jar"), 4)
                .restoringFromRepairedSavepoint(SavepointRepair.changeUid("user-stats-reduce", "user-stats-aggregate"))
                .withArgs("--state-backend", "rocksdb")
                .writing("v1")
                .scenario();

        assertNull(scenario.deployments().get(0).repair());
        Scenario.Deployment hop = scenario.deployments().get(1);
        assertEquals(SavepointRepair.changeUid("user-stats-reduce", "user-stats-aggregate"), hop.repair());
        assertEquals(List.of("--state-backend", "rocksdb"), hop.jobArgs());
        assertEquals("v1", hop.writerVersion());
    }

    /**
     * Only a plan that says so expects its last version to be refused: the runner then passes it
     * when that version was refused and the one before restored. Any other plan that rolls back
     * ends ROLLED_BACK, never PASS (MaxParallelismScenarioIT runs one).
     */
    @Test
    void aRefusalIsExpectedOnlyByAPlanThatSaysSo() {
        var plan = harness.plan("refused").deploy("v1", Path.of("v1.jar"), 4).then("v2", Path.of("v2.jar"), 200);
        assertEquals(false, plan.scenario().expectRollback(), "a plan expects no rollback unless it says so");
        assertEquals(true, plan.expectingRollback().scenario().expectRollback());
    }

    @Test
    void theFirstDeploymentRestoresNothingToRepair() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> harness.plan("p")
                .deploy("v1", Path.of("v1.jar"), 4)
                .restoringFromRepairedSavepoint(SavepointRepair.changeUid("a", "b")));
        assertTrue(e.getMessage().contains("the first deployment restores nothing"), e.getMessage());
    }

    @Test
    void aUidChangeNeedsTwoDifferentUids() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavepointRepair.changeUid("a", "a"));
        assertEquals("A uid change needs two different uids, got 'a' -> 'a'", e.getMessage());
    }
}
