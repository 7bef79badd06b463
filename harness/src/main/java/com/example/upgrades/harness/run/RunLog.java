package com.example.upgrades.harness.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.run.Scenario.Deployment;
import org.apache.flink.api.common.JobID;

/**
 * The bookkeeping of a run: each deployment with its Flink job, each hop with what the runner
 * noted during it, each attempted hop (for the preflight) and each rollback; and the figures made
 * from them once the run is over.
 */
final class RunLog {

    /** A hop that was attempted: from, to, through which savepoint. */
    record Attempt(Deployment from, Deployment to, String savepoint) {}

    private record Deployed(Deployment deployment, JobID job, String flinkVersion) {}

    private final List<Deployed> deployed = new ArrayList<>();
    /** Every job this run started, healthy or not: what a failed run cancels. */
    final List<JobID> started = new ArrayList<>();
    /** The version each started job was deployed as, by its id. */
    private final Map<String, String> versionOfStarted = new LinkedHashMap<>();
    final List<HopLog> hops = new ArrayList<>();
    final List<Attempt> attempts = new ArrayList<>();
    final List<Report.Rollback> rollbacks = new ArrayList<>();

    /** @param flinkVersion the version of the Flink cluster that runs it, as that cluster reports it */
    void deployed(Deployment d, JobID job, String flinkVersion) {
        deployed.add(new Deployed(d, job, flinkVersion));
    }

    private final Map<String, String> restoredFrom = new LinkedHashMap<>();

    /** A job this run started (it may yet fail and be rolled back). */
    void started(JobID job, Deployment d) {
        started.add(job);
        versionOfStarted.put(job.toHexString(), d.version());
    }

    /** The same, restored from a savepoint that is in this folder here. */
    void started(JobID job, Deployment d, java.util.Optional<java.nio.file.Path> localSavepoint) {
        started(job, d);
        localSavepoint.ifPresent(p -> restoredFrom.put(job.toHexString(), p.toString()));
    }

    /** The jobs of this run, for the verifier. */
    com.example.upgrades.harness.pipeline.RunJobs jobs() {
        return new com.example.upgrades.harness.pipeline.RunJobs(deploymentOfJob(), versionOfStarted, restoredFrom);
    }

    Deployment current() {
        return deployed.get(deployed.size() - 1).deployment();
    }

    JobID currentJob() {
        return deployed.get(deployed.size() - 1).job();
    }

    /** Each deployment's index, by the id of its job. */
    Map<String, Integer> deploymentOfJob() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < deployed.size(); i++) {
            out.put(deployed.get(i).job().toHexString(), i);
        }
        return out;
    }

    /** Each deployment with the output records its job wrote. */
    List<Report.DeploymentFigures> figures(Map<String, Long> recordsPerWriterJob) {
        List<Report.DeploymentFigures> out = new ArrayList<>();
        for (Deployed d : deployed) {
            String id = d.job().toHexString();
            out.add(new Report.DeploymentFigures(d.deployment().version(), d.deployment().parallelism(), id,
                    recordsPerWriterJob.getOrDefault(id, 0L), d.flinkVersion()));
        }
        return out;
    }

    /** Each hop's figures; its latency level is taken after the previous hop caught up. */
    static List<Report.Hop> hopFigures(List<HopLog> logs, Timeline timeline, long end) {
        List<Report.Hop> hops = new ArrayList<>();
        long levelFrom = timeline.size() == 0 ? 0 : timeline.firstVisible();
        for (int i = 0; i < logs.size(); i++) {
            long until = i + 1 < logs.size() ? logs.get(i + 1).stopRequested : end;
            Report.Hop hop = logs.get(i).figures(timeline, levelFrom, until);
            hops.add(hop);
            levelFrom = levelAfter(hop);
        }
        return hops;
    }

    /** The level before the last hop: after the hop before it caught up. */
    long levelFromForLastHop(Timeline timeline) {
        if (hops.size() < 2) {
            return timeline.firstVisible();
        }
        List<HopLog> before = hops.subList(0, hops.size() - 1);
        List<Report.Hop> figures = hopFigures(before, timeline, hops.get(hops.size() - 1).stopRequested);
        return levelAfter(figures.get(figures.size() - 1));
    }

    private static long levelAfter(Report.Hop hop) {
        return Math.max(hop.at().caughtUp(), hop.at().firstOutputOfNew());
    }

    /** What makes a run fail besides the verifier: a hop that happened without traffic proved nothing. */
    static List<String> problems(List<Report.Hop> hops) {
        List<String> problems = new ArrayList<>();
        for (Report.Hop h : hops) {
            boolean blueGreen = !h.strategy().equals(Scenario.Strategy.STOP_AND_RESTORE.label());
            if (blueGreen ? h.traffic().producedDuringHop() <= 0 : h.traffic().backlogAtRestore() <= 0) {
                problems.add("The hop " + h.from() + " -> " + h.to() + " happened without traffic: no event was waiting "
                        + "for " + h.to() + " when it started (" + h.traffic().producedDuringHop() + " produced during the "
                        + "hop), so it proves nothing about data in flight. Give the run more events or a lower rate "
                        + "(--events, --rate).");
            }
        }
        return problems;
    }
}
