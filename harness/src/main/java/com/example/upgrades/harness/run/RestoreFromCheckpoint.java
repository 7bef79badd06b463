package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.flink.FlinkJobs;

/**
 * No savepoint can be taken (the savepoint storage is broken: a real fault, the stop is refused):
 * the old version is cancelled and the next one gets its latest retained checkpoint (the
 * Kubernetes operator's last-state upgrade mode). It holds the same kinds of state, at the last
 * completed checkpoint, so the next version restores as from a savepoint; everything after that
 * checkpoint is read again, and the old job's transactions after it, never committed, are aborted:
 * a read_committed consumer sees nothing twice. What it does not give: a chosen moment, a format
 * for another state backend, or a guarantee across Flink versions.
 */
final class RestoreFromCheckpoint implements FaultInjection {

    private final PlannedFault planned;

    RestoreFromCheckpoint(PlannedFault planned) {
        this.planned = planned; // strikes at its moment: the storage is broken when the stop is asked
    }

    /** Every job keeps its checkpoints when cancelled, so that the next one can restore from one. */
    @Override
    public Map<String, String> jobConfiguration() {
        return Map.of("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    }

    @Override
    public String stopInstead(FaultContext c) {
        FlinkJobs jobs = c.run.flink().jobs(c.oldJob);
        Environment.BlockedStorage blocked = c.faults().blockSavepointStorage();
        try {
            c.run.progress().phase("FAULT: the savepoint directory " + blocked.directory() + " is unwritable; ask for the stop");
            try {
                String unexpected = jobs.stopWithSavepointAsync(c.oldJob, false, c.env.savepointDirectory(),
                        c.run.scenario().savepointFormat()).get(FlinkSteps.DEPLOY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw new UpgradeException("The savepoint storage was unwritable, yet Flink wrote a savepoint at "
                        + unexpected + ": this scenario cannot show a restore from a checkpoint here.");
            } catch (ExecutionException | TimeoutException e) {
                org.apache.flink.api.common.JobStatus status = jobs.status(c.oldJob);
                c.note(HopEvent.of(HopEvent.Kind.SAVEPOINT_REFUSED, planned.fault(), "No savepoint can be taken: the stop "
                        + "with savepoint of " + c.from() + " was refused (" + FlinkJobs.rootMessage(e) + "); the job is "
                        + status + ".", "job_status", status));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpgradeException("Interrupted while stopping " + c.from(), e);
            }
        } finally {
            blocked.restore();
        }
        c.run.flink().awaitRunningAgain(c.oldJob, c.from());
        c.run.progress().phase("NO SAVEPOINT: cancel " + c.from() + " and restore from its latest retained checkpoint");
        String checkpoint = await("a completed checkpoint of " + c.from()).atMost(UpgradeRunner.OUTPUT_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> jobs.latestCompletedCheckpoint(c.oldJob), Optional::isPresent).orElseThrow();
        jobs.cancel(c.oldJob);
        c.run.flink().awaitFinished(c.oldJob, c.from());
        // The checkpoint the job had when it was cancelled: one may have completed meanwhile.
        String latest;
        try {
            latest = jobs.latestCompletedCheckpoint(c.oldJob).orElse(checkpoint);
        } catch (RuntimeException e) {
            latest = checkpoint;
        }
        c.note(HopEvent.of(HopEvent.Kind.RESTORING_FROM_CHECKPOINT, planned.fault(), "No savepoint was taken: " + c.from()
                + " was cancelled, and the next version restores from its latest retained checkpoint " + latest + ".",
                "checkpoint", latest));
        return latest;
    }
}
