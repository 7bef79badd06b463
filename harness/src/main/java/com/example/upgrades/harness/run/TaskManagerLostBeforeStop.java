package com.example.upgrades.harness.run;

/**
 * A TaskManager dies while the old version runs, shortly before the stop: the job restarts from
 * its last checkpoint, then the upgrade goes on. The runner holds the traffic back at the hop's
 * share, so the job may have answered everything before it loses its TaskManager.
 */
final class TaskManagerLostBeforeStop implements FaultInjection {

    private final PlannedFault planned;

    TaskManagerLostBeforeStop(PlannedFault planned) {
        this.planned = planned;
    }

    @Override
    public void beforeStop(FaultContext c) {
        FaultContext.pause(planned.delayMs());
        c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(),
                c.replaceTaskManager(c.oldJob, c.from(), "shortly before the stop", planned.delayMs()),
                "delay_ms", planned.delayMs()));
    }
}
