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
                work.resolve("variants")).toBuilder().faultDelay(faultDelayMs).build(), true);
        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v1", "v2"), result.report().deployments().stream()
                .map(Report.DeploymentFigures::version).distinct().toList(), "v2 took");
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

    /**
     * The restore step "pending transactions are committed", shown happening: v1 is gone right
     * after its savepoint, its last transactions pre-committed in it but not committed; a
     * read_committed reader sees those records only once v2 has started and committed them. The
     * count comes from the output tail (what the reader saw, and when); the verifier's count of v1's
     * records, read after the run, must be exactly what was visible before plus what came after.
     */
    @Test
    void transactionsPreCommittedInTheSavepointAreCommittedByTheNewVersionOnRestore(@TempDir Path work) {
        Report report = run("commit-after-savepoint", work);
        Report.Hop hop = report.hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT at the stop: v1 at parallelism 4 was cancelled right "
                + "after its savepoint")), hop.notes().toString());
        java.util.regex.Matcher m = hop.notes().stream()
                .map(java.util.regex.Pattern.compile("When v1 at parallelism 4 was gone, a read_committed reader saw (\\d+) "
                        + "output records of it; (\\d+) more, written in the transactions pre-committed in its savepoint, "
                        + "became visible only (\\d+) ms after v2 at parallelism 4 was started: v2 at parallelism 4 committed "
                        + "them on restore\\.")::matcher)
                .filter(java.util.regex.Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no commit on restore in " + hop.notes()));
        long before = Long.parseLong(m.group(1));
        long after = Long.parseLong(m.group(2));
        assertTrue(after > 0, "records committed only on restore: " + hop.notes());
        assertEquals(report.deployments().get(0).userStatsRecords(), before + after,
                "v1's records, as the verifier counted them, are those seen before v2 started and those it committed");
        UpgradeScenarioIT.assertHopFiguresHold(hop);
    }

    @Test
    void aBrokerRestartWhileTheOldVersionStopsAndTheNewOneStartsLosesNothing(@TempDir Path work) {
        Report.Hop hop = run("broker-restart-during-hop", work).hops().get(0);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT during the hop: the Kafka broker was restarted")),
                hop.notes().toString());
    }
}
