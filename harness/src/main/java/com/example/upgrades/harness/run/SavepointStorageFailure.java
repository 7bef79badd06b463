package com.example.upgrades.harness.run;

import com.example.upgrades.harness.env.Environment;

/**
 * The savepoint directory is unwritable when the stop is asked: Flink refuses the savepoint, the
 * old version keeps running, the runner says so; the storage comes back and the stop is asked again.
 */
final class SavepointStorageFailure implements FaultInjection {

    private Environment.BlockedStorage blocked;

    private final PlannedFault planned;

    SavepointStorageFailure(PlannedFault planned) {
        this.planned = planned; // strikes at its moment: the directory is unwritable when the first stop is asked
    }

    @Override
    public void beforeStopAttempt(FaultContext c, int attempt) {
        if (attempt == 1) {
            blocked = c.faults().blockSavepointStorage();
            c.run.progress().phase("FAULT: the savepoint directory " + blocked.directory() + " is made unwritable");
            c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(), "FAULT before the stop: the savepoint directory "
                    + blocked.directory() + " was made unwritable (permissions, and chattr +i for root)."));
        }
    }

    @Override
    public void afterStopAttempt(FaultContext c, int attempt, boolean savepointTaken) {
        if (blocked != null && !savepointTaken) {
            blocked.restore();
            blocked = null;
            c.note(HopEvent.of(HopEvent.Kind.FAULT_MENDED, planned.fault(),
                    "The savepoint directory is writable again (the scenario gave it its permissions back)."));
        }
    }

    @Override
    public void afterStop(FaultContext c) {
        if (blocked != null) {
            blocked.restore();
            blocked = null;
        }
    }
}
