package com.example.upgrades.harness.run;

import org.apache.flink.api.common.JobID;

/**
 * Blue/green: green loses its TaskManager while it runs beside blue, before the cutover. The
 * runner waits until green has failed over and runs again; the cutover then goes on, and green's
 * gate, restored with the rest of its state, still decides every record as blue does.
 */
final class TaskManagerLostDuringOverlap implements FaultInjection {

    private final PlannedFault planned;

    TaskManagerLostDuringOverlap(PlannedFault planned) {
        this.planned = planned;
    }

    @Override
    public void duringOverlap(FaultContext c, JobID green, Scenario.Deployment to) {
        FaultContext.pause(planned.delayMs());
        c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(),
                c.replaceTaskManager(green, to, "during the blue/green overlap, before the cutover", planned.delayMs()),
                "delay_ms", planned.delayMs()));
    }
}
