package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.userevents.Scenarios;
import com.example.upgrades.harness.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where keyed state lives is a job option, and a canonical savepoint carries it from one state
 * backend to the other and back; a native one only to the same backend.
 */
class StateBackendScenarioIT {

    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 10);

    private static Scenario named(String name, Path work, TrafficPlan traffic) {
        return Scenarios.named(name, ProjectLayout.findProjectRoot(), traffic, work.resolve("variants"));
    }

    @Test
    void aCanonicalSavepointCarriesEveryKindOfStateFromTheHeapToRocksDbAndBack(@TempDir Path work) {
        UpgradeRunner.Result result = HARNESS.run(named("state-backend-switch", work, ScenarioRuns.THREE_VERSION_TRAFFIC), true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v2", "v3", "v3"), result.report().deployments().stream()
                .map(Report.DeploymentFigures::version).toList());
        assertEquals(2, result.report().hops().size(), "heap -> RocksDB, then RocksDB -> heap: " + result.report().rollbacks());
        result.report().hops().forEach(UpgradeScenarioIT::assertHopFiguresHold);
        assertTrue(result.report().windowsSpanningUpgrades() > 0, "open windows crossed both switches");
    }

    @Test
    void aNativeSavepointRestoresOnTheBackendThatWroteIt(@TempDir Path work) {
        UpgradeRunner.Result result = HARNESS.run(named("native-savepoint", work, ScenarioRuns.TRAFFIC), true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of(), result.report().rollbacks());
        assertEquals(List.of("v2", "v3"), result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        assertEquals(1, result.report().hops().size());
        UpgradeScenarioIT.assertHopFiguresHold(result.report().hops().get(0));
    }

    @Test
    void aNativeSavepointCannotChangeTheBackendAndIsRolledBack(@TempDir Path work) {
        UpgradeRunner.Result rolledBack = HARNESS.run(named("native-savepoint-backend-switch", work, ScenarioRuns.TRAFFIC), true);
        assertEquals(Outcome.PASS, rolledBack.outcome(), "the plan expects the refusal: " + rolledBack.report().markdown());
        assertEquals(List.of("v2", "v2"), rolledBack.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        assertEquals(1, rolledBack.report().rollbacks().size());
        // The harness's message (without --rollback the run ends with it): Flink's cause, and that nothing is lost.
        String cause = rolledBack.report().rollbacks().get(0).cause();
        assertTrue(cause.contains("This can mostly happen when a different StateBackend from the one that was used for "
                + "taking a checkpoint/savepoint is used when restoring.") && cause.contains("Unexpected state handle type")
                && cause.contains("nothing is lost"), cause);
    }
}
