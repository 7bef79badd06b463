package com.example.upgrades.harness.run;

import com.example.upgrades.harness.kafka.CommittedRecords;

/**
 * The old version dies between its savepoint and the commit of what its sinks pre-committed in it.
 * A stop with savepoint commits them before the job ends; Flink's cancel-with-savepoint does not
 * (an intermediate savepoint commits nothing), which leaves exactly the state a crash right after
 * the savepoint would. Those records stay invisible to read_committed readers, and hold back
 * everything after them on their partitions, until the next version commits them on restore; what
 * a read_committed reader saw before and after is counted, by the writer-job-id of each record.
 */
final class CommitAfterSavepoint implements FaultInjection {

    private final PlannedFault planned;

    CommitAfterSavepoint(PlannedFault planned) {
        this.planned = planned; // strikes at its moment: the stop
    }

    /** How long the fault waits for records the old version wrote and has not committed yet. */
    static final java.time.Duration IN_FLIGHT_WITHIN = java.time.Duration.ofSeconds(10);

    @Override
    public String stopInstead(FaultContext c) {
        awaitRecordsInFlight(c);
        c.run.progress().phase("FAULT: cancel " + c.from() + " with a savepoint: it is gone before it commits what the "
                + "savepoint pre-committed");
        String savepoint = c.run.flink().jobs(c.oldJob).cancelWithSavepoint(c.oldJob, c.env.savepointDirectory(),
                c.run.scenario().savepointFormat());
        c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(), "FAULT at the stop: " + c.from() + " was cancelled right after "
                + "its savepoint (Flink's cancel-with-savepoint: a savepoint that does not stop the job commits nothing), so "
                + "its last transactions, pre-committed in the savepoint, were never committed by it."));
        return savepoint;
    }

    /**
     * Until the output topic has records of an open transaction (the old version wrote them, its
     * next checkpoint would commit them): the moment at which a crash leaves something for the next
     * version to commit. The rest of the hop's traffic is let through first, so that the old
     * version has something to write (the runner may hold it back at this point). Bounded: on a
     * job with nothing in flight, the note says none was left.
     */
    private static void awaitRecordsInFlight(FaultContext c) {
        c.run.traffic().allowUpTo(c.run.phases().endOfPhase(c.hopIndex));
        String topic = c.run.scenario().pipeline().output().topic();
        long deadline = System.nanoTime() + IN_FLIGHT_WITHIN.toNanos();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(c.env.kafka().clientProperties())) {
            var partitions = CommittedRecords.partitions(admin, topic);
            while (System.nanoTime() < deadline) {
                if (!CommittedRecords.openTransactions(admin, partitions).isEmpty()) {
                    return;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            c.note(HopEvent.of(HopEvent.Kind.NOTE, "Could not look for records in flight on " + topic + ": " + e.getCause()));
        }
    }

    @Override
    public void afterFirstOutput(FaultContext c) {
        c.run.tail().awaitCaughtUpWithCommitted(UpgradeRunner.OUTPUT_TIMEOUT);
        OutputTail.Visible visible = c.run.tail().visible();
        long before = 0;
        long after = 0;
        long firstAfter = Long.MAX_VALUE;
        for (int r = 0; r < visible.visibleAt().length; r++) {
            if (!c.hop.fromJob.equals(visible.writerJobId()[r])) {
                continue;
            }
            if (visible.visibleAt()[r] < c.hop.runRequested) {
                before++;
            } else {
                after++;
                firstAfter = Math.min(firstAfter, visible.visibleAt()[r]);
            }
        }
        String seen = "When " + c.from() + " was gone, a read_committed reader saw " + before + " output records of it; ";
        c.note(HopEvent.of(HopEvent.Kind.COMMITTED_ON_RESTORE, after == 0
                ? seen + "none more became visible after " + c.to() + " was started: its savepoint left no transaction with "
                        + "records in it to commit."
                : seen + after + " more, written in the transactions pre-committed in its savepoint, became visible only "
                        + (firstAfter - c.hop.runRequested) + " ms after " + c.to() + " was started: " + c.to()
                        + " committed them on restore.", "visible_before", before, "committed_on_restore", after,
                "after_ms", after == 0 ? -1 : firstAfter - c.hop.runRequested));
    }
}
