package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.inspect.UpgradeCheck;
import com.example.upgrades.harness.pipeline.PipelineContract;
import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.traffic.EventSchemas;
import com.example.upgrades.harness.traffic.TrafficGenerator;
import com.example.upgrades.harness.verify.Records;
import com.example.upgrades.harness.verify.TopicReader;
import com.example.upgrades.harness.verify.Verdict;
import com.example.upgrades.harness.verify.Verifier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.util.TimeUtils;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Performs a scenario the way an operator follows the upgrade runbook, and proves the result:
 *
 * <ol>
 *   <li>create the topics; deploy the first version; start the traffic generator; await output;
 *   <li>for each next version: stop with savepoint (no drain) -> start the next version from that
 *       savepoint -> await its output; the generator keeps writing all along;
 *   <li>let the generator finish and the last version catch up; stop with drain (the final
 *       watermark fires every open window);
 *   <li>verify every output against every input; write the report.
 * </ol>
 */
public final class UpgradeRunner {

    /** The checkpoint interval of every job the runner deploys: how often output is committed. */
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(2);
    static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(2);
    static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);

    private final Environment env;
    private final PrintStream out;
    private final EventSchemas schemas = new EventSchemas();
    private boolean rollback = true;

    public UpgradeRunner(Environment env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    /**
     * Whether a version that fails to restore, or fails before its first committed output, is
     * replaced by the previous version restored from the same savepoint (default: yes).
     */
    public UpgradeRunner withRollback(boolean rollback) {
        this.rollback = rollback;
        return this;
    }

    /** What a run returns: the verdict and the report (already written to the report folder). */
    public record Result(Verdict verdict, Report report, Path reportJson) {}

    public Result run(Scenario scenario, Path reportDir) {
        long started = System.currentTimeMillis();
        phase("scenario " + scenario.name() + " on the " + env.name() + " environment: "
                + scenario.deployments().stream().map(Deployment::toString).reduce((a, b) -> a + " -> " + b).orElseThrow());
        PipelineTopics.create(env.kafkaBootstrapServers());
        List<Deployment> deployments = scenario.deployments();
        List<HopLog> hopLogs = new ArrayList<>();
        List<Report.Rollback> rollbacks = new ArrayList<>();
        List<Attempt> attempts = new ArrayList<>();
        List<JobID> jobs = new ArrayList<>();
        TrafficPhases traffic = new TrafficPhases(scenario.traffic().totalEvents(), deployments.size());

        try (FlinkJobs flink = new FlinkJobs(env.flinkRestEndpoint());
                TrafficGenerator generator = new TrafficGenerator(env.kafkaBootstrapServers(), PipelineTopics.INPUT, schemas,
                        scenario.traffic(), deployments.get(0).writerVersion());
                OutputTail tail = new OutputTail(env.kafkaBootstrapServers(), PipelineTopics.STATS,
                        PipelineContract.HEADER_WRITER_JOB).start();
                Progress progress = new Progress(out, generator, tail).start()) {

            Map<Path, String> jarIds = uploadJars(flink, deployments);

            // Deploy the first version, fresh; then traffic starts and never pauses until the end.
            Deployment first = deployments.get(0);
            progress.phase("deploy " + first);
            JobID job = deploy(flink, jarIds, first, null, scenario);
            jobs.add(job);
            awaitAllTasksRunning(flink, job, first, null);
            progress.phase("start the traffic generator: " + scenario.traffic().totalEvents() + " events of "
                    + scenario.traffic().users() + " users"
                    + (scenario.traffic().eventsPerSecond() > 0 ? " at " + scenario.traffic().eventsPerSecond() + "/s" : ""));
            generator.allowUpTo(traffic.beforeStopFinishes(1));
            generator.start();
            awaitHealthyOutput(flink, job, tail, first, null, generator);

            List<Deployment> deployed = new ArrayList<>(List.of(first));
            for (int i = 1; i < deployments.size(); i++) {
                Deployment from = deployments.get(i - 1);
                Deployment to = deployments.get(i);
                if (!hopLogs.isEmpty()) {
                    // Not before the running version has caught up with the previous hop: the
                    // latency before this hop must be its steady level, not the previous hop's tail.
                    progress.phase("let " + from + " catch up with the previous hop");
                    awaitLatencyCaughtUp(hopLogs.get(hopLogs.size() - 1), levelFrom(hopLogs.size() - 1, hopLogs, tail, generator),
                            tail, generator);
                }
                progress.phase("run " + from + " until " + traffic.hopAt(i) + " events are produced");
                awaitProduced(generator, traffic.hopAt(i));

                // Stop with savepoint. No drain: open windows and timers go into the savepoint and
                // continue in the next version.
                HopLog hop = new HopLog(from, to, job.toHexString());
                progress.phase("stop " + from + " with savepoint" + (scenario.drainOnUpgrade() ? " AND DRAIN" : " (no drain)"));
                hop.stopRequested = System.currentTimeMillis();
                hop.producedAtStop = generator.produced();
                String savepoint = stopWithSavepoint(flink, job, from, scenario.drainOnUpgrade(), scenario.savepointFormat());
                awaitFinished(flink, job, from);
                hop.oldFinished = System.currentTimeMillis();
                hop.producedAtOldFinished = generator.produced();
                // The rest of this phase is written while no job runs: the backlog the next version reads first.
                generator.allowUpTo(traffic.endOfPhase(i));
                hop.savepoint = savepoint;
                hop.savepointBytes = savepointBytes(savepoint);
                out.println("[runner] savepoint " + savepoint + " (" + (hop.oldFinished - hop.stopRequested) + " ms)");
                tail.awaitCaughtUpWithCommitted(OUTPUT_TIMEOUT);
                hop.statsCommittedAtOldFinished = tail.statsSeen();
                if (scenario.restoreFromSavepoint()) {
                    attempts.add(new Attempt(from, to, savepoint));
                }

                // Start the next version from the savepoint.
                String restoreFrom = scenario.restoreFromSavepoint() ? savepoint : null;
                progress.phase(restoreFrom == null ? "start " + to + " WITHOUT the savepoint"
                        : "start " + to + " from the savepoint");
                hop.runRequested = System.currentTimeMillis();
                try {
                    job = deploy(flink, jarIds, to, restoreFrom, scenario);
                    hop.runReturned = System.currentTimeMillis();
                    hop.toJob = job.toHexString();
                    awaitAllTasksRunning(flink, job, to, restoreFrom);
                    hop.allRunningSeen = System.currentTimeMillis();
                    hop.producedAtNewRunning = generator.produced();
                    generator.allowUpTo(traffic.beforeStopFinishes(i + 1));
                    awaitHealthyOutput(flink, job, tail, to, restoreFrom, generator);
                    // Producers move to the new event format once the new version is known to be
                    // healthy (a rollback to the previous version could not read it); the events
                    // they wrote with the old format meanwhile are read by the new version.
                    generator.switchWriterVersion(to.writerVersion());
                    hop.taskStarts = flink.taskStartTimes(job);
                    hop.firstCheckpoint = flink.firstCompletedCheckpoint(job).orElse(-1);
                    out.println("[runner] " + to + " is RUNNING after " + (hop.allRunningSeen - hop.runRequested)
                            + " ms; its first output is visible "
                            + (tail.firstVisibleOf(hop.toJob) - tail.lastVisibleOf(hop.fromJob)) + " ms after the last of " + from);
                    hopLogs.add(hop);
                    jobs.add(job);
                    deployed.add(to);
                } catch (UpgradeException e) {
                    if (!rollback || restoreFrom == null) {
                        throw e;
                    }
                    // Roll back: the previous version, from the same savepoint. Its state and offsets
                    // are exactly where it stopped, so nothing is lost or duplicated; the upgrade ends here.
                    out.println("[runner] " + e.getMessage().lines().findFirst().orElse(""));
                    progress.phase("ROLL BACK: redeploy " + from + " from the same savepoint");
                    rollbacks.add(new Report.Rollback(from.version(), to.version(), savepoint, e.getMessage()));
                    job = deploy(flink, jarIds, from, savepoint, scenario);
                    awaitAllTasksRunning(flink, job, from, savepoint);
                    generator.allowUpTo(scenario.traffic().totalEvents());
                    awaitHealthyOutput(flink, job, tail, from, savepoint, generator);
                    out.println("[runner] rolled back to " + from + "; the remaining upgrades are not attempted");
                    jobs.add(job);
                    deployed.add(from);
                    break;
                }
            }

            Deployment last = deployed.get(deployed.size() - 1);
            generator.allowUpTo(scenario.traffic().totalEvents());
            progress.phase("let the generator finish");
            generator.awaitFinished(CATCH_UP_TIMEOUT.toMillis());
            progress.phase("let " + last + " catch up");
            awaitCaughtUp(tail, scenario.traffic().totalEvents());

            // Final stop WITH drain: the final watermark fires every window that is still open.
            progress.phase("stop " + last + " with drain");
            long finalStop = System.currentTimeMillis();
            flink.stopWithSavepoint(job, true, env.savepointDirectory());
            awaitFinished(flink, job, last);
            tail.awaitCaughtUpWithCommitted(OUTPUT_TIMEOUT);
            tail.rethrowFailure();

            List<Report.Preflight> preflights = preflight(attempts, scenario);

            progress.phase("verify");
            Records.Topics topics = new TopicReader(env.kafkaBootstrapServers(), schemas)
                    .readAll(PipelineTopics.INPUT, PipelineTopics.STATS, PipelineTopics.WINDOWS, PipelineTopics.DLQ);
            Verdict verdict = new Verifier(scenario.windowSize().toMillis()).verify(topics);

            Timeline timeline = timeline(tail.visible(), generator);
            List<Report.Hop> hops = hopFigures(hopLogs, timeline, finalStop);
            List<String> problems = problems(hops);

            Map<String, Long> statsPerJob = new HashMap<>();
            topics.stats().forEach(st -> statsPerJob.merge(String.valueOf(st.writerJobId()), 1L, Long::sum));
            List<Report.DeploymentFigures> figures = new ArrayList<>();
            Map<String, Integer> deploymentOfJob = new HashMap<>();
            for (int i = 0; i < deployed.size(); i++) {
                Deployment d = deployed.get(i);
                String id = jobs.get(i).toHexString();
                deploymentOfJob.put(id, i);
                figures.add(new Report.DeploymentFigures(d.version(), d.parallelism(), id, statsPerJob.getOrDefault(id, 0L)));
            }
            boolean passed = verdict.passed() && problems.isEmpty();
            Report report = new Report(scenario.name(), env.name(), passed ? "PASS" : "FAIL",
                    verdict.counts(), Report.examplesOf(verdict), problems,
                    new Report.Events(generator.produced(), generator.badProduced(), perJobVersion(topics),
                            generator.producedPerWriterVersion()),
                    figures, hops, rollbacks, preflights, windowsSpanningUpgrades(topics, deploymentOfJob, scenario),
                    timeline.size() == 0 ? List.of() : timeline.perSecond(timeline.firstVisible()),
                    System.currentTimeMillis() - started);
            Path json = report.write(reportDir);
            out.println();
            out.println("Verdict: " + verdict.describe());
            problems.forEach(p -> out.println("PROBLEM: " + p));
            out.println("Report: " + json + " and " + reportDir.resolve("report.md"));
            return new Result(verdict, report, json);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted during scenario " + scenario.name() + ".", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How the traffic is split so that every hop happens under traffic, however slow it is: one
     * phase per deployment. Deployment i runs until half of its phase is written, then is stopped;
     * the generator may write up to three quarters of the phase while the stop happens, and the
     * last quarter once the old job is gone, so that the next version always starts with a
     * backlog to read. The next phase opens once the next version runs.
     */
    record TrafficPhases(long total, int phases) {
        long endOfPhase(int phase) {
            return total * phase / phases;
        }

        long hopAt(int phase) {
            return (endOfPhase(phase - 1) + endOfPhase(phase)) / 2;
        }

        long beforeStopFinishes(int phase) {
            return phase >= phases ? total : (hopAt(phase) + endOfPhase(phase)) / 2;
        }
    }

    /** Every visible user-stats record with its end-to-end latency, from the event's acknowledgement. */
    private static Timeline timeline(OutputTail.Visible visible, TrafficGenerator generator) {
        int n = visible.visibleAt().length;
        long[] latency = new long[n];
        for (int i = 0; i < n; i++) {
            long acked = generator.acknowledgedAt(visible.lastEventId()[i]);
            latency[i] = acked <= 0 ? 0 : Math.max(0, visible.visibleAt()[i] - acked);
        }
        return new Timeline(visible.visibleAt(), latency, visible.writerJobId());
    }

    /** Each hop's figures; its latency level is taken after the previous hop caught up. */
    private static List<Report.Hop> hopFigures(List<HopLog> logs, Timeline timeline, long end) {
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

    /** What makes a run fail besides the verifier: a hop that happened without traffic proved nothing. */
    static List<String> problems(List<Report.Hop> hops) {
        List<String> problems = new ArrayList<>();
        for (Report.Hop h : hops) {
            if (h.traffic().backlogAtRestore() <= 0) {
                problems.add("The hop " + h.from() + " -> " + h.to() + " happened without traffic: no event was waiting "
                        + "for " + h.to() + " when it started (" + h.traffic().producedDuringHop() + " produced during the "
                        + "hop), so it proves nothing about data in flight. Give the run more events or a lower rate "
                        + "(--events, --rate).");
            }
        }
        return problems;
    }

    /** A hop that was attempted: from, to, through which savepoint. */
    private record Attempt(Deployment from, Deployment to, String savepoint) {}

    /**
     * What {@code harness check} says of each attempted hop, next to what Flink did. Runs after the
     * last stop, so it never lengthens a hop; needs the savepoint on this machine.
     */
    private List<Report.Preflight> preflight(List<Attempt> attempts, Scenario scenario) {
        List<Report.Preflight> preflights = new ArrayList<>();
        for (Attempt a : attempts) {
            Optional<Path> local = env.localPath(a.savepoint());
            if (local.isEmpty()) {
                continue;
            }
            String verdict;
            List<String> findings = List.of();
            try {
                List<String> args = new ArrayList<>(jobArguments(env, scenario.windowSize()));
                args.addAll(a.to().jobArgs());
                UpgradeCheck.Result check = UpgradeCheck.check(a.to().jar(), local.get(), a.to().parallelism(), args);
                verdict = check.compatible() ? "COMPATIBLE" : "INCOMPATIBLE";
                findings = check.findings().stream().filter(f -> f.severity() == UpgradeCheck.Severity.INCOMPATIBLE)
                        .map(f -> f.kind() + " " + f.operator()).toList();
            } catch (RuntimeException e) { // CheckException, or a check that broke: never fails the run
                verdict = "COULD_NOT_CHECK";
                findings = List.of(e.getMessage());
            }
            out.println("[runner] harness check " + a.from() + " -> " + a.to() + ": " + verdict
                    + (findings.isEmpty() ? "" : " " + findings));
            preflights.add(new Report.Preflight(a.from().version(), a.to().version(), a.to().parallelism(),
                    a.savepoint(), verdict, findings));
        }
        return preflights;
    }

    private void phase(String what) {
        out.println("[runner] " + what);
    }

    private Map<Path, String> uploadJars(FlinkJobs flink, List<Deployment> deployments) {
        Map<Path, String> ids = new HashMap<>();
        for (Deployment d : deployments) {
            if (!ids.containsKey(d.jar())) {
                if (!Files.isRegularFile(d.jar())) {
                    throw new UpgradeException("The job jar " + d.jar() + " does not exist. Build it first with "
                            + "./mvnw package -DskipTests. Nothing was deployed.");
                }
                ids.put(d.jar(), flink.uploadJar(d.jar()));
                out.println("[runner] uploaded " + d.jar().getFileName() + " as " + ids.get(d.jar()));
            }
        }
        return ids;
    }

    /** The program arguments every job version gets (each has the same options, see JobConfig). */
    public static List<String> jobArguments(Environment env, Duration windowSize) {
        return List.of(
                "--bootstrap-servers", env.kafkaBootstrapServersForJobs(),
                "--window-size", TimeUtils.formatWithHighestUnit(windowSize),
                "--checkpoint-interval", TimeUtils.formatWithHighestUnit(CHECKPOINT_INTERVAL));
    }

    private JobID deploy(FlinkJobs flink, Map<Path, String> jarIds, Deployment d, String savepoint, Scenario scenario) {
        List<String> args = new ArrayList<>(jobArguments(env, scenario.windowSize()));
        args.addAll(d.jobArgs());
        try {
            return flink.run(new FlinkJobs.Submission(
                    jarIds.get(d.jar()), d.parallelism(), savepoint, d.allowNonRestoredState(), args));
        } catch (RuntimeException e) {
            throw new UpgradeException(restoreFailure(d, savepoint, e.getMessage()), e);
        }
    }

    private static String restoreFailure(Deployment d, String savepoint, String cause) {
        if (savepoint == null) {
            return d + " could not be started: " + cause;
        }
        return d + " could not be restored from the savepoint " + savepoint + ": " + cause
                + "\nWhat it means for the data: nothing is lost. The previous version stopped cleanly at the savepoint; "
                + "its output up to that point is committed, and the input since then waits in Kafka."
                + "\nWhat to do: redeploy the previous version from the same savepoint to resume, then fix the new "
                + "version (see the cause above) before trying again.";
    }

    /**
     * A savepoint can be refused (a checkpoint in progress fails, a task is not running, the
     * directory is not writable). The job then keeps running, so nothing is lost.
     */
    private String stopWithSavepoint(FlinkJobs flink, JobID job, Deployment d, boolean drain, SavepointFormatType format) {
        try {
            return flink.stopWithSavepoint(job, drain, env.savepointDirectory(), format);
        } catch (RuntimeException e) {
            throw new UpgradeException("The savepoint of " + d + " was refused: " + e.getMessage()
                    + "\nWhat it means for the data: nothing is lost. Without a completed savepoint Flink does not stop "
                    + "the job; " + d + " keeps running and processing (job " + job + ", status " + flink.status(job) + ")."
                    + "\nWhat to do: look at the cause above and the log, then stop with a savepoint again "
                    + "(flink stop --savepointPath " + env.savepointDirectory() + " " + job + ").", e);
        }
    }

    private void awaitAllTasksRunning(FlinkJobs flink, JobID job, Deployment d, String savepoint) {
        try {
            await("all tasks of " + d + " RUNNING").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        JobStatus status = flink.status(job);
                        if (status.isGloballyTerminalState() || status == JobStatus.RESTARTING) {
                            String cause = flink.failureCause(job).orElse("(no cause reported)");
                            if (!status.isGloballyTerminalState()) {
                                flink.cancel(job); // it would only restart and fail again
                            }
                            throw new UpgradeException(restoreFailure(d, savepoint, status + " instead of RUNNING: " + cause));
                        }
                        return flink.allTasksRunning(job);
                    });
        } catch (ConditionTimeoutException e) {
            throw new UpgradeException(d + " did not reach RUNNING within " + DEPLOY_TIMEOUT.toSeconds()
                    + " s (job " + job + ", status " + flink.status(job) + "). Are there enough task slots for "
                    + "parallelism " + d.parallelism() + "?", e);
        }
    }

    /**
     * The health window of a deployment: until its first user-stats record is committed, written
     * by this very job (the writer-job-id header; its predecessor's last records do not count), or, if
     * the generator has finished and all its events already have their record, there is nothing
     * left to output), the job must not fail or restart.
     */
    private void awaitHealthyOutput(FlinkJobs flink, JobID job, OutputTail tail, Deployment d,
            String savepoint, TrafficGenerator generator) {
        await("first committed user-stats record of " + d + " (job " + job + ")").atMost(OUTPUT_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    tail.rethrowFailure();
                    JobStatus status = flink.status(job);
                    if (status.isGloballyTerminalState() || status == JobStatus.RESTARTING) {
                        String cause = flink.failureCause(job).orElse("(no cause reported)");
                        if (!status.isGloballyTerminalState()) {
                            flink.cancel(job);
                        }
                        throw new UpgradeException(restoreFailure(d, savepoint, status + " before its first output: " + cause));
                    }
                    return tail.statsSeenOf(job.toHexString()) > 0
                            || (generator.finished() && tail.maxLastEventId() >= generator.settings().totalEvents());
                });
    }

    /**
     * Until the output's latency is back at its level before the hop (what {@link HopLog#figures}
     * calls caught up), or until there is no traffic left to judge it by: the generator finished, or
     * is held back by the runner. Bounded: then go on, and the report says "not reached".
     */
    private void awaitLatencyCaughtUp(HopLog hop, long levelFrom, OutputTail tail, TrafficGenerator generator) {
        try {
            await("latency back at its level after " + hop.from + " -> " + hop.to).atMost(CATCH_UP_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        tail.rethrowFailure();
                        if (generator.finished() || generator.heldBack()) {
                            return true;
                        }
                        Timeline now = timeline(tail.visible(), generator);
                        return hop.figures(now, levelFrom, System.currentTimeMillis()).catchUpMs() >= 0;
                    });
        } catch (ConditionTimeoutException e) {
            out.println("[runner] WARNING: the latency is still not back at its level after " + hop.from + " -> "
                    + hop.to + "; going on all the same");
        }
    }

    /** Where the latency level before hop {@code index} is taken from: after the hop before it caught up. */
    private static long levelFrom(int index, List<HopLog> logs, OutputTail tail, TrafficGenerator generator) {
        Timeline t = timeline(tail.visible(), generator);
        if (index == 0) {
            return t.firstVisible();
        }
        List<Report.Hop> before = hopFigures(logs.subList(0, index), t, logs.get(index).stopRequested);
        return levelAfter(before.get(index - 1));
    }

    private static long levelAfter(Report.Hop hop) {
        return Math.max(hop.at().caughtUp(), hop.at().firstOutputOfNew());
    }

    private static void awaitProduced(TrafficGenerator generator, long events) {
        await(events + " events produced").atMost(CATCH_UP_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> generator.produced() >= events || generator.finished());
    }

    private static void awaitFinished(FlinkJobs flink, JobID job, Deployment d) {
        await(d + " FINISHED after stop-with-savepoint").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> flink.status(job).isGloballyTerminalState());
    }

    /**
     * Until the last event has a committed user-stats record. If the job lost events, that never
     * happens: then go on after the timeout and let the verifier say what is missing.
     */
    private void awaitCaughtUp(OutputTail tail, long lastEventId) {
        try {
            await("user-stats record of the last event (" + lastEventId + ")").atMost(CATCH_UP_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        tail.rethrowFailure();
                        return tail.maxLastEventId() >= lastEventId;
                    });
        } catch (ConditionTimeoutException e) {
            out.println("[runner] WARNING: the last event never showed up in user-stats; verifying what is there");
        }
    }

    private long savepointBytes(String savepoint) {
        return env.localPath(savepoint).map(path -> {
            try (Stream<Path> files = Files.walk(path)) {
                return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            } catch (IOException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    static Map<String, Long> perJobVersion(Records.Topics topics) {
        Map<String, Long> out = new java.util.TreeMap<>();
        topics.stats().forEach(s -> out.merge(s.jobVersion(), 1L, Long::sum));
        return out;
    }

    /**
     * Windows whose state crossed an upgrade in a savepoint: their events were counted by one
     * deployment and the window fired in another (or their events were spread over several).
     */
    static long windowsSpanningUpgrades(Records.Topics topics, Map<String, Integer> deploymentOfJob, Scenario s) {
        long size = s.windowSize().toMillis();
        Map<Long, Records.Event> events = new HashMap<>();
        topics.inputs().stream().filter(i -> i.event() != null && i.intendedBad() == null)
                .forEach(i -> events.put(i.event().eventId(), i.event()));
        Map<String, Set<Integer>> deploymentsPerWindow = new HashMap<>();
        for (Records.Stats st : topics.stats()) {
            Records.Event e = events.get(st.lastEventId());
            Integer d = deploymentOfJob.get(st.writerJobId());
            if (e != null && d != null) {
                long start = e.eventTime() - Math.floorMod(e.eventTime(), size);
                deploymentsPerWindow.computeIfAbsent(e.userId() + "@" + start, k -> new HashSet<>()).add(d);
            }
        }
        long spanning = 0;
        for (Records.Window w : topics.windows()) {
            Integer fired = deploymentOfJob.get(w.writerJobId());
            Set<Integer> counted = deploymentsPerWindow.getOrDefault(w.userId() + "@" + w.windowStart(), Set.of());
            if (fired != null && !counted.isEmpty() && (counted.size() > 1 || !counted.contains(fired))) {
                spanning++;
            }
        }
        return spanning;
    }
}
