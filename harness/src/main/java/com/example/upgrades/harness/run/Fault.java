package com.example.upgrades.harness.run;

/**
 * A real fault the runner inflicts at a hop of a plan, through the environment's {@code Faults} (a
 * TaskManager really terminated, the broker really restarted, the savepoint directory really
 * unwritable). Each must still end with a clean verdict: nothing lost, nothing duplicated. Each is
 * a class of its own ({@link FaultInjection#of}) whose hooks the runbook calls at their moments.
 */
public enum Fault {
    NONE,
    /** A TaskManager dies while the old version runs, shortly before the stop: it restarts from its checkpoint, then the upgrade goes on. */
    TM_KILL_BEFORE_STOP,
    /** A TaskManager dies while stop-with-savepoint is in progress: the stop fails, the job restarts, the runner stops it again. */
    TM_KILL_DURING_SAVEPOINT,
    /** The new version fails after its first committed output, outside the rollback health window: it restarts from its own checkpoint. */
    CRASH_AFTER_HEALTHY,
    /**
     * The savepoint directory is not writable when the stop is asked: Flink refuses the savepoint,
     * the old version keeps running, the runner says so; the storage comes back and the stop is
     * asked again.
     */
    SAVEPOINT_STORAGE_FAILURE,
    /** The Kafka broker restarts while the old version stops and the new one starts. */
    BROKER_RESTART_DURING_HOP,
    /**
     * No savepoint can be taken (the savepoint directory is unwritable: the stop is refused): the
     * old version is cancelled and the next one restores from its latest retained checkpoint (the
     * Kubernetes operator's last-state upgrade mode).
     */
    RESTORE_FROM_CHECKPOINT,
    /**
     * The old version is gone between its savepoint and the commit of what its sinks pre-committed
     * in it: Flink's cancel-with-savepoint takes an intermediate savepoint, which commits nothing,
     * then cancels the job, the state a crash right after the savepoint leaves. Those records stay
     * invisible to read_committed readers until the next version, restored from the savepoint,
     * commits them.
     */
    COMMIT_AFTER_SAVEPOINT,
    /**
     * Blue/green only: the TaskManager that runs green is terminated during the overlap, after every
     * task of green runs and before the cutover is announced (on a one-TaskManager cluster, as here,
     * blue's tasks go with it). Both fail over from their own last checkpoint (green from the
     * savepoint if it has none yet); the hop then ends in a clean cutover, or, if green does not come
     * back, a clean abort: never in loss.
     */
    TM_KILL_DURING_OVERLAP,
    /**
     * As {@link #COMMIT_AFTER_SAVEPOINT}, and the next version is started only after the broker
     * has aborted the transactions the old one left open (their transaction timeout ran out): what
     * the savepoint pre-committed is lost, and the verifier counts exactly that. The runner warns
     * before the restore.
     */
    RESTORE_AFTER_TRANSACTION_TIMEOUT;

    /** Whether it makes the stop fail or replaces it: a hop has at most one such fault. */
    public boolean actsOnTheStop() {
        return switch (this) {
            case TM_KILL_DURING_SAVEPOINT, SAVEPOINT_STORAGE_FAILURE, BROKER_RESTART_DURING_HOP, RESTORE_FROM_CHECKPOINT,
                    COMMIT_AFTER_SAVEPOINT, RESTORE_AFTER_TRANSACTION_TIMEOUT -> true;
            default -> false;
        };
    }
}
