package com.example.upgrades.harness.run;

/**
 * A real fault a plan inflicts, and where: at hop {@code hop} (1 = the first hop), {@code delayMs}
 * after its moment in the runbook (0: at once). The soak draws the delay at random, seeded.
 */
public record PlannedFault(int hop, Fault fault, long delayMs) {

    public PlannedFault {
        if (hop < 1) {
            throw new IllegalArgumentException("A fault strikes at a hop, numbered from 1; got " + hop + ".");
        }
        if (fault == null || fault == Fault.NONE) {
            throw new IllegalArgumentException("A planned fault needs a fault.");
        }
        if (delayMs < 0) {
            throw new IllegalArgumentException("The fault delay must be 0 or more ms, got " + delayMs + ".");
        }
    }

    @Override
    public String toString() {
        return fault + " at hop " + hop + (delayMs == 0 ? "" : ", " + delayMs + " ms after its moment");
    }
}
