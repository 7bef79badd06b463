package com.example.upgrades.harness.run;

import java.time.Duration;

import com.example.upgrades.harness.kafka.CommittedRecords;
import org.apache.kafka.clients.admin.Admin;

/**
 * The old version is gone right after its savepoint, before it committed what its sinks
 * pre-committed in it (as {@link CommitAfterSavepoint}), and the next version comes only after the
 * broker has aborted those transactions: their transaction timeout ran out first (a restore that
 * took too long, a rollback after a slow failed attempt, an upgrade paused overnight). What they
 * held is lost for good: the restored job's commit is refused (Flink's "Unable to commit
 * transaction ... most likely signals data loss"), and its source offsets are past those records.
 * The runner says so before the restore; the verifier counts the loss.
 */
final class RestoreAfterTransactionTimeout implements FaultInjection {

    /** Beyond the timeout: the broker looks for timed-out transactions periodically, then aborts them. */
    static final Duration ABORT_WITHIN = Duration.ofSeconds(60);

    private final PlannedFault planned;
    private final CommitAfterSavepoint gone;

    RestoreAfterTransactionTimeout(PlannedFault planned) {
        this.planned = planned;
        this.gone = new CommitAfterSavepoint(planned);
    }

    @Override
    public String stopInstead(FaultContext c) {
        return gone.stopInstead(c);
    }

    /** Until the broker has aborted every transaction the old version left open: none is left on the output topic. */
    @Override
    public void beforeRestore(FaultContext c) {
        Duration timeout = c.run.scenario().pipeline().transactionTimeout(c.from().jobArgs()).orElseThrow(
                () -> new UpgradeException("The fault " + planned + " needs the pipeline's transaction timeout, and "
                        + c.run.scenario().pipeline().name() + " does not say it."));
        String topic = c.run.scenario().pipeline().output().topic();
        c.run.progress().phase("FAULT: the restore waits until the broker has aborted what " + c.from() + " left open "
                + "(transaction timeout " + timeout.toSeconds() + " s)");
        long deadline = System.nanoTime() + timeout.plus(ABORT_WITHIN).toNanos();
        try (Admin admin = Admin.create(c.env.kafka().clientProperties())) {
            var partitions = CommittedRecords.partitions(admin, topic);
            while (!CommittedRecords.openTransactions(admin, partitions).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new UpgradeException("The broker had not aborted the transactions " + c.from() + " left open on "
                            + topic + " after " + timeout.plus(ABORT_WITHIN).toSeconds() + " s (their timeout is "
                            + timeout.toSeconds() + " s): check its transaction.abort.timed.out.transaction.cleanup.interval.ms.");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted while waiting for the broker to abort the old version's transactions.", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new UpgradeException("Cannot read the offsets of " + topic + ": " + e.getCause(), e);
        }
        c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(), "FAULT before the restore: " + c.to() + " was started only "
                + "after the broker had aborted the transactions " + c.from() + " left open, "
                + (System.currentTimeMillis() - c.hop.stopRequested) + " ms after its stop was asked (their timeout: "
                + timeout.toMillis() + " ms).", "timeout_ms", timeout.toMillis()));
    }
}
