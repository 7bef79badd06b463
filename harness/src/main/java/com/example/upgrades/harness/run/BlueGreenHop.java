package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.inspect.SourceOffsets;
import com.example.upgrades.harness.pipeline.CutoverControl;
import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.run.Scenario.Strategy;
import org.apache.flink.api.common.JobID;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One blue/green hop, as an operator would run it by hand, step by step:
 *
 * <ol>
 *   <li>a savepoint of the running version (blue) that does not stop it ({@code flink savepoint});
 *   <li>the next version (green) started from it beside blue, as the next generation: its own
 *       consumer group and its own sinks (new uids, so new transactional ids: restored with blue's
 *       sink state it would fence blue's open transactions), holding back everything it would emit;
 *   <li>the cutover announced on the control topic, ahead of what blue has emitted, and read back
 *       from blue's gates (their gauge) before it is relied on;
 *   <li>GO POSITION once blue has answered every event before the cut and read every record
 *       written before its timestamp (its consumer group's committed offsets): green releases its
 *       answers and dead letters, a checkpoint is triggered so that they are visible at once;
 *   <li>blue stopped with drain once its event time has passed the cut (so that any record it did
 *       not read and that is dated before the cut is late by its partition's progress); GO TIME with
 *       the source offsets blue stopped at (from that savepoint): green releases its windows and
 *       the late events only it read.
 * </ol>
 *
 * Green unhealthy before GO POSITION, or a cut announced too late: ABORT, green cancelled, blue
 * goes on alone; nothing lost, nothing twice. The ungated mode (a deployment operator's basic
 * blue/green) starts green with the gate off and removes blue once green answers: the overlap is
 * emitted twice.
 */
final class BlueGreenHop {

    /** Each step of the cutover; well below the jobs' idle timeout (a minute), so that an abort leaves blue draining cleanly. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(40);

    private final UpgradeRunner.Run run;
    private final HopLog hop;
    private final int index;
    private final Environment env;
    private final PrintStream out;
    private final CutoverControl control;
    private final boolean gated;

    private final UpgradeRunner.Faults faults;

    BlueGreenHop(UpgradeRunner.Run run, HopLog hop, int index, Environment env, PrintStream out, UpgradeRunner.Faults faults) {
        this.run = run;
        this.faults = faults;
        this.hop = hop;
        this.index = index;
        this.env = env;
        this.out = out;
        this.gated = hop.to.strategy() == Strategy.BLUE_GREEN;
        this.control = run.scenario().pipeline().cutover().orElseThrow(() -> new UpgradeException("The pipeline "
                + run.scenario().pipeline().name() + " has no cutover gate in its jobs, so " + hop.to + " cannot be reached "
                + "by blue/green: both versions would emit everything they read. Nothing was deployed differently; use "
                + "the stop-and-restore strategy."));
    }

    /** Takes the hop; false when it was aborted (blue goes on alone, the remaining hops are not attempted). */
    boolean take() {
        Deployment from = hop.from;
        Deployment to = hop.to;
        JobID blue = run.log().currentJob();
        int generation = run.flink().generation() + 1;
        // The rest of this phase's traffic while green starts (then it may pause: a pause is no wait for
        // a consumer, see Timeline#longestQuiet); from the announcement on, as much as the cut needs.
        run.traffic().allowUpTo(run.phases().endOfPhase(index));

        run.progress().phase("blue/green: a savepoint of " + from + ", which keeps running");
        hop.stopRequested = System.currentTimeMillis();
        hop.producedAtStop = run.traffic().produced();
        // The faults that strike a stop strike this savepoint (an unwritable savepoint directory).
        faults.each(f -> f.beforeStopAttempt(faults.context(), 1));
        try {
            hop.savepoint = run.flink().jobs(blue).triggerSavepoint(blue, env.savepointDirectory(),
                    run.scenario().savepointFormat());
        } catch (RuntimeException e) {
            faults.each(f -> f.afterStopAttempt(faults.context(), 1, false));
            faults.each(f -> f.afterStop(faults.context()));
            return abort(null, generation, "The savepoint of " + from + " was refused (" + FlinkJobs.rootMessage(e)
                    + "), so " + to + " was never started.");
        }
        faults.each(f -> f.afterStopAttempt(faults.context(), 1, true));
        faults.each(f -> f.afterStop(faults.context()));
        hop.savepointBytes = run.flink().savepointBytes(hop.savepoint);
        note(HopEvent.Kind.SAVEPOINT_WITHOUT_STOP, "Savepoint " + hop.savepoint + " of " + from + " taken in "
                + (System.currentTimeMillis() - hop.stopRequested) + " ms; " + from + " keeps running.");

        run.progress().phase("start " + to + " beside " + from + " from that savepoint, as generation " + generation
                + (gated ? "" : ", WITHOUT the gate"));
        List<String> blueArguments = run.flink().generationArguments();
        run.flink().useGeneration(generation, control.jobArguments(generation, gated));
        Deployment green = to.allowingNonRestoredState();
        hop.runRequested = System.currentTimeMillis();
        JobID greenJob;
        try {
            greenJob = run.flink().deploy(green, hop.savepoint);
        } catch (UpgradeException e) {
            run.flink().useGeneration(generation - 1, blueArguments);
            return abort(null, generation, to + " could not be started beside " + from + ": " + e.getMessage());
        }
        run.log().started(greenJob, to, env.localPath(hop.savepoint));
        hop.runReturned = System.currentTimeMillis();
        hop.toJob = greenJob.toHexString();
        try {
            run.flink().awaitAllTasksRunning(greenJob, green, hop.savepoint);
        } catch (UpgradeException e) {
            run.flink().useGeneration(generation - 1, blueArguments);
            return abort(greenJob, generation, e.getMessage());
        }
        hop.allRunningSeen = System.currentTimeMillis();
        hop.producedAtNewRunning = run.traffic().produced();
        hop.answersCommittedAtOldFinished = run.tail().answersSeen();

        if (!gated) {
            return ungated(blue, greenJob, generation);
        }
        try {
            faults.each(f -> f.duringOverlap(faults.context(), greenJob, green));
            cutOver(blue, greenJob, generation);
        } catch (UpgradeException | ConditionTimeoutException e) {
            run.flink().useGeneration(generation - 1, blueArguments);
            return abort(greenJob, generation, e.getMessage());
        }
        finish(greenJob);
        return true;
    }

    private void cutOver(JobID blue, JobID greenJob, int generation) {
        Deployment from = hop.from;
        Deployment to = hop.to;
        long produced = run.traffic().produced();
        // A second of traffic ahead: time for blue's gates to report that they know the cut (metrics
        // over REST, slow on busy cores) before blue answers its last event before it. Otherwise the
        // consumer's wait would begin at blue's last answer and last until the runner caught up.
        long margin = Math.max(1, run.scenario().traffic().eventsPerSecond());
        long firstEventId = Math.min(produced + margin, run.scenario().traffic().events() + 1);
        long window = run.scenario().windowSize().toMillis();
        long ahead = run.traffic().maxEventTimeWritten() + window;
        long cutEventTime = Math.floorDiv(ahead, window) * window + window;
        long cutTimestamp = System.currentTimeMillis() + 250;
        CutoverControl.Cut cut = new CutoverControl.Cut(generation, firstEventId, cutEventTime, cutTimestamp);
        run.progress().phase("announce the cutover: event " + firstEventId + ", event time "
                + java.time.Instant.ofEpochMilli(cutEventTime) + ", records written from " + java.time.Instant.ofEpochMilli(cutTimestamp));
        control.announce(env.kafka(), cut);
        keepTrafficFlowing();
        FlinkJobs blueJobs = run.flink().jobs(blue);
        await("the gates of " + from + " to know the cutover of generation " + generation).atMost(STEP_TIMEOUT)
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    run.flink().watch(greenJob, to, hop.savepoint, "before the cutover");
                    boolean all = true;
                    Map<String, List<String>> gauges = blueJobs.operatorMetrics(blue, control.gateOperators(), CutoverControl.GAUGE);
                    for (String gate : control.gateOperators()) {
                        List<String> values = gauges.get(gate);
                        if (values.isEmpty()) {
                            return false;
                        }
                        for (String v : values) {
                            int known = Integer.parseInt(v);
                            if (known == -1 - generation) {
                                throw new UpgradeException("The cutover was announced too late: a gate of " + from
                                        + " (" + gate + ") had already emitted past the cut.");
                            }
                            all &= known >= generation;
                        }
                    }
                    return all;
                });
        note(HopEvent.Kind.CUTOVER_ANNOUNCED, "Cutover of generation " + generation + " announced: answers from event " + firstEventId
                + ", windows ending after " + java.time.Instant.ofEpochMilli(cutEventTime) + ", dead letters of records written "
                + "from " + java.time.Instant.ofEpochMilli(cutTimestamp) + " are " + to + "'s; every gate of " + from
                + " knew it before emitting past it.", "first_event_id", firstEventId, "cut_event_time", cutEventTime,
                "cut_timestamp", cutTimestamp);

        run.progress().phase("await " + from + "'s answers to every event before the cut");
        await(from + "'s answers before the cut, committed").atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    run.tail().rethrowFailure();
                    run.flink().watch(greenJob, to, hop.savepoint, "before the cutover");
                    keepTrafficFlowing();
                    return answeredBelow(firstEventId) >= firstEventId - 1;
                });
        control.go(env.kafka(), generation, "POSITION", Map.of());
        commitAsSoonAsReleased(greenJob, 2 * generation - 1);
        note(HopEvent.Kind.GO_POSITION, "GO POSITION: " + from + " had answered every event before " + firstEventId + "; " + to
                + " releases its answers (checkpoints triggered at once and as soon as its gates had the GO, to commit them at once).");

        // Dead letters of undecodable records wait for GO TIME (nobody waits for them): blue must have
        // read every record stamped before the cut's timestamp. Asked once that moment is well past,
        // so that no record stamped before it is still on its way to the broker.
        await("the cut's timestamp to pass").atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(25))
                .until(() -> System.currentTimeMillis() > cutTimestamp + 500);
        Map<Integer, Long> before = control.offsetsAtOrAfter(env.kafka(), cutTimestamp);
        await(from + " to have read every record written before the cut's timestamp").atMost(STEP_TIMEOUT)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    run.flink().watch(greenJob, to, hop.savepoint, "before the cutover");
                    keepTrafficFlowing();
                    Map<Integer, Long> committed = control.committedInputOffsets(env.kafka(), generation - 1).committed();
                    return before.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
                });

        run.progress().phase("await " + from + "'s event time past the cut, then stop it");
        await(from + "'s event time past " + java.time.Instant.ofEpochMilli(cutEventTime)).atMost(STEP_TIMEOUT)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    run.flink().watch(greenJob, to, hop.savepoint, "before the cutover");
                    keepTrafficFlowing();
                    // With the traffic over, no record can come after blue's last: its drain fires the rest.
                    return blueJobs.minInputWatermark(blue, control.windowOperator()) >= cutEventTime
                            || (run.traffic().finished() && answeredBelow(Long.MAX_VALUE) >= run.traffic().produced());
                });
        long stopAsked = System.currentTimeMillis();
        // With drain: every window of blue's side fires, and what fires past the cut stays held in its
        // gates and ends with it. Blue reads nothing after this stop, which is where green takes over.
        String finalSavepoint = blueJobs.stopWithSavepoint(blue, true, env.savepointDirectory());
        run.flink().awaitFinished(blue, from);
        hop.oldFinished = System.currentTimeMillis();
        hop.producedAtOldFinished = run.traffic().produced();
        Map<Integer, Long> stoppedAt;
        Path local = env.localPath(finalSavepoint).orElseThrow(() -> new UpgradeException("The savepoint " + finalSavepoint
                + " of " + from + " is not on this machine, and the cutover needs the offsets it stopped at."));
        try {
            stoppedAt = SourceOffsets.read(local, control.sourceUid(), control.inputTopic());
        } catch (IOException e) {
            throw new UpgradeException("Cannot read where " + from + " stopped from " + finalSavepoint + ": " + e, e);
        }
        control.go(env.kafka(), generation, "TIME", stoppedAt);
        run.traffic().allowUpTo(Math.max(run.traffic().produced(),
                run.phases().endOfPhase(Math.min(index + 1, run.scenario().deployments().size()))));
        commitAsSoonAsReleased(greenJob, 2 * generation);
        note(HopEvent.Kind.GO_TIME, "GO TIME: " + from + " fired every window up to the cut and was stopped in "
                + (hop.oldFinished - stopAsked) + " ms (savepoint " + finalSavepoint + "); " + to + " releases its windows.",
                "stopped_at", stoppedAt);
    }

    /** The operator's basic blue/green: green emits from the savepoint on; blue is removed once green answers. */
    private boolean ungated(JobID blue, JobID greenJob, int generation) {
        run.progress().phase("await " + hop.to + "'s first answer, then remove " + hop.from);
        await("the first answer of " + hop.to).atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
            run.tail().rethrowFailure();
            run.flink().watch(greenJob, hop.to, hop.savepoint, "before its first output");
            return run.tail().answersSeenOf(greenJob.toHexString()) > 0;
        });
        run.flink().jobs(blue).cancel(blue);
        run.flink().awaitFinished(blue, hop.from);
        hop.oldFinished = System.currentTimeMillis();
        hop.producedAtOldFinished = run.traffic().produced();
        note(HopEvent.Kind.UNGATED_OVERLAP, "Ungated: " + hop.to + " emitted everything from the savepoint on while " + hop.from
                + " still ran; " + hop.from + " was cancelled once " + hop.to + " answered. What both emitted is there twice.");
        finish(greenJob);
        return true;
    }

    private void finish(JobID greenJob) {
        run.traffic().switchWriterVersion(hop.to.writerVersion());
        FlinkJobs jobs = run.flink().jobs(greenJob);
        hop.taskStarts = run.flink().figure("task start times", () -> jobs.taskStartTimes(greenJob), hop.taskStarts);
        hop.firstCheckpoint = run.flink().figure("the first checkpoint", () -> jobs.firstCompletedCheckpoint(greenJob).orElse(-1),
                -1L);
        run.log().hops.add(hop);
        run.log().deployed(hop.to, greenJob, run.flink().flinkVersion(hop.to));
    }

    /** ABORT: green cancelled (if started), blue releases what it held and goes on alone. */
    private boolean abort(JobID greenJob, int generation, String why) {
        control.abort(env.kafka(), generation);
        hop.producedAtOldFinished = run.traffic().produced();
        if (hop.toJob == null) {
            hop.toJob = "(never started)";
        }
        if (greenJob != null) {
            try {
                if (!run.flink().jobs(greenJob).status(greenJob).isGloballyTerminalState()) {
                    run.flink().jobs(greenJob).cancel(greenJob);
                }
            } catch (RuntimeException e) {
                out.println("[runner] could not cancel " + hop.to + ": " + e.getMessage());
            }
        }
        String first = why.lines().findFirst().orElse(why);
        note(HopEvent.Kind.CUTOVER_ABORTED, "ABORT: " + first + " " + hop.from + " goes on alone and releases what it held back; "
                + "nothing was lost or emitted twice, and the upgrade did not happen.");
        run.log().rollbacks.add(new Report.Rollback(hop.from.version(), hop.to.version(), hop.savepoint, why));
        run.log().hops.add(hop);
        return false;
    }

    /**
     * Until blue's side is complete the traffic is never held back: the cut needs the events before
     * it, and event time must move past it. A pause would hold blue's side open; and blue, drained in
     * it, would let events dated before the cut arrive on time after it.
     */
    private void keepTrafficFlowing() {
        if (run.traffic().heldBack()) {
            run.traffic().allowUpTo(run.traffic().produced() + Math.max(100, run.scenario().traffic().eventsPerSecond() / 2));
        }
    }

    /**
     * A checkpoint of green at once, and another once every gate of green has the GO (its gauge
     * counts the GO messages, {@code gos} of them by now, those of earlier generations included): what
     * the GO released is committed at once instead of at the next periodic checkpoint.
     */
    private void commitAsSoonAsReleased(JobID greenJob, int gos) {
        FlinkJobs green = run.flink().jobs(greenJob);
        // At once: green's control source most likely reads the GO (written, acknowledged) before
        // this checkpoint's barrier, and then what it releases is in this checkpoint. If not, the
        // checkpoint below, once the gates report the GO, commits it.
        green.triggerCheckpoint(greenJob);
        try {
            await("the gates of " + hop.to + " to have the GO").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> green.operatorMetrics(greenJob, control.gateOperators(), "cutoverReleased").values().stream()
                            .allMatch(values -> !values.isEmpty() && values.stream().allMatch(v -> Integer.parseInt(v) >= gos)));
        } catch (ConditionTimeoutException e) {
            out.println("[runner] the gates of " + hop.to + " did not report the GO within 10 s; the next periodic "
                    + "checkpoint commits what it released");
            return;
        }
        green.triggerCheckpoint(greenJob);
    }

    /** Distinct events below {@code firstEventId} whose answer a read_committed consumer has seen. */
    private long answeredBelow(long firstEventId) {
        OutputTail.Visible visible = run.tail().visible();
        BitSet seen = new BitSet();
        for (long id : visible.lastEventId()) {
            if (id > 0 && id < firstEventId) {
                seen.set((int) id);
            }
        }
        return seen.cardinality();
    }

    private void note(HopEvent.Kind kind, String text, Object... facts) {
        out.println("[runner] " + text);
        hop.events.add(HopEvent.of(kind, text, facts));
    }
}
