package com.example.upgrades.harness.run;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.example.upgrades.harness.env.Environment;

/**
 * A TaskManager dies while the old version's stop-with-savepoint is in progress: the savepoint
 * fails, the job restarts from its last checkpoint, the runner says so and stops it again.
 *
 * <p>Where the environment can hold a savepoint open (the embedded one: {@code HoldableFileSystem}),
 * it does: the savepoint of the first stop is written to a folder whose writes wait, and the
 * TaskManager is terminated once the savepoint's state files are waiting, so the fault lands inside
 * the savepoint every time, whatever the machine's speed (a savepoint here takes 0.1 to 2 s; a kill
 * racing it struck after it most of the time). Elsewhere (Flink in containers) the kill races the
 * savepoint, and the note says which way it went.
 */
final class TaskManagerLostDuringSavepoint implements FaultInjection {

    /** How long the held savepoint may take to have its state files waiting: its tasks' barriers must get there. */
    static final Duration HELD_WITHIN = Duration.ofSeconds(60);

    private final PlannedFault planned;
    private Environment.SavepointHold hold;
    private CompletableFuture<String> pendingKill;

    TaskManagerLostDuringSavepoint(PlannedFault planned) {
        this.planned = planned;
    }

    /** No state inlined into the savepoint's metadata: every task writes files, which the hold keeps waiting. */
    @Override
    public Map<String, String> jobConfiguration() {
        return Map.of("execution.checkpointing.data-inline-threshold", "0b");
    }

    @Override
    public void beforeStopAttempt(FaultContext c, int attempt) {
        if (attempt == 1) {
            Optional<Environment.SavepointHold> h = c.faults().savepointHold();
            if (h.isPresent()) {
                hold = h.get();
                hold.hold();
            }
        }
    }

    /** The first stop's savepoint goes where it can be held. */
    @Override
    public String savepointDirectory(int attempt, String directory) {
        return attempt == 1 && hold != null ? hold.directory() : directory;
    }

    @Override
    public void stopAsked(FaultContext c, int attempt, CompletableFuture<String> stop) {
        if (attempt != 1) {
            return;
        }
        Environment.Faults faults = c.faults();
        long delay = planned.delayMs();
        c.run.progress().phase("FAULT: terminate the TaskManager of " + c.from() + " while its savepoint is taken");
        if (hold != null) {
            boolean held;
            try {
                held = hold.awaitHeld(HELD_WITHIN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpgradeException("Interrupted while waiting for the savepoint to be under way", e);
            }
            FaultContext.pause(delay);
            boolean stopDone = stop.isDone();
            String where = held && !stopDone
                    ? "while its savepoint was in progress, held open: " + hold.waiting() + " of its state files were waiting "
                            + "to be written"
                    : "but its savepoint never got to writing state within " + HELD_WITHIN.toSeconds() + " s ("
                            + (stop.isDone() ? "the stop had ended" : "still pending") + ")";
            faults.replaceTaskManager();
            hold.release();
            hold = null;
            c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(), "FAULT " + delay + " ms after the stop was asked: the "
                    + "TaskManager of " + c.from() + " was terminated " + where + ".", "delay_ms", delay,
                    "in_savepoint", held && !stopDone, "held_open", held && !stopDone));
            return;
        }
        if (delay == 0) {
            String where = stop.isDone() ? "after its savepoint had completed" : "while its savepoint was in progress";
            faults.replaceTaskManager();
            c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(), "FAULT as the stop was asked: the TaskManager of "
                    + c.from() + " was terminated " + where + ".", "delay_ms", 0, "in_savepoint", !stop.isDone()));
            return;
        }
        // Later in the window: the kill may also come after the savepoint, while no job runs.
        pendingKill = CompletableFuture.supplyAsync(() -> {
            FaultContext.pause(delay);
            String state = c.run.flink().jobs(c.oldJob).status(c.oldJob).toString();
            String where = stop.isDone() ? "after its savepoint had completed" : "while its savepoint was in progress";
            faults.replaceTaskManager();
            return "FAULT " + delay + " ms after the stop was asked: the TaskManager was terminated " + where + " ("
                    + c.from() + " was " + state + " then).";
        });
    }

    @Override
    public void afterStop(FaultContext c) {
        if (hold != null) {
            hold.release();
            hold = null;
        }
    }

    @Override
    public void beforeRestore(FaultContext c) {
        if (pendingKill != null) {
            c.note(HopEvent.of(HopEvent.Kind.FAULT, planned.fault(), pendingKill.join(), "delay_ms", planned.delayMs()));
            pendingKill = null;
        }
    }
}
