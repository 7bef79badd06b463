package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.inspect.UpgradeCheck;
import com.example.upgrades.harness.repair.SavepointRepair;
import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.Traffic;
import com.example.upgrades.harness.pipeline.Verification;
import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.pipeline.Verdict;
import org.apache.flink.api.common.JobID;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Performs an upgrade plan the way an operator follows the runbook, and proves the result. Each
 * step below is a method of its own, in this order:
 *
 * <ol>
 *   <li>{@link #deployFirst}: create the topics, deploy the first version fresh, start the traffic,
 *       await the first committed output;
 *   <li>for each next version: {@link #awaitTraffic} (the running version caught up with the last
 *       hop, the hop's share of traffic written), {@link #stopWithSavepoint} (no drain),
 *       {@link #restoreOrRollBack} (the next version from that savepoint, healthy on its own output,
 *       or the previous one from the same savepoint); the traffic flows all along;
 *   <li>{@link #finish}: let the traffic end and the last version catch up; stop with drain (the
 *       final watermark fires every open window);
 *   <li>{@link #verify} every output against every input; {@link #report}.
 * </ol>
 *
 * The Flink side of each step is in {@link FlinkSteps}, the bookkeeping in {@link RunLog}; what
 * the pipeline is (topics, traffic, verifier) comes from the scenario's {@code Pipeline}.
 */
public final class UpgradeRunner {

    /** The checkpoint interval of every job the runner deploys: how often output is committed. */
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(2);
    static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);
    static final int STOP_ATTEMPTS = 3;

    /** Flink's default heartbeat timeout (50 s) and the failover after it. */
    static final Duration LOST_TASK_MANAGER_TIMEOUT = Duration.ofMinutes(2);

    private final Environment env;
    private final PrintStream out;
    private boolean rollback = true;
    private boolean recreateTopics;
    private boolean preparedHops;
    private boolean preflight = true;
    private Duration catchUpTimeout = CATCH_UP_TIMEOUT;

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

    /**
     * Whether each hop is prepared (default: no): the next version's job graph is built from its jar
     * before the old version is stopped (its main() run here, as {@code flink run} does on the
     * client), submitted the moment the savepoint is complete, and a checkpoint is triggered as soon
     * as every one of its tasks runs, instead of waiting for the first periodic one. What is left of
     * the output gap is then the stop, the state restore and one checkpoint: what an operator can do
     * to shorten an upgrade's gap. By hand: the first two need Flink's client library (or the
     * application mode, whose graph is built where the job runs); the third is {@code flink
     * checkpoint <jobId>} (or POST /jobs/&lt;jobId&gt;/checkpoints) once the job runs.
     */
    public UpgradeRunner withPreparedHops(boolean prepared) {
        this.preparedHops = prepared;
        return this;
    }

    /**
     * Whether the report sets {@code harness check}'s prediction of each attempted hop next to what
     * Flink did (default: yes). It runs after the last stop, so it never lengthens a hop, but it
     * costs a few seconds per hop (the job graph built from the jar): a run that only measures
     * (bench) or repeats (soak) may go without.
     */
    public UpgradeRunner withPreflight(boolean check) {
        this.preflight = check;
        return this;
    }

    /**
     * How long a job may take to catch up after a hop, or to answer the events it was given, before
     * the run ends there with that reason instead of a verdict (default: 5 min); and how long a
     * version just deployed may take to commit its first output before it counts as failed (a new
     * version is then rolled back, like one that fails). A team whose CI would rather fail fast on a
     * stuck job sets it lower; a slow machine, higher.
     */
    public UpgradeRunner withCatchUpTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The catch-up timeout must be positive, got " + timeout + ".");
        }
        this.catchUpTimeout = timeout;
        return this;
    }

    /**
     * Whether the pipeline's topics (and its jobs' consumer group) are deleted first if they exist,
     * instead of refusing to run on them (default: refuse).
     */
    public UpgradeRunner withRecreatedTopics(boolean recreate) {
        this.recreateTopics = recreate;
        return this;
    }

    /**
     * A run that fails cancels the jobs it started and that still run, so that the cluster is left
     * as it was found; except a job whose stop with savepoint was refused: that one keeps running on
     * purpose, and the message says how to finish by hand.
     */
    private void cancelWhatThisRunStarted(Run run, RuntimeException failure) {
        for (JobID job : run.log().started) {
            boolean keptOnPurpose = failure instanceof StopRefusedException refused && refused.job().equals(job);
            try {
                if (!keptOnPurpose && !run.flink().jobs(job).status(job).isGloballyTerminalState()) {
                    run.flink().jobs(job).cancel(job);
                    out.println("[runner] cancelled job " + job + ", which this run started, so that the cluster is left "
                            + "as it was found");
                }
            } catch (RuntimeException e) {
                out.println("[runner] could not cancel job " + job + ": " + e.getMessage());
            }
        }
    }

    /** What a run returns: the verifier's verdict and the report (already written to the report folder). */
    public record Result(Verdict verdict, Report report, Path reportJson) {

        /** How the run ended: PASS only when every planned step happened and everything checked was right. */
        public Outcome outcome() {
            return report.outcome();
        }
    }

    /** What one run holds while it goes: the scenario, its Flink steps, traffic, tail and bookkeeping. */
    record Run(Scenario scenario, FlinkSteps flink, Traffic traffic, OutputTail tail, Progress progress,
            TrafficPhases phases, RunLog log) {}

    public Result run(Scenario scenario, Path reportDir) {
        long started = System.currentTimeMillis();
        phase("scenario " + scenario.name() + " on the " + env.name() + " environment: "
                + scenario.deployments().stream().map(Deployment::toString).reduce((a, b) -> a + " -> " + b).orElseThrow());
        if (recreateTopics) {
            phase("delete the pipeline's topics and consumer group (--recreate-topics)");
            scenario.pipeline().reset(env.kafka());
        }
        if (scenario.pipeline().wantsReference()) {
            referenceRun(scenario);
        }
        scenario.pipeline().createTopics(env.kafka());
        List<Deployment> deployments = scenario.deployments();

        try (FlinkSteps flink = new FlinkSteps(env, scenario, out);
                Traffic traffic = scenario.pipeline().traffic(env.kafka(), scenario.traffic(),
                        deployments.get(0).writerVersion());
                OutputTail tail = new OutputTail(env.kafka(), scenario.pipeline().output()).start();
                Progress progress = new Progress(out, traffic, tail).start()) {
            Run run = new Run(scenario, flink, traffic, tail, progress,
                    new TrafficPhases(scenario.traffic().events(), deployments.size()), new RunLog());
            try {
                flink.checkSlots();
                flink.uploadJars();
                deployFirst(run);
                for (int i = 1; i < deployments.size(); i++) {
                    HopLog hop = new HopLog(run.log().current(), deployments.get(i), run.log().currentJob().toHexString());
                    Faults faults = new Faults(new FaultContext(run, i, hop, env, out, run.log().currentJob()),
                            scenario.faultsAt(i).stream().map(FaultInjection::of).toList());
                    awaitTraffic(run, i, faults);
                    if (deployments.get(i).strategy() != Scenario.Strategy.STOP_AND_RESTORE) {
                        if (!new BlueGreenHop(run, hop, i, env, out, faults).take()) {
                            break;
                        }
                        continue;
                    }
                    stopWithSavepoint(run, i, hop, faults);
                    if (!restoreOrRollBack(run, hop, i, faults)) {
                        break;
                    }
                }
                long finalStop = finish(run);
                long verifyStarted = System.currentTimeMillis();
                Verification verification = verify(run);
                long verifyMs = System.currentTimeMillis() - verifyStarted;
                return report(run, verification, finalStop, verifyMs, started, reportDir);
            } catch (RuntimeException e) {
                cancelWhatThisRunStarted(run, e);
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted during scenario " + scenario.name() + ".", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The reference: the same traffic (same seed, same records) through one uninterrupted
     * deployment of the first version, no hop, stopped with drain; the pipeline keeps its output and
     * its topics are deleted for the real run. What an upgrade must leave unchanged is measured
     * against it.
     */
    private void referenceRun(Scenario scenario) {
        Deployment first = scenario.deployments().get(0);
        Scenario reference = Scenario.builder(scenario.name() + "-reference", scenario.pipeline()).deploy(first)
                .traffic(scenario.traffic()).windowSize(scenario.windowSize()).savepointFormat(scenario.savepointFormat())
                .build();
        phase("REFERENCE RUN: the same traffic through " + first + " alone, without a hop");
        scenario.pipeline().createTopics(env.kafka());
        try (FlinkSteps flink = new FlinkSteps(env, reference, out);
                Traffic traffic = scenario.pipeline().traffic(env.kafka(), scenario.traffic(), first.writerVersion());
                OutputTail tail = new OutputTail(env.kafka(), scenario.pipeline().output()).start();
                Progress progress = new Progress(out, traffic, tail).start()) {
            Run run = new Run(reference, flink, traffic, tail, progress, new TrafficPhases(scenario.traffic().events(), 1),
                    new RunLog());
            try {
                flink.checkSlots();
                flink.uploadJars();
                deployFirst(run);
                finish(run);
            } catch (RuntimeException e) {
                cancelWhatThisRunStarted(run, e);
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted during the reference run of " + scenario.name() + ".", e);
        }
        scenario.pipeline().keepReference(env.kafka());
        phase("reference kept; delete its topics and consumer groups for the upgraded run");
        scenario.pipeline().reset(env.kafka());
    }

    /**
     * How far the traffic may go while deployment {@code i} (1 = the first) runs before its hop:
     * into the stop, or, for a hop cut at a fixed input position, exactly to that position.
     */
    private long allowedBeforeHop(Run run, int i) {
        List<Deployment> deployments = run.scenario().deployments();
        if (i < deployments.size() && run.scenario().pipeline().exactCut(deployments.get(i - 1).version(),
                deployments.get(i).version())) {
            return run.phases().hopAt(i);
        }
        return run.phases().beforeStopFinishes(i);
    }

    /** Deploy the first version, fresh; then traffic starts and never pauses until the end. */
    private void deployFirst(Run run) {
        Deployment first = run.scenario().deployments().get(0);
        run.traffic().writeBeforeStart();
        run.progress().phase("deploy " + first);
        JobID job = run.flink().deploy(first, null);
        run.log().started(job, first);
        run.log().deployed(first, job, run.flink().flinkVersion(first));
        run.flink().awaitAllTasksRunning(job, first, null);
        run.progress().phase("start the traffic: " + run.scenario().traffic().events() + " events of "
                + run.scenario().traffic().keys() + " keys"
                + (run.scenario().traffic().eventsPerSecond() > 0 ? " at " + run.scenario().traffic().eventsPerSecond() + "/s" : ""));
        run.traffic().allowUpTo(allowedBeforeHop(run, 1));
        run.traffic().start();
        awaitHealthyOutput(run, job, first, null);
    }

    /**
     * Before hop {@code i}: the running version has caught up with the previous hop (so that the
     * latency before this hop is its steady level, not the previous hop's tail), and this hop's
     * share of the traffic is written.
     */
    private void awaitTraffic(Run run, int i, Faults faults) {
        Deployment from = run.log().current();
        if (!run.log().hops.isEmpty()) {
            run.progress().phase("let " + from + " catch up with the previous hop");
            awaitLatencyCaughtUp(run);
        }
        long hopAt = run.phases().hopAt(i);
        run.progress().phase("run " + from + " until " + hopAt + " events are produced");
        await(hopAt + " events produced").atMost(catchUpTimeout).pollInterval(Duration.ofMillis(50))
                .until(() -> run.traffic().produced() >= hopAt || run.traffic().finished());
        if (run.scenario().pipeline().exactCut(from.version(), run.scenario().deployments().get(i).version())) {
            run.progress().phase("cut at event " + hopAt + ": the traffic waits until " + from + " has answered every event");
            awaitAnswered(run, "every one of the " + hopAt + " events before the cut",
                    () -> run.tail().answersSeen() >= run.traffic().produced());
        }
        faults.each(f -> f.beforeStop(faults.context()));
    }

    /** The faults planned at one hop, and what their hooks see. */
    record Faults(FaultContext context, List<FaultInjection> injections) {
        void each(java.util.function.Consumer<FaultInjection> hook) {
            injections.forEach(hook);
        }
    }

    /**
     * Stop with savepoint. No drain: open windows and timers go into the savepoint and continue in
     * the next version. The rest of this phase of traffic is written while no job runs: the backlog
     * the next version reads first.
     */
    private void stopWithSavepoint(Run run, int i, HopLog hop, Faults faults) {
        Deployment from = hop.from;
        Deployment to = hop.to;
        JobID job = run.log().currentJob();
        if (!run.scenario().restoreFromSavepoint()) {
            awaitCommittedInputOffsets(run, from);
        }
        if (preparedHops && run.scenario().restoreFromSavepoint() && to.flinkRelease() == null) {
            run.progress().phase("prepare " + to + ": build its job graph before the stop");
            hop.prepared = run.flink().prepare(to);
            hop.events.add(HopEvent.of(HopEvent.Kind.PREPARED, "Prepared hop: the job graph of " + to + " was built from its "
                    + "jar in " + hop.prepared.buildMs() + " ms before " + from + " was stopped, and submitted from the "
                    + "savepoint.", "build_ms", hop.prepared.buildMs()));
        }
        run.progress().phase("stop " + from + " with savepoint" + (run.scenario().drainOnUpgrade() ? " AND DRAIN" : " (no drain)"));
        hop.stopRequested = System.currentTimeMillis();
        hop.producedAtStop = run.traffic().produced();
        String instead = null;
        for (FaultInjection f : faults.injections()) {
            instead = instead != null ? instead : f.stopInstead(faults.context());
        }
        hop.savepoint = instead != null ? instead : stopRetried(run, hop, job, from, faults);
        run.flink().awaitFinished(job, from);
        hop.oldFinished = System.currentTimeMillis();
        hop.producedAtOldFinished = run.traffic().produced();
        run.traffic().allowUpTo(run.phases().endOfPhase(i));
        hop.savepointBytes = run.flink().savepointBytes(hop.savepoint);
        out.println("[runner] savepoint " + hop.savepoint + " (" + (hop.oldFinished - hop.stopRequested) + " ms)");
        run.tail().awaitCaughtUpWithCommitted(OUTPUT_TIMEOUT);
        hop.answersCommittedAtOldFinished = run.tail().answersSeen();
        if (run.scenario().restoreFromSavepoint()) {
            run.log().attempts.add(new RunLog.Attempt(from, to, hop.savepoint));
        }
    }

    /**
     * A job started without a savepoint reads from the consumer group's committed offsets. Flink
     * commits them after each completed checkpoint, best effort: the commit after the stop's own
     * savepoint may never land (the source closes first), and a job stopped before its first
     * commit has none at all, so the next job would read everything again. Waiting until every
     * input partition has one makes the old job look like one that ran for a while, as in
     * production: the next job then starts mid-stream, without the state.
     */
    private void awaitCommittedInputOffsets(Run run, Deployment d) {
        run.progress().phase("await committed offsets of " + d + " on every input partition");
        Pipeline.CommittedOffsets offsets = await("committed offsets of " + d + " on every input partition")
                .atMost(OUTPUT_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .until(() -> run.scenario().pipeline().committedInputOffsets(env.kafka()),
                        Pipeline.CommittedOffsets::everyPartition);
        out.println("[runner] " + d + " has committed its consumer group's offsets: " + offsets.describe());
    }

    /**
     * Stop with savepoint, retried: when Flink cannot complete the savepoint (a task failed during
     * it, a checkpoint was declined) the job keeps running, or restarts from its last checkpoint;
     * then the runner says so, waits until it runs again and asks once more, at most
     * {@value #STOP_ATTEMPTS} times. The hop's faults strike around the attempts (see {@link
     * FaultInjection}): the storage made unwritable before the first, a TaskManager terminated or the
     * broker restarted as it is asked.
     */
    private String stopRetried(Run run, HopLog hop, JobID job, Deployment d, Faults faults) {
        try {
            for (int attempt = 1; ; attempt++) {
                final int a = attempt;
                faults.each(f -> f.beforeStopAttempt(faults.context(), a));
                String savepoint = stopAttempt(run, hop, job, d, faults, attempt);
                faults.each(f -> f.afterStopAttempt(faults.context(), a, savepoint != null));
                if (savepoint != null) {
                    return savepoint;
                }
            }
        } finally {
            faults.each(f -> f.afterStop(faults.context()));
        }
    }

    /** One stop with savepoint: its path, or null when it failed and may be asked again. */
    private String stopAttempt(Run run, HopLog hop, JobID job, Deployment d, Faults faults, int attempt) {
        FlinkJobs jobs = run.flink().jobs(job);
        int failuresBefore = jobs.failureCount(job);
        String directory = env.savepointDirectory();
        for (FaultInjection f : faults.injections()) {
            directory = f.savepointDirectory(attempt, directory);
        }
        java.util.concurrent.CompletableFuture<String> stop = jobs.stopWithSavepointAsync(job,
                run.scenario().drainOnUpgrade(), directory, run.scenario().savepointFormat());
        faults.each(f -> f.stopAsked(faults.context(), attempt, stop));
        try {
            String savepoint = stop.get(FlinkSteps.DEPLOY_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (attempt > 1) {
                hop.events.add(HopEvent.of(HopEvent.Kind.STOP_SUCCEEDED_AFTER_RETRY, "The stop with savepoint succeeded at "
                        + "attempt " + attempt + ".", "attempt", attempt));
            }
            return savepoint;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted while stopping " + d, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            String cause = FlinkJobs.rootMessage(e);
            org.apache.flink.api.common.JobStatus status = jobs.status(job);
            if (attempt >= STOP_ATTEMPTS || status.isGloballyTerminalState()) {
                throw new StopRefusedException(job, "The savepoint of " + d + " was refused " + attempt + " time(s); the last "
                        + "time: " + cause + "\nWhat it means for the data: nothing is lost. Without a completed savepoint "
                        + "Flink does not stop the job; " + d + " is " + status + " (job " + job + "), and everything it "
                        + "committed stays committed.\nWhat to do: look at the cause above and the log, then stop with a "
                        + "savepoint again (flink stop --savepointPath " + env.savepointDirectory() + " " + job + ").", e);
            }
            String note = "The stop with savepoint of " + d + " failed (attempt " + attempt + "): " + cause
                    + (cause.endsWith(".") ? "" : ".") + " The job is " + status + "; nothing is lost. The runner waits until it runs again and asks again.";
            out.println("[runner] " + note);
            hop.events.add(HopEvent.of(HopEvent.Kind.STOP_FAILED, note, "attempt", attempt, "job_status", status));
            if (cause.contains("RecipientUnreachableException")) {
                // A TaskManager died, and the JobMaster does not know yet: it finds out when the
                // connection is found dead or, at the latest, when the heartbeat times out
                // (heartbeat.timeout, 50 s by default), then restarts the job from its last
                // checkpoint. Asking again before that fails again.
                long at = System.currentTimeMillis();
                await("Flink to notice the lost TaskManager of " + d + " and restart the job").atMost(LOST_TASK_MANAGER_TIMEOUT)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> jobs.failureCount(job) > failuresBefore || jobs.status(job).isGloballyTerminalState());
                String lost = "A TaskManager of " + d + " did not answer: Flink noticed it was lost "
                        + (System.currentTimeMillis() - at) + " ms later and restarted the job from its last checkpoint.";
                out.println("[runner] " + lost);
                hop.events.add(HopEvent.of(HopEvent.Kind.TASK_MANAGER_LOSS_NOTICED, lost, "noticed_after_ms",
                        System.currentTimeMillis() - at));
            }
            run.flink().awaitRunningAgain(job, d);
            return null;
        }
    }

    /**
     * The next version broke a rule and cannot restore the savepoint as it is: write the hop's
     * repair into a copy next to it (State Processor API, in this JVM), and restore from that copy.
     * The original stays untouched: a rollback restores the previous version from it.
     */
    private String repairSavepoint(Run run, HopLog hop) {
        Deployment to = hop.to;
        String what = to.repair().describe();
        Path local = env.localPath(hop.savepoint).orElseThrow(() -> new UpgradeException("The savepoint " + hop.savepoint
                + " is not on this machine, and its repair (" + what + ") reads and writes it here.\nWhat it means for the "
                + "data: nothing is lost; " + hop.from + " is stopped and its savepoint is unchanged.\nWhat to do: restore "
                + hop.from + " from it, or run the repair where the savepoint folder is mounted."));
        Path target = local.resolveSibling(local.getFileName() + "-repaired");
        run.progress().phase("repair the savepoint for " + to + ": " + what);
        long at = System.currentTimeMillis();
        try {
            to.repair().apply(local, target, new SavepointRepair.Jobs(hop.from.jar(), to.jar(), run.flink()::cluster));
        } catch (Exception e) {
            throw new UpgradeException("The savepoint " + hop.savepoint + " could not be repaired (" + what + "): "
                    + FlinkJobs.rootMessage(e) + "\nWhat it means for the data: nothing is lost; " + hop.from
                    + " is stopped and its savepoint is unchanged.\nWhat to do: restore " + hop.from + " from " + hop.savepoint
                    + ", and look at the cause above.", e);
        }
        String repaired = hop.savepoint + "-repaired";
        String note = "Savepoint repaired in " + (System.currentTimeMillis() - at) + " ms: " + what + "; " + to
                + " restores from " + repaired + ". The original " + hop.savepoint + " is unchanged (a rollback restores "
                + "it) and must be kept: the repaired savepoint refers to its state files.";
        out.println("[runner] " + note);
        hop.events.add(HopEvent.of(HopEvent.Kind.SAVEPOINT_REPAIRED, note, "repaired", repaired, "original", hop.savepoint));
        List<RunLog.Attempt> attempts = run.log().attempts;
        RunLog.Attempt last = attempts.get(attempts.size() - 1);
        attempts.set(attempts.size() - 1, new RunLog.Attempt(last.from(), last.to(), repaired));
        return repaired;
    }

    /**
     * Start the next version from the savepoint and await its own first committed output (the
     * health window). If it fails in that window, roll back: the previous version from the same
     * savepoint, whose state and offsets are exactly where it stopped, so nothing is lost or
     * duplicated; the upgrade ends there. Producers move to the new input format only once the new
     * version is healthy (the previous one could not read it). Returns false after a rollback.
     */
    private boolean restoreOrRollBack(Run run, HopLog hop, int i, Faults faults) {
        Deployment from = hop.from;
        Deployment to = hop.to;
        String restoreFrom = run.scenario().restoreFromSavepoint() ? hop.savepoint : null;
        if (restoreFrom != null && to.repair() != null) {
            restoreFrom = repairSavepoint(run, hop);
        }
        faults.each(f -> f.beforeRestore(faults.context()));
        if (restoreFrom != null) {
            checkTransactionBudget(run, hop, to);
        }
        if (restoreFrom == null) {
            Pipeline.CommittedOffsets offsets = run.scenario().pipeline().committedInputOffsets(env.kafka());
            String note = "Without the savepoint, " + to + " reads from its consumer group's committed offsets: "
                    + offsets.describe()
                    + ". It starts with empty state: every count and open window starts again from nothing.";
            out.println("[runner] " + note);
            hop.events.add(HopEvent.of(HopEvent.Kind.STARTED_WITHOUT_SAVEPOINT, note, "partitions", offsets.partitions(),
                    "partitions_with_committed_offset", offsets.committed().size()));
        }
        run.progress().phase(restoreFrom == null ? "start " + to + " WITHOUT the savepoint" : "start " + to + " from the savepoint");
        hop.runRequested = System.currentTimeMillis();
        try {
            JobID job = hop.prepared != null ? run.flink().submit(hop.prepared, restoreFrom) : run.flink().deploy(to, restoreFrom);
            run.log().started(job, to, restoreFrom == null ? java.util.Optional.empty() : env.localPath(restoreFrom));
            hop.runReturned = System.currentTimeMillis();
            hop.toJob = job.toHexString();
            faults.context().newJob = job;
            run.flink().awaitAllTasksRunning(job, to, restoreFrom);
            hop.allRunningSeen = System.currentTimeMillis();
            if (hop.prepared != null) {
                // Its first commit need not wait for the next periodic checkpoint.
                run.flink().jobs(job).triggerCheckpoint(job);
                hop.events.add(HopEvent.of(HopEvent.Kind.CHECKPOINT_TRIGGERED, "A checkpoint was triggered as soon as every "
                        + "task of " + to + " ran."));
            }
            hop.producedAtNewRunning = run.traffic().produced();
            run.traffic().allowUpTo(allowedBeforeHop(run, i + 1));
            awaitHealthyOutput(run, job, to, restoreFrom);
            faults.each(f -> f.settle(faults.context()));
            run.traffic().switchWriterVersion(to.writerVersion());
            FlinkJobs jobs = run.flink().jobs(job);
            hop.taskStarts = run.flink().figure("task start times", () -> jobs.taskStartTimes(job), hop.taskStarts);
            hop.firstCheckpoint = run.flink().figure("the first checkpoint", () -> jobs.firstCompletedCheckpoint(job).orElse(-1), -1L);
            // Outside the health window from here on: a fault now is no reason to roll back.
            faults.each(f -> f.afterFirstOutput(faults.context()));
            // The gap as the report takes it (HopLog#figures): from the old job's last record seen
            // before the new one was started.
            Timeline seen = timeline(run.tail().visible(), run.traffic());
            out.println("[runner] " + to + " is RUNNING after " + (hop.allRunningSeen - hop.runRequested)
                    + " ms; its first output is visible " + (seen.firstVisibleOf(hop.toJob)
                    - seen.lastVisibleOfBefore(hop.fromJob, hop.runRequested)) + " ms after the last of " + from);
            run.log().hops.add(hop);
            run.log().deployed(to, job, run.flink().flinkVersion(to));
            return true;
        } catch (UpgradeException e) {
            if (!rollback || restoreFrom == null) {
                throw e;
            }
            faults.each(f -> f.settle(faults.context()));
            out.println("[runner] " + e.getMessage().lines().findFirst().orElse(""));
            run.progress().phase("ROLL BACK: redeploy " + from + " from the same savepoint");
            checkTransactionBudget(run, hop, from);
            run.log().rollbacks.add(new Report.Rollback(from.version(), to.version(), hop.savepoint, e.getMessage()));
            JobID job = run.flink().deploy(from, hop.savepoint);
            run.log().started(job, from);
            run.flink().awaitAllTasksRunning(job, from, hop.savepoint);
            run.traffic().allowUpTo(run.scenario().traffic().events());
            awaitHealthyOutput(run, job, from, hop.savepoint);
            out.println("[runner] rolled back to " + from + "; the remaining upgrades are not attempted");
            run.log().deployed(from, job, run.flink().flinkVersion(from));
            return false;
        }
    }

    /**
     * Let the traffic end and the last version catch up, then stop it WITH drain: the final
     * watermark fires every window that is still open. Returns when the final stop was asked.
     */
    private long finish(Run run) throws InterruptedException {
        Deployment last = run.log().current();
        run.traffic().allowUpTo(run.scenario().traffic().events());
        run.progress().phase("let the traffic finish");
        run.traffic().awaitFinished(catchUpTimeout.toMillis());
        run.progress().phase("let " + last + " catch up");
        long lastEventId = run.scenario().traffic().events();
        awaitAnswered(run, "the answer to the last event (" + lastEventId + ")",
                () -> run.tail().maxLastEventId() >= lastEventId);
        run.progress().phase("stop " + last + " with drain");
        long finalStop = System.currentTimeMillis();
        run.flink().jobs(run.log().currentJob()).stopWithSavepoint(run.log().currentJob(), true, env.savepointDirectory());
        run.flink().awaitFinished(run.log().currentJob(), last);
        run.tail().awaitCaughtUpWithCommitted(OUTPUT_TIMEOUT);
        run.tail().rethrowFailure();
        return finalStop;
    }

    /** Every output against every input, by the pipeline's verifier; or why that could not be done. */
    private Verification verify(Run run) {
        run.progress().phase("verify");
        try {
            return run.scenario().pipeline().verify(env.kafka(), run.scenario().windowSize(), run.log().jobs());
        } catch (com.example.upgrades.harness.pipeline.CouldNotVerifyException e) {
            out.println("[runner] could not verify: " + e.getMessage());
            return Verification.couldNotVerify(e.getMessage());
        }
    }

    /** The figures, the preflight of each attempted hop, report.json, report.md and the chart. */
    private Result report(Run run, Verification verification, long finalStop, long verifyMs, long started, Path reportDir)
            throws IOException {
        List<Report.Preflight> preflights = preflight ? preflight(run) : List.of();
        Timeline timeline = timeline(run.tail().visible(), run.traffic());
        List<Report.Hop> hops = RunLog.hopFigures(run.log().hops, timeline, finalStop);
        List<String> problems = new ArrayList<>(RunLog.problems(hops));
        Verdict verdict = verification.verdict();
        List<String> because = new ArrayList<>();
        Outcome outcome = outcome(run, verification, problems, because);
        Report report = new Report(run.scenario().name(), env.name(), outcome.name(), because,
                verdict.counts(), Report.examplesOf(verdict), verdict.checked(), problems,
                new Report.Events(run.traffic().produced(), run.traffic().badProduced(), verification.perVersion(),
                        run.traffic().producedPerWriterVersion()),
                run.log().figures(verification.recordsPerWriterJob()), hops, run.log().rollbacks, preflights,
                verification.windowsSpanningUpgrades(),
                timeline.size() == 0 ? List.of() : timeline.perSecond(timeline.firstVisible()),
                verifyMs, System.currentTimeMillis() - started);
        Path json = report.write(reportDir);
        out.println();
        out.println("Verdict: " + outcome + (outcome == Outcome.PASS ? "" : " (exit status " + outcome.exitStatus() + ")"));
        because.forEach(b -> out.println("  because " + b));
        out.println("Verifier: " + verdict.describe());
        problems.forEach(p -> out.println("PROBLEM: " + p));
        out.println("Report: " + json + " and " + reportDir.resolve("report.md"));
        return new Result(verdict, report, json);
    }

    /**
     * The run's outcome, and in {@code because} why, in words. FAIL when the verifier found anything
     * or the run had a problem of its own (including a refusal the plan expected that did not
     * happen); else COULD_NOT_VERIFY when there was nothing to conclude from; else ROLLED_BACK when a
     * version was refused that the plan did not expect to be; else PASS.
     */
    private static Outcome outcome(Run run, Verification verification, List<String> problems, List<String> because) {
        Scenario scenario = run.scenario();
        List<Report.Rollback> rollbacks = run.log().rollbacks;
        String last = scenario.deployments().get(scenario.deployments().size() - 1).version();
        boolean refusedAsExpected = scenario.expectRollback() && rollbacks.size() == 1
                && run.log().attempts.size() == scenario.deployments().size() - 1;
        if (scenario.expectRollback() && !refusedAsExpected) {
            problems.add(rollbacks.isEmpty()
                    ? "The plan expects " + last + " to be refused and rolled back, but Flink restored it: the rule this "
                            + "plan shows broken is not enforced here (another Flink version, or a variant that no longer "
                            + "breaks it)."
                    : "The plan expects " + last + " to be refused, but the run rolled back at another hop: "
                            + rollbacks.get(0).to() + ".");
        }
        Verdict verdict = verification.verdict();
        if (!verdict.clean() || !problems.isEmpty()) {
            because.add("the verifier found " + verdict.counts().entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getValue() + " " + e.getKey()).toList() + (problems.isEmpty() ? "" : ", and the run had "
                    + problems.size() + " problem(s) of its own"));
            return Outcome.FAIL;
        }
        if (verification.couldNotVerify() != null) {
            because.add("no verification could be made: " + verification.couldNotVerify());
            return Outcome.COULD_NOT_VERIFY;
        }
        if (!verdict.nothingChecked().isEmpty()) {
            because.add("nothing was found wrong, but these had nothing to check: " + verdict.nothingChecked()
                    + "; a verification of nothing proves nothing");
            return Outcome.COULD_NOT_VERIFY;
        }
        if (!rollbacks.isEmpty() && !refusedAsExpected) {
            Report.Rollback r = rollbacks.get(0);
            because.add(r.to() + " did not take and " + r.from() + " was restored from the same savepoint: nothing is "
                    + "lost, but the upgrade did not happen" + (scenario.deployments().size() > run.log().attempts.size() + 1
                            ? ", and the deployments after it were not attempted" : ""));
            return Outcome.ROLLED_BACK;
        }
        if (refusedAsExpected) {
            because.add(last + " was refused, as the plan expects, and " + rollbacks.get(0).from()
                    + " was restored from the same savepoint with nothing lost");
        }
        return Outcome.PASS;
    }

    /**
     * How the traffic is split so that every hop happens under traffic, however slow it is: one
     * phase per deployment. Deployment i runs until half of its phase is written, then is stopped;
     * the traffic may write up to three quarters of the phase while the stop happens, and the last
     * quarter once the old job is gone, so that the next version always starts with a backlog to
     * read. The next phase opens once the next version runs.
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

    /** Every visible output record with its end-to-end latency, from the event's acknowledgement. */
    private static Timeline timeline(OutputTail.Visible visible, Traffic traffic) {
        int n = visible.visibleAt().length;
        long[] latency = new long[n];
        for (int i = 0; i < n; i++) {
            long acked = traffic.acknowledgedAt(visible.lastEventId()[i]);
            latency[i] = acked <= 0 ? 0 : Math.max(0, visible.visibleAt()[i] - acked);
        }
        return new Timeline(visible.visibleAt(), latency, visible.writerJobId());
    }

    /**
     * What {@code harness check} says of each attempted hop, next to what Flink did. Runs after the
     * last stop, so it never lengthens a hop; needs the savepoint on this machine.
     */
    private List<Report.Preflight> preflight(Run run) {
        List<Report.Preflight> preflights = new ArrayList<>();
        for (RunLog.Attempt a : run.log().attempts) {
            Optional<Path> local = env.localPath(a.savepoint());
            if (local.isEmpty()) {
                String why = "the savepoint " + a.savepoint() + " is not on this machine (give --local-savepoint-dir where "
                        + "the cluster's savepoint folder is mounted here)";
                out.println("[runner] harness check " + a.from() + " -> " + a.to() + ": NOT_CHECKED, " + why);
                preflights.add(new Report.Preflight(a.from().version(), a.to().version(), a.to().parallelism(),
                        a.savepoint(), "NOT_CHECKED", List.of(why)));
                continue;
            }
            if (a.to().flinkRelease() != null) {
                String why = a.to() + " is built for Flink " + a.to().flinkRelease() + ": harness check builds a job's graph "
                        + "with the harness's own Flink (" + org.apache.flink.runtime.util.EnvironmentInformation.getVersion()
                        + "), which a job built for another release may not run on";
                out.println("[runner] harness check " + a.from() + " -> " + a.to() + ": NOT_CHECKED, " + why);
                preflights.add(new Report.Preflight(a.from().version(), a.to().version(), a.to().parallelism(),
                        a.savepoint(), "NOT_CHECKED", List.of(why)));
                continue;
            }
            String verdict;
            List<String> findings = List.of();
            try {
                UpgradeCheck.Result check = UpgradeCheck.check(a.to().jar(), local.get(), a.to().parallelism(),
                        run.flink().arguments(a.to()));
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

    /**
     * The health window of a deployment: until its first output record is committed, written by
     * this very job (its predecessor's last records do not count), or, if the traffic has ended and
     * every event already has its answer, there is nothing left to output; the job must not fail or
     * restart meanwhile.
     */
    private void awaitHealthyOutput(Run run, JobID job, Deployment d, String savepoint) {
        try {
            await("first committed output of " + d + " (job " + job + ")").atMost(catchUpTimeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        run.tail().rethrowFailure();
                        run.flink().watch(job, d, savepoint, "before its first output");
                        return run.tail().answersSeenOf(job.toHexString()) > 0
                                || (run.traffic().finished() && run.tail().maxLastEventId() >= run.scenario().traffic().events());
                    });
        } catch (ConditionTimeoutException e) {
            // Running, not failing, and silent: stuck, or its checkpoints never complete. It is
            // cancelled so that nothing else (a rollback) ever runs beside it.
            FlinkJobs jobs = run.flink().jobs(job);
            String status = String.valueOf(jobs.status(job));
            jobs.cancel(job);
            throw new UpgradeException(FlinkSteps.restoreFailure(d, savepoint, "the job " + job + " neither gave its first "
                    + "committed output nor failed within " + catchUpTimeout.toSeconds() + " s (the catch-up timeout): it was "
                    + status + ", stuck or never completing a checkpoint, and is cancelled"), e);
        }
    }

    /**
     * Until the output's latency is back at its level before the last hop (what {@link
     * HopLog#figures} calls caught up), or until there is no traffic left to judge it by: the
     * traffic ended, or is held back by the runner. Bounded: a job whose output never comes back to
     * its level in the catch-up timeout (5 min by default) is overloaded or stuck, and the next hop would be
     * measured on it; the run ends there, with that reason.
     */
    private void awaitLatencyCaughtUp(Run run) {
        HopLog hop = run.log().hops.get(run.log().hops.size() - 1);
        long levelFrom = run.log().levelFromForLastHop(timeline(run.tail().visible(), run.traffic()));
        try {
            await("latency back at its level after " + hop.from + " -> " + hop.to).atMost(catchUpTimeout)
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        run.tail().rethrowFailure();
                        if (run.traffic().finished() || run.traffic().heldBack()) {
                            return true;
                        }
                        Timeline now = timeline(run.tail().visible(), run.traffic());
                        return hop.figures(now, levelFrom, System.currentTimeMillis()).catchUpMs() >= 0;
                    });
        } catch (ConditionTimeoutException e) {
            throw new UpgradeException("After " + hop.from + " -> " + hop.to + ", the output's latency did not come back to "
                    + "its level before the hop within " + catchUpTimeout.toSeconds() + " s: " + hop.to + " is overloaded "
                    + "or stuck, and the next hop would be measured on a job that never caught up.\nWhat it means for the "
                    + "data: nothing is lost; every event waits in Kafka, and " + hop.to + " is still running.\nWhat to do: "
                    + "look at its checkpoints and backpressure in Flink's web UI, or run with a lower --rate.", e);
        }
    }

    /**
     * Before a deployment restores the hop's savepoint: whether the old job committed what its
     * sinks pre-committed in it. A job stopped with a savepoint did (it ends FINISHED); one gone
     * otherwise (cancelled or failed after the savepoint) did not, and those transactions are
     * committed by the deployment restored from it, if the broker has not aborted them first: their
     * transaction timeout, counted from before the stop (they were opened at most one checkpoint
     * interval before it), is the hop's budget, and the rollback's. Noted in the report either way
     * once it applies; beyond it, the console says plainly what is lost, before the restore.
     */
    private void checkTransactionBudget(Run run, HopLog hop, Deployment restoring) {
        java.util.Optional<Duration> timeout = run.scenario().pipeline().transactionTimeout(hop.from.jobArgs());
        if (timeout.isEmpty() || hop.stopRequested < 0) {
            return;
        }
        JobID old = JobID.fromHexString(hop.fromJob);
        org.apache.flink.api.common.JobStatus ended;
        try {
            ended = run.flink().jobs(old).status(old);
        } catch (RuntimeException e) {
            return; // the old job is unknown to its cluster (another release's, restarted): nothing to say
        }
        if (ended == org.apache.flink.api.common.JobStatus.FINISHED) {
            return;
        }
        long elapsed = System.currentTimeMillis() - hop.stopRequested + CHECKPOINT_INTERVAL.toMillis();
        long budget = timeout.get().toMillis();
        boolean beyond = elapsed >= budget;
        String text = hop.from + " ended " + ended + " after its savepoint, so it did not commit what its sinks pre-committed in "
                + "it: " + restoring + " commits it on restore, if the broker has not aborted it first. Those transactions were "
                + "opened up to " + elapsed + " ms ago; the sinks' transaction timeout is " + budget + " ms"
                + (beyond ? ". BEYOND IT: the broker has aborted them (or is about to), and the records in them are LOST: "
                        + "a read_committed reader will never see them, and the job will not write them again (its source "
                        + "offsets are past them). The verifier will count them. What to do next time: restore within the "
                        + "timeout, or give the jobs a longer one (--transaction-timeout, up to the broker's "
                        + "transaction.max.timeout.ms)." : ": " + (budget - elapsed) + " ms of budget left.");
        out.println("[runner] " + (beyond ? "WARNING: " : "") + text);
        hop.events.add(HopEvent.of(HopEvent.Kind.TRANSACTION_BUDGET, text, "elapsed_ms", elapsed, "timeout_ms", budget,
                "beyond", beyond));
    }

    /** How long a running, checkpointing job may go without new output before it counts as having said everything. */
    static final Duration QUIET = Duration.ofSeconds(20);

    /**
     * Until the answers awaited are committed (the last event's; every event before a cut); or until the job has gone quiet: still running,
     * checkpointing (so committing) after its last new output, and {@link #QUIET} without any. A job
     * that lost events is such a job, and the verifier then says what is missing. A job that neither
     * answers nor goes quiet in the catch-up timeout (failing, restarting, stuck) ends the run
     * with that reason: verifying half its output would blame it for what it may still write.
     */
    private void awaitAnswered(Run run, String what, java.util.function.BooleanSupplier answered) {
        JobID job = run.log().currentJob();
        FlinkJobs jobs = run.flink().jobs(job);
        long[] lastNew = {System.currentTimeMillis(), run.tail().answersSeen()};
        try {
            await(what).atMost(catchUpTimeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        run.tail().rethrowFailure();
                        if (answered.getAsBoolean()) {
                            return true;
                        }
                        long now = System.currentTimeMillis();
                        if (run.tail().answersSeen() != lastNew[1]) {
                            lastNew[0] = now;
                            lastNew[1] = run.tail().answersSeen();
                            return false;
                        }
                        return now - lastNew[0] > QUIET.toMillis()
                                && jobs.status(job) == org.apache.flink.api.common.JobStatus.RUNNING
                                && jobs.latestCompletedCheckpointAt(job).orElse(0) > lastNew[0];
                    });
        } catch (ConditionTimeoutException e) {
            throw new UpgradeException("The job " + job + " (" + run.log().current() + ") neither gave " + what
                    + " nor went quiet within " + catchUpTimeout.toSeconds() + " s: it is "
                    + jobs.status(job) + ", last answer seen: event " + run.tail().maxLastEventId() + ".\nWhat it means for "
                    + "the data: what it committed stays committed; what it has not answered waits in Kafka. A verdict now "
                    + "would blame it for output it may still write.\nWhat to do: look at the job in Flink's web UI "
                    + "(exceptions, checkpoints), then run again.", e);
        }
        if (!answered.getAsBoolean()) {
            out.println("[runner] " + run.log().current() + " went quiet without giving " + what + ": running and "
                    + "checkpointing, " + QUIET.toSeconds() + " s without new output. Verifying what it wrote.");
        }
    }

    private void phase(String what) {
        out.println("[runner] " + what);
    }
}
