package com.example.upgrades.harness.run;

import org.apache.flink.api.common.JobID;

/**
 * Flink did not complete the stop with savepoint, so the job keeps running: on purpose, nothing is
 * lost, and the message says how to stop it by hand. A failed run cancels the other jobs it
 * started, never this one.
 */
public final class StopRefusedException extends UpgradeException {

    private final transient JobID job;

    public StopRefusedException(JobID job, String message, Throwable cause) {
        super(message, cause);
        this.job = job;
    }

    public JobID job() {
        return job;
    }
}
