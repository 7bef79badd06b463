package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.userevents.Scenarios;
import com.example.upgrades.harness.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real faults inside the upgrade window (a TaskManager terminated, a new one started): each ends
 * with a clean verdict, nothing lost, nothing duplicated, and the report says what happened.
 */
class FaultScenarioIT {

    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 4);

    private static Report run(String name, Path work) {
        UpgradeRunner.Result result = HARNESS.run(Scenarios.named(name, ProjectLayout.findProjectRoot(), ScenarioRuns.TRAFFIC,
                work.resolve("variants")), true);
        assertTrue(result.report().passed(), result.verdict().describe() + result.report().problems());
        assertEquals(List.of(), result.report().rollbacks(), "no rollback");
        assertEquals(1, result.report().hops().size());
        return result.report();
    }

    @Test
    void aTaskManagerLostBeforeTheStopRestartsTheOldVersionFromItsCheckpoint(@TempDir Path work) {
        Report.Hop hop = run("tm-kill-before-stop", work).hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT shortly before the stop: the TaskManager of v1")),
                hop.notes().toString());
    }

    @Test
    void aTaskManagerLostDuringTheSavepointFailsTheStopWhichIsRetried(@TempDir Path work) {
        Report.Hop hop = run("tm-kill-during-savepoint", work).hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.contains("failed (attempt 1)")), hop.notes().toString());
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("The stop with savepoint succeeded at attempt ")),
                hop.notes().toString());
    }

    @Test
    void withoutASavepointTheNextVersionRestoresFromTheLatestRetainedCheckpoint(@TempDir Path work) {
        Report report = run("restore-from-checkpoint", work);
        Report.Hop hop = report.hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("No savepoint was taken")), hop.notes().toString());
        assertTrue(hop.savepointPath().contains("/chk-"), "a checkpoint, not a savepoint: " + hop.savepointPath());
        UpgradeScenarioIT.assertHopFiguresHold(hop);
    }

    @Test
    void aCrashAfterTheFirstOutputIsRecoveredFromTheNewVersionsOwnCheckpoint(@TempDir Path work) {
        Report.Hop hop = run("crash-after-healthy", work).hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT after its first committed output: the TaskManager of v2")),
                hop.notes().toString());
    }
}
