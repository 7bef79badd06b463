package com.example.upgrades.harness.run;

import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.run.Scenario.Deployment;

/**
 * What the runner notes while one hop happens: the moments (epoch ms, -1 where not reached) and
 * the counts at those moments. Once the run is over and every output has been seen, {@link
 * #figures} turns them into the hop's figures, from a downstream consumer's point of view.
 */
final class HopLog {

    /** Latency before a hop is taken over at most this long a span before the stop. */
    static final long LEVEL_SPAN_MS = 10_000;

    final Deployment from;
    final Deployment to;
    final String fromJob;
    String toJob;
    String savepoint;
    long savepointBytes = -1;

    long stopRequested = -1;
    long oldFinished = -1;
    long runRequested = -1;
    long runReturned = -1;
    long allRunningSeen = -1;
    FlinkJobs.TaskStartTimes taskStarts = new FlinkJobs.TaskStartTimes(-1, -1);
    long firstCheckpoint = -1;

    /** The next version's job graph, built before the stop (a prepared hop); null for a jar run. */
    FlinkSteps.PreparedJob prepared;

    /** What happened during the hop besides the runbook: faults inflicted, stops retried. */
    final java.util.List<HopEvent> events = new java.util.ArrayList<>();

    long producedAtStop;
    long producedAtOldFinished;
    long producedAtNewRunning;
    /** answer records (the output probe's topic) committed by every job before this hop, read once the old job finished. */
    long answersCommittedAtOldFinished;

    HopLog(Deployment from, Deployment to, String fromJob) {
        this.from = from;
        this.to = to;
        this.fromJob = fromJob;
    }

    /**
     * The hop's figures.
     *
     * @param timeline every answer record of the run, as the tail saw it
     * @param levelFrom latency before the hop is measured from here at the earliest (the previous
     *     hop's catch-up, or the first output of the run)
     * @param until the end of this hop's "after" span: the next hop's stop, or the end of the run
     */
    Report.Hop figures(Timeline timeline, long levelFrom, long until) {
        // The old job's last record seen before the new one was started: records of the old job
        // that the new one commits on restore (commit-after-savepoint) come late, and their wait
        // shows in the latency, not in the gap.
        long lastOfOld = timeline.lastVisibleOfBefore(fromJob, runRequested);
        long firstOfNew = timeline.firstVisibleOf(toJob);
        long restoreEnd = taskStarts.lastRunning() > 0 ? taskStarts.lastRunning() : allRunningSeen;

        long levelStart = Math.max(levelFrom, stopRequested - LEVEL_SPAN_MS);
        Timeline.Percentiles before = timeline.latencyBetween(levelStart, stopRequested);
        long caughtUp = -1;
        if (firstOfNew > 0 && before.records() >= Timeline.MIN_RECORDS_FOR_LEVEL) {
            caughtUp = timeline.caughtUpAt(toJob, firstOfNew, before.p99Ms(), until);
        }
        long duringEnd = caughtUp > 0 ? caughtUp : until;
        // The longest a consumer waited for new output, from the moment the hop began until the new
        // version's output had caught up (or its first output, if it never did, plus a second).
        long quietEnd = caughtUp > 0 ? caughtUp : firstOfNew > 0 ? Math.min(until, firstOfNew + 1_000) : until;
        long longestQuiet = timeline.longestQuiet(stopRequested, quietEnd);
        boolean blueGreen = to.strategy() != Scenario.Strategy.STOP_AND_RESTORE;
        Timeline.Percentiles during = timeline.latencyBetween(stopRequested, duringEnd);
        Timeline.Percentiles after = caughtUp > 0
                ? timeline.latencyBetween(caughtUp, Math.min(caughtUp + LEVEL_SPAN_MS, until))
                : Timeline.Percentiles.NONE;

        return new Report.Hop(from.version(), to.version(), from.parallelism(), to.parallelism(), fromJob, toJob,
                savepoint, savepointBytes,
                between(stopRequested, oldFinished),
                between(runRequested, restoreEnd),
                new Report.RestoreParts(
                        between(runRequested, runReturned),
                        between(runReturned, taskStarts.lastInitializing()),
                        between(taskStarts.lastInitializing(), taskStarts.lastRunning()),
                        between(restoreEnd, firstCheckpoint)),
                to.strategy().label(),
                // Blue/green: the old version's output goes on while the new one starts, so the gap is
                // the longest quiet; stop-and-restore: from the old version's last output to the new one's first.
                blueGreen ? longestQuiet : between(lastOfOld, firstOfNew),
                longestQuiet,
                timeline.longestQuiet(levelStart, stopRequested),
                between(stopRequested, caughtUp),
                new Report.HopTraffic(
                        // Blue/green: everything written while the two versions ran side by side.
                        blueGreen ? producedAtOldFinished - producedAtStop : producedAtNewRunning - producedAtStop,
                        // None when the new job ran before the old one finished (blue/green): a job always ran.
                        Math.max(0, producedAtNewRunning - producedAtOldFinished),
                        producedAtNewRunning - answersCommittedAtOldFinished),
                new Report.HopLatency(before, during, after),
                new Report.HopMoments(stopRequested, oldFinished, runRequested, restoreEnd, firstCheckpoint,
                        lastOfOld, firstOfNew, caughtUp),
                java.util.List.copyOf(events));
    }

    /** Milliseconds from one moment to a later one; -1 if either was not reached. */
    static long between(long from, long to) {
        return from < 0 || to < 0 ? -1 : to - from;
    }
}
