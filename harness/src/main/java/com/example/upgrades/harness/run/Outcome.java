package com.example.upgrades.harness.run;

/**
 * How a run ended, from the point of view of a CI gate: only {@link #PASS} means the plan happened
 * as planned and everything it produced was checked and found right. Each outcome has its own exit
 * status (the CLI's), so that a script can tell them apart.
 */
public enum Outcome {
    /** Every planned deployment took (or the one the plan expects to be refused was), every check had something to check, and nothing was wrong. */
    PASS(0),
    /** The verifier found violations, or the run had a problem of its own (a hop without traffic, an expected refusal that did not happen). */
    FAIL(1),
    /**
     * Nothing was found wrong, but nothing could be concluded either: a topic missing or not readable
     * to its end, or a check that had nothing to check (no input, no output). Exit status 2, the
     * same as a run that could not run at all.
     */
    COULD_NOT_VERIFY(2),
    /**
     * A version was refused (or failed before its first committed output) and the previous one was
     * restored from the same savepoint: nothing is lost, but the upgrade did not happen, and the
     * versions after it were not attempted.
     */
    ROLLED_BACK(3);

    private final int exitStatus;

    Outcome(int exitStatus) {
        this.exitStatus = exitStatus;
    }

    /** The CLI's exit status for it: 0 PASS, 1 FAIL, 2 COULD_NOT_VERIFY (as a run that could not run), 3 ROLLED_BACK. */
    public int exitStatus() {
        return exitStatus;
    }
}
