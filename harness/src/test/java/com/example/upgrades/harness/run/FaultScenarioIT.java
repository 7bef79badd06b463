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
        assertTrue(has(commit.events(), HopEvent.Kind.TRANSACTION_BUDGET, null, e -> "false".equals(e.facts().get("beyond"))
                && e.number("elapsed_ms") < e.number("timeout_ms")), "within the budget: " + commit.events());
        UpgradeScenarioIT.assertHopFiguresHoldWithTheTrafficLetThrough(commit);
    }

    /**
     * The transaction timeout as a hop's budget: v1 (its transactions time out after 5 s) is gone
     * right after its savepoint, and v2 restores only once the broker has aborted what v1 left
     * open. The runner says before the restore that the budget is spent and what that loses; v2's
     * commit of the savepoint's transactions is refused, and the records in them are lost for good.
     * The loss is counted from the broker's own records, independently of the verifier: the
     * user-stats records a read_uncommitted reader sees and a read_committed one does not (aborted),
     * whose event no committed record answers; the verifier's LOST is exactly their number.
     */
    @Test
    void aRestoreAfterTheTransactionTimeoutLosesExactlyWhatTheSavepointPreCommitted() {
        Scenario scenario = Scenarios.named("restore-after-transaction-timeout", ProjectLayout.findProjectRoot(),
                ScenarioRuns.TRAFFIC);
        UpgradeRunner.Result result = HARNESS.run(scenario, true);

        Report.Hop hop = result.report().hops().get(0);
        HopEvent budget = hop.events().stream().filter(e -> e.kind() == HopEvent.Kind.TRANSACTION_BUDGET).findFirst()
                .orElseThrow(() -> new AssertionError("no budget noted: " + hop.events()));
        assertEquals("true", budget.facts().get("beyond"), budget.toString());
        assertEquals(5_000, budget.number("timeout_ms"));
        assertTrue(budget.text().contains("BEYOND IT") && budget.text().contains("LOST"), budget.text());

        java.util.Set<Long> aborted = abortedAnswers(HARNESS.environment(), com.example.upgrades.userevents.PipelineTopics.STATS);
        assertTrue(!aborted.isEmpty(), "the savepoint pre-committed answers that the broker aborted");
        assertEquals(Outcome.FAIL, result.outcome(), result.report().markdown());
        assertEquals(aborted.size(), result.verdict().count("LOST"), "lost: exactly the answers only aborted transactions held: "
                + result.verdict().describe());
        assertEquals(0, result.verdict().count("DUPLICATE"), result.verdict().describe());
    }

    /** The last_event_id of every user-stats record of an aborted transaction that no committed record answers. */
    private static java.util.Set<Long> abortedAnswers(com.example.upgrades.harness.env.Environment env, String topic) {
        java.util.Map<String, Long> all = answers(env, topic, "read_uncommitted");
        java.util.Map<String, Long> committed = answers(env, topic, "read_committed");
        java.util.Set<Long> answered = new java.util.HashSet<>(committed.values());
        java.util.Set<Long> lost = new java.util.TreeSet<>();
        all.forEach((position, eventId) -> {
            if (!committed.containsKey(position) && !answered.contains(eventId)) {
                lost.add(eventId);
            }
        });
        return lost;
    }

    /** Every record of the topic as a reader of this isolation level sees it: "partition@offset" to its last_event_id. */
    private static java.util.Map<String, Long> answers(com.example.upgrades.harness.env.Environment env, String topic,
            String isolation) {
        java.util.Properties props = env.kafka().clientProperties();
        props.put("isolation.level", isolation);
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var r : consumer.poll(java.time.Duration.ofMillis(200))) {
                    try {
                        out.put(r.partition() + "@" + r.offset(), json.readTree(r.value()).get("last_event_id").asLong());
                    } catch (java.io.IOException e) {
                        throw new AssertionError("not a user-stats record at " + r.partition() + "@" + r.offset(), e);
                    }
                }
            }
        }
        return out;
    }

    /** An event of this kind (and of this fault, if given) that satisfies the condition. */
    private static boolean has(List<HopEvent> events, HopEvent.Kind kind, Fault fault,
            java.util.function.Predicate<HopEvent> condition) {
        return events.stream().anyMatch(e -> e.kind() == kind && (fault == null || fault.name().equals(e.fault()))
                && condition.test(e));
    }
}
