package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real faults inside the upgrade window (a TaskManager terminated and a new one started, the
 * savepoint directory made unwritable, the Kafka broker restarted, no savepoint at all, the old
 * version gone before it committed): each ends with a clean verdict, nothing lost, nothing
 * duplicated, and the report says what happened. Faults that strike at different moments share a
 * run (one per hop and moment), so that seven faults cost two upgrades: the assertions of each are
 * those of the run it had on its own, on its own hop.
 */
class FaultScenarioIT {

    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 4);

    /** v1 -> v2, then v2 -> v2 again for every further hop: each hop carries its own faults. */
    private static Report run(String name, int hops, java.util.function.UnaryOperator<Scenario.Builder> faults) {
        Path root = ProjectLayout.findProjectRoot();
        Scenario.Builder plan = Scenario.builder(name, UserEventsPipeline.INSTANCE).traffic(ScenarioRuns.TRAFFIC)
                .windowSize(Scenarios.WINDOW_SIZE).deploy(Scenario.Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4));
        for (int i = 1; i <= hops; i++) {
            plan.then(Scenario.Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4));
        }
        UpgradeRunner.Result result = HARNESS.run(faults.apply(plan).build(), true);
        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        List<String> versions = new java.util.ArrayList<>(List.of("v1"));
        for (int i = 1; i <= hops; i++) {
            versions.add("v2");
        }
        assertEquals(versions, result.report().deployments().stream().map(Report.DeploymentFigures::version).toList(),
                "every version took");
        assertEquals(List.of(), result.report().rollbacks(), "no rollback");
        assertEquals(hops, result.report().hops().size());
        return result.report();
    }

    /**
     * Hop 1: a TaskManager lost before the stop (2 s after the traffic reached the stop: the runner
     * holds the traffic back there, so the job may have answered every event before it loses its
     * TaskManager, and after the failover there is no new output to wait for, only its next
     * checkpoint), another lost during the stop's savepoint (held open until then, so the kill lands
     * inside it), and the new version's lost after its first output (no rollback). Hop 2: the
     * savepoint directory unwritable when the stop is asked.
     */
    @Test
    void taskManagersLostBeforeDuringAndAfterTheStopAndAnUnwritableSavepointDirectory() {
        Report report = run("faults-task-managers-and-storage", 2, plan -> plan
                .fault(1, Fault.TM_KILL_BEFORE_STOP, 2_000)
                .fault(1, Fault.TM_KILL_DURING_SAVEPOINT, 0)
                .fault(1, Fault.CRASH_AFTER_HEALTHY, 0)
                .fault(2, Fault.SAVEPOINT_STORAGE_FAILURE, 0));
        Report.Hop first = report.hops().get(0);
        List<HopEvent> events = first.events();
        assertTrue(has(events, HopEvent.Kind.FAULT, Fault.TM_KILL_BEFORE_STOP, e -> e.number("delay_ms") == 2000), events.toString());
        // During the savepoint, every time: the embedded environment holds the savepoint open.
        assertTrue(has(events, HopEvent.Kind.FAULT, Fault.TM_KILL_DURING_SAVEPOINT,
                e -> "true".equals(e.facts().get("held_open"))), events.toString());
        assertTrue(has(events, HopEvent.Kind.STOP_FAILED, null, e -> e.number("attempt") == 1), events.toString());
        assertTrue(has(events, HopEvent.Kind.STOP_SUCCEEDED_AFTER_RETRY, null, e -> e.number("attempt") >= 2), events.toString());
        assertTrue(has(events, HopEvent.Kind.FAULT, Fault.CRASH_AFTER_HEALTHY, e -> true), events.toString());

        Report.Hop second = report.hops().get(1);
        events = second.events();
        assertTrue(has(events, HopEvent.Kind.FAULT, Fault.SAVEPOINT_STORAGE_FAILURE, e -> true), events.toString());
        // Flink's refusal, said with the job still running: nothing lost.
        assertTrue(has(events, HopEvent.Kind.STOP_FAILED, null,
                e -> e.number("attempt") == 1 && "RUNNING".equals(e.facts().get("job_status"))), events.toString());
        assertTrue(has(events, HopEvent.Kind.FAULT_MENDED, Fault.SAVEPOINT_STORAGE_FAILURE, e -> true), events.toString());
        assertTrue(has(events, HopEvent.Kind.STOP_SUCCEEDED_AFTER_RETRY, null, e -> e.number("attempt") == 2), events.toString());
        UpgradeScenarioIT.assertHopFiguresHold(second);
    }

    /**
     * Hop 1, the restore step "pending transactions are committed" shown happening: the old version
     * is gone right after its savepoint, its last transactions pre-committed in it but not committed;
     * a read_committed reader sees those records only once the next version has started and
     * committed them. The count comes from the output tail (what the reader saw, and when); the
     * verifier's count of that version's records, read after the run, must be exactly what was
     * visible before plus what came after. Hop 2: the broker restarts while the old version stops and
     * the new one starts. Hop 3: no savepoint can be taken, the next version restores from the
     * latest retained checkpoint.
     */
    @Test
    void transactionsCommittedOnRestoreABrokerRestartAndACheckpointInsteadOfASavepoint() {
        Report report = run("faults-commit-broker-checkpoint", 3, plan -> plan
                .fault(1, Fault.COMMIT_AFTER_SAVEPOINT, 0)
                .fault(2, Fault.BROKER_RESTART_DURING_HOP, 0)
                .fault(3, Fault.RESTORE_FROM_CHECKPOINT, 0));
        Report.Hop checkpoint = report.hops().get(2);
        assertTrue(has(checkpoint.events(), HopEvent.Kind.SAVEPOINT_REFUSED, Fault.RESTORE_FROM_CHECKPOINT,
                e -> "RUNNING".equals(e.facts().get("job_status"))), checkpoint.events().toString());
        assertTrue(has(checkpoint.events(), HopEvent.Kind.RESTORING_FROM_CHECKPOINT, Fault.RESTORE_FROM_CHECKPOINT,
                e -> e.facts().get("checkpoint").equals(checkpoint.savepointPath())), checkpoint.events().toString());
        assertTrue(checkpoint.savepointPath().contains("/chk-"), "a checkpoint, not a savepoint: " + checkpoint.savepointPath());
        UpgradeScenarioIT.assertHopFiguresHold(checkpoint);

        Report.Hop second = report.hops().get(1);
        assertTrue(has(second.events(), HopEvent.Kind.FAULT, Fault.BROKER_RESTART_DURING_HOP, e -> true),
                second.events().toString());

        Report.Hop commit = report.hops().get(0);
        assertTrue(has(commit.events(), HopEvent.Kind.FAULT, Fault.COMMIT_AFTER_SAVEPOINT, e -> true), commit.events().toString());
        HopEvent committed = commit.events().stream().filter(e -> e.kind() == HopEvent.Kind.COMMITTED_ON_RESTORE).findFirst()
                .orElseThrow(() -> new AssertionError("no commit on restore in " + commit.events()));
        long before = committed.number("visible_before");
        long after = committed.number("committed_on_restore");
        assertTrue(after > 0, "records committed only on restore: " + committed);
        assertTrue(committed.number("after_ms") >= 0, committed.toString());
        long ofThatJob = report.deployments().stream().filter(d -> d.jobId().equals(commit.fromJobId()))
                .mapToLong(Report.DeploymentFigures::answerRecords).sum();
        assertEquals(ofThatJob, before + after,
                "its records, as the verifier counted them, are those seen before the next one started and those it committed");
        UpgradeScenarioIT.assertHopFiguresHoldWithTheTrafficLetThrough(commit);
    }

    /** An event of this kind (and of this fault, if given) that satisfies the condition. */
    private static boolean has(List<HopEvent> events, HopEvent.Kind kind, Fault fault,
            java.util.function.Predicate<HopEvent> condition) {
        return events.stream().anyMatch(e -> e.kind() == kind && (fault == null || fault.name().equals(e.fault()))
                && condition.test(e));
    }
}
