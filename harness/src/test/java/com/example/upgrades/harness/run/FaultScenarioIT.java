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
 * Real faults inside the upgrade window (a TaskManager terminated and a new one started, the
 * savepoint directory made unwritable, the Kafka broker restarted): each ends with a clean verdict, nothing lost, nothing duplicated, and the report says what happened.
 */
class FaultScenarioIT {

    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 4);

    private static Report run(String name, Path work) {
        return run(name, 0, work);
    }

    private static Report run(String name, long faultDelayMs, Path work) {
        UpgradeRunner.Result result = HARNESS.run(Scenarios.named(name, ProjectLayout.findProjectRoot(), ScenarioRuns.TRAFFIC,
                work.resolve("variants")).withFaultDelay(faultDelayMs), true);
        assertTrue(result.report().passed(), result.verdict().describe() + result.report().problems());
        assertEquals(List.of(), result.report().rollbacks(), "no rollback");
        assertEquals(1, result.report().hops().size());
        return result.report();
    }

    /**
     * 2 s after the traffic reached the stop: the runner holds the traffic back there, so the job
     * has answered every event before it loses its TaskManager, and after the failover there is no
     * new output to wait for, only its next checkpoint (a soak run found the runner waiting for
     * output that could not come).
     */
    @Test
    void aTaskManagerLostBeforeTheStopRestartsTheOldVersionFromItsCheckpoint(@TempDir Path work) {
        Report.Hop hop = run("tm-kill-before-stop", 2_000, work).hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT shortly before the stop: the TaskManager of v1")
                && n.endsWith("The fault struck 2000 ms after its moment in the runbook.")), hop.notes().toString());
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
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("No savepoint can be taken: the stop with savepoint of v1")
                && n.contains("the job is RUNNING")), hop.notes().toString());
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

    @Test
    void anUnwritableSavepointDirectoryIsRefusedWhileTheOldVersionKeepsRunningThenTheStopIsAskedAgain(@TempDir Path work) {
        Report.Hop hop = run("savepoint-storage-failure", work).hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT before the stop: the savepoint directory")),
                hop.notes().toString());
        // Flink's refusal, said with the job still running: nothing lost.
        assertTrue(hop.notes().stream().anyMatch(n -> n.contains("failed (attempt 1)") && n.contains("The job is RUNNING")),
                hop.notes().toString());
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("The savepoint directory is writable again")),
                hop.notes().toString());
        assertTrue(hop.notes().stream().anyMatch(n -> n.equals("The stop with savepoint succeeded at attempt 2.")),
                hop.notes().toString());
        UpgradeScenarioIT.assertHopFiguresHold(hop);
    }

    @Test
    void aBrokerRestartWhileTheOldVersionStopsAndTheNewOneStartsLosesNothing(@TempDir Path work) {
        Report.Hop hop = run("broker-restart-during-hop", work).hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT during the hop: the Kafka broker was restarted")),
                hop.notes().toString());
    }
}
