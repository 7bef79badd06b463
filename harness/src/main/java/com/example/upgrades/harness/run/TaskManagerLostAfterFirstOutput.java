package com.example.upgrades.harness.run;

/**
 * The new version loses its TaskManager after its first committed output, outside the rollback
 * health window: no rollback; it restarts from its own checkpoint.
 */
final class TaskManagerLostAfterFirstOutput implements FaultInjection {

    private final PlannedFault planned;

    TaskManagerLostAfterFirstOutput(PlannedFault planned) {
        this.planned = planned;
    }

    @Override
    public void afterFirstOutput(FaultContext c) {
        FaultContext.pause(planned.delayMs());
        c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(),
                c.replaceTaskManager(c.newJob, c.to(), "after its first committed output", planned.delayMs()),
                "delay_ms", planned.delayMs()));
    }
}
