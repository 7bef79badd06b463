package com.example.upgrades.harness.run;

import java.util.concurrent.CompletableFuture;

import com.example.upgrades.harness.env.Environment;

/** The Kafka broker restarts while the old version stops and the new one starts. */
final class BrokerRestartDuringHop implements FaultInjection {

    private final PlannedFault planned;
    private CompletableFuture<String> restart;

    BrokerRestartDuringHop(PlannedFault planned) {
        this.planned = planned;
    }

    @Override
    public void stopAsked(FaultContext c, int attempt, CompletableFuture<String> stop) {
        if (attempt != 1) {
            return;
        }
        Environment.Faults faults = c.faults();
        long at = System.currentTimeMillis();
        long delay = planned.delayMs();
        c.run.progress().phase("FAULT: restart the Kafka broker while " + c.from() + " stops");
        restart = CompletableFuture.supplyAsync(() -> {
            FaultContext.pause(delay);
            faults.restartBroker();
            return "FAULT during the hop: the Kafka broker was restarted " + delay + " ms after the stop of " + c.from()
                    + " was asked; it served clients again " + (System.currentTimeMillis() - at) + " ms after that ask.";
        });
    }

    @Override
    public void settle(FaultContext c) {
        if (restart != null) {
            c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(), restart.join(), "delay_ms", planned.delayMs()));
            restart = null;
        }
    }
}
