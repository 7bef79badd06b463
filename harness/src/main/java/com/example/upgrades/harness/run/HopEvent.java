package com.example.upgrades.harness.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that happened during a hop besides the runbook's steps, as the report lists it: what
 * kind, the fault that caused it (if one did), its facts by name, and a sentence for people.
 * Tests and tools read the kind and the facts; the sentence may change.
 *
 * @param fault the planned fault's name (e.g. TM_KILL_BEFORE_STOP), or null
 * @param facts figures and names, e.g. {attempt: 2} or {job_status: RUNNING}
 */
public record HopEvent(Kind kind, String fault, Map<String, String> facts, String text) {

    public enum Kind {
        /** A planned fault struck. */
        FAULT,
        /** What a fault broke was mended (a directory writable again). */
        FAULT_MENDED,
        /** The next version's job graph was built before the stop (facts: build_ms). */
        PREPARED,
        /** A checkpoint was triggered as soon as the new job ran. */
        CHECKPOINT_TRIGGERED,
        /** A stop with savepoint failed and will be asked again (facts: attempt, job_status). */
        STOP_FAILED,
        /** The stop with savepoint succeeded after failing (facts: attempt). */
        STOP_SUCCEEDED_AFTER_RETRY,
        /** Flink noticed a lost TaskManager and restarted the job (facts: noticed_after_ms). */
        TASK_MANAGER_LOSS_NOTICED,
        /** The savepoint was repaired into a copy (facts: repaired, repair_ms). */
        SAVEPOINT_REPAIRED,
        /** The next version starts without the savepoint, from committed offsets. */
        STARTED_WITHOUT_SAVEPOINT,
        /** No savepoint could be taken (facts: job_status). */
        SAVEPOINT_REFUSED,
        /** The next version restores from a retained checkpoint instead (facts: checkpoint). */
        RESTORING_FROM_CHECKPOINT,
        /**
         * Records pre-committed in the savepoint became visible only once the next version committed
         * them (facts: visible_before, committed_on_restore, after_ms).
         */
        COMMITTED_ON_RESTORE,
        /**
         * The old job was gone without committing what its savepoint pre-committed: the next
         * deployment must commit it within the sinks' transaction timeout (facts: elapsed_ms,
         * timeout_ms, beyond).
         */
        TRANSACTION_BUDGET,
        /** Blue/green: a savepoint of the running version, which keeps running. */
        SAVEPOINT_WITHOUT_STOP,
        /** Blue/green: the cut announced and known to every gate of the old version (facts: first_event_id, cut_event_time, cut_timestamp). */
        CUTOVER_ANNOUNCED,
        /** Blue/green: the old side complete by position; the new version releases its answers. */
        GO_POSITION,
        /** Blue/green: the old side complete in event time, the old version stopped (facts: stopped_at). */
        GO_TIME,
        /** Blue/green: the new version was unhealthy or the cut came too late; the old one goes on alone. */
        CUTOVER_ABORTED,
        /** Blue/green without a gate: both versions emitted the overlap. */
        UNGATED_OVERLAP,
        /** Anything else worth knowing. */
        NOTE
    }

    public HopEvent {
        facts = Map.copyOf(facts);
    }

    /** @param facts name, value, name, value... */
    static HopEvent of(Kind kind, Fault fault, String text, Object... facts) {
        if (facts.length % 2 != 0) {
            throw new IllegalArgumentException("facts come in pairs: " + java.util.Arrays.toString(facts));
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < facts.length; i += 2) {
            f.put(String.valueOf(facts[i]), String.valueOf(facts[i + 1]));
        }
        return new HopEvent(kind, fault == null ? null : fault.name(), f, text);
    }

    static HopEvent of(Kind kind, String text, Object... facts) {
        return of(kind, null, text, facts);
    }

    /** A fact as a number; -1 when it is missing. */
    public long number(String fact) {
        String v = facts.get(fact);
        return v == null ? -1 : Long.parseLong(v);
    }
}
