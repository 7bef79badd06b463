package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;

import java.io.PrintStream;
import java.time.Duration;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.run.Scenario.Deployment;
import org.apache.flink.api.common.JobID;

/**
 * What a fault's hooks may use during one hop: the run, the hop's log (its notes), the old job and,
 * once started, the new one; and the means to strike (the environment's faults).
 */
final class FaultContext {

    final UpgradeRunner.Run run;
    /** Which hop, from 1. */
    final int hopIndex;
    final HopLog hop;
    final Environment env;
    final PrintStream out;
    /** The old version's job. */
    final JobID oldJob;
    /** The new version's job, once started (null before). */
    JobID newJob;

    FaultContext(UpgradeRunner.Run run, int hopIndex, HopLog hop, Environment env, PrintStream out, JobID oldJob) {
        this.run = run;
        this.hopIndex = hopIndex;
        this.hop = hop;
        this.env = env;
        this.out = out;
        this.oldJob = oldJob;
    }

    Deployment from() {
        return hop.from;
    }

    Deployment to() {
        return hop.to;
    }

    /** The environment's means to strike; an environment without them cannot run fault scenarios. */
    Environment.Faults faults() {
        return env.faults().orElseThrow(() -> new UpgradeException("The " + env.name() + " environment cannot inflict "
                + "faults; run the fault scenarios on the embedded environment. Nothing was deployed differently."));
    }

    /** Says what happened, on the console and in the hop's events. */
    void note(HopEvent event) {
        out.println("[runner] " + event.text());
        hop.events.add(event);
    }

    static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted while waiting to inflict a fault", e);
        }
    }

    /** " The fault struck N ms after its moment in the runbook." when it is delayed. */
    static String struckAfter(long delayMs) {
        return delayMs == 0 ? "" : " The fault struck " + delayMs + " ms after its moment in the runbook.";
    }

    /**
     * A real fault: the TaskManager running the job is terminated and a new one started. The job
     * fails, Flink restarts it from its last checkpoint; this waits until it runs again and has
     * committed again, and returns what happened.
     */
    String replaceTaskManager(JobID job, Deployment d, String when, long delayMs) {
        Environment.Faults faults = faults();
        FlinkJobs jobs = run.flink().jobs(job);
        int failuresBefore = jobs.failureCount(job);
        long committedBefore = run.tail().answersSeenOf(job.toHexString());
        long at = System.currentTimeMillis();
        run.progress().phase("FAULT: terminate the TaskManager of " + d + " " + when);
        faults.replaceTaskManager();
        await(d + " to fail over after losing its TaskManager").atMost(FlinkSteps.DEPLOY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100)).until(() -> jobs.failureCount(job) > failuresBefore);
        run.flink().awaitRunningAgain(job, d);
        long running = System.currentTimeMillis();
        // Committing again: new output visible, or a checkpoint completed after the failover (which
        // commits; when everything allowed so far was answered before the fault, there is no new output).
        await(d + " committing again").atMost(UpgradeRunner.OUTPUT_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> run.tail().answersSeenOf(job.toHexString()) > committedBefore || run.traffic().finished()
                        || jobs.latestCompletedCheckpointAt(job).orElse(0) > running);
        return "FAULT " + when + ": the TaskManager of " + d + " was terminated; the job failed over (restart "
                + "from its last checkpoint), ran again after " + (running - at) + " ms and committed again after "
                + (System.currentTimeMillis() - at) + " ms. Cause Flink recorded: "
                + jobs.failureCause(job).map(c -> c.lines().findFirst().orElse(c)).orElse("(none)") + struckAfter(delayMs);
    }
}
