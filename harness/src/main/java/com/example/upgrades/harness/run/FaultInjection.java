package com.example.upgrades.harness.run;

import java.util.Map;

/**
 * A real fault as the runbook meets it: hooks at the moments of a hop, each a no-op unless the
 * fault acts there. One class per fault; the runner calls the hooks of every fault planned at the
 * hop, and knows nothing else of them.
 */
interface FaultInjection {

    /** The class of a planned fault. */
    static FaultInjection of(PlannedFault planned) {
        return switch (planned.fault()) {
            case TM_KILL_BEFORE_STOP -> new TaskManagerLostBeforeStop(planned);
            case TM_KILL_DURING_SAVEPOINT -> new TaskManagerLostDuringSavepoint(planned);
            case CRASH_AFTER_HEALTHY -> new TaskManagerLostAfterFirstOutput(planned);
            case SAVEPOINT_STORAGE_FAILURE -> new SavepointStorageFailure(planned);
            case BROKER_RESTART_DURING_HOP -> new BrokerRestartDuringHop(planned);
            case RESTORE_FROM_CHECKPOINT -> new RestoreFromCheckpoint(planned);
            case COMMIT_AFTER_SAVEPOINT -> new CommitAfterSavepoint(planned);
            case TM_KILL_DURING_OVERLAP -> new TaskManagerLostDuringOverlap(planned);
            case RESTORE_AFTER_TRANSACTION_TIMEOUT -> new RestoreAfterTransactionTimeout(planned);
            case NONE -> throw new IllegalArgumentException("NONE is no fault");
        };
    }

    /** Settings every job of a plan with this fault is submitted with (e.g. keep checkpoints on cancel). */
    default Map<String, String> jobConfiguration() {
        return Map.of();
    }

    /** The hop's share of traffic is written; the old version runs, and is stopped next. */
    default void beforeStop(FaultContext c) {}

    /** A savepoint path if the fault replaces the stop (the old version is gone then); null to let the runner stop. */
    default String stopInstead(FaultContext c) {
        return null;
    }

    /** Where stop attempt {@code attempt} writes its savepoint (a fault may want it held). */
    default String savepointDirectory(int attempt, String directory) {
        return directory;
    }

    /** Before stop attempt {@code attempt} is asked. */
    default void beforeStopAttempt(FaultContext c, int attempt) {}

    /** Stop attempt {@code attempt} was just asked: the savepoint is under way. */
    default void stopAsked(FaultContext c, int attempt, java.util.concurrent.CompletableFuture<String> stop) {}

    /** Stop attempt {@code attempt} ended, with a savepoint or not. */
    default void afterStopAttempt(FaultContext c, int attempt, boolean savepointTaken) {}

    /** The stop is over, however it went (a fault undoes itself here at the latest). */
    default void afterStop(FaultContext c) {}

    /** The old version is gone; the next one is about to start: a fault still striking from the stop is waited for. */
    default void beforeRestore(FaultContext c) {}

    /** The new version committed its first output (or the hop ends in a rollback): whatever still strikes is waited for. */
    default void settle(FaultContext c) {}

    /** The new version is healthy: its first output committed, outside the rollback window from here on. */
    default void afterFirstOutput(FaultContext c) {}

    /** Blue/green: every task of green ({@code green}, deployed as {@code to}) runs beside blue; the cutover comes next. */
    default void duringOverlap(FaultContext c, org.apache.flink.api.common.JobID green, Scenario.Deployment to) {}
}
