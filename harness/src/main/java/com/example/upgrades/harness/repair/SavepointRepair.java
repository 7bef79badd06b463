package com.example.upgrades.harness.repair;

import java.nio.file.Path;

import com.example.upgrades.harness.flink.FlinkJobs;

/**
 * A change written into a copy of a savepoint, offline, between the stop of one version and the
 * restore of the next: what a team does with the State Processor API when the next version broke a
 * rule and cannot restore the savepoint as it is. The original savepoint is left as it was (a
 * rollback restores it), and must be kept: the repaired one may refer to its state files.
 */
public interface SavepointRepair {

    /**
     * The two job versions of the hop: the state's classes as they were written come from the
     * first jar, as they must be restored from the second.
     *
     * @param writtenBy the jar of the version that took the savepoint
     * @param restoredBy the jar of the version that restores the repaired copy
     * @param clusters the client of the cluster of a Flink release (null: the environment's own),
     *     for a repair that runs as a job of its own
     */
    record Jobs(Path writtenBy, Path restoredBy, java.util.function.Function<String, FlinkJobs> clusters) {}

    /** What it changes, for the hop's notes, e.g. "the state of uid a now belongs to uid b (...)". */
    String describe();

    /**
     * Writes the repaired savepoint.
     *
     * @param savepoint the savepoint's folder, on this machine
     * @param target a folder that does not exist yet, next to it, for the repaired savepoint
     * @param jobs the jars of the two versions of the hop
     */
    void apply(Path savepoint, Path target, Jobs jobs) throws Exception;

    /**
     * The state of the operator with uid {@code from} is given to the operator with uid {@code to}
     * ({@code SavepointWriter#changeOperatorIdentifier}): a renamed uid (rule 1) repaired. It moves
     * the operator's subtask state only; the state of an operator coordinator (a source's split
     * enumerator) is not moved (FLINK-40837), so use it for keyed and operator state, not to rename
     * a source.
     */
    static SavepointRepair changeUid(String from, String to) {
        return new UidChange(from, to);
    }

    /**
     * Every value of one keyed value state whose type is an Avro record is rewritten into the next
     * version's schema: a state type changed in a way Avro cannot resolve (rule 3) repaired. The
     * values are read with the classes of the version that wrote them, migrated one by one as
     * generic records, and written with the classes of the version that restores them.
     *
     * @param uid the stateful operator's uid, e.g. {@code user-stats-reduce}
     * @param state the state's name, e.g. {@code _op_state} (a keyed reduce's state)
     * @param migration how one value of the old schema becomes one of the new, e.g.
     *     {@code AvroMigration.convertField("event_count")}
     */
    static SavepointRepair migrateValueState(String uid, String state, AvroMigration migration) {
        return new ValueStateRewrite(uid, state, migration, null);
    }

    /**
     * A new stateful operator bootstrapped from an old one's state: every value of one keyed value
     * state of Avro records of operator {@code uid} becomes the value of state {@code newState} of
     * the new operator {@code newUid}, under the same key, and the old operator's state is removed.
     * What a team does when it rewrites an operator under a new uid (a reduce as a
     * KeyedProcessFunction) and the new operator must not start empty.
     */
    static SavepointRepair bootstrapValueState(String uid, String state, String newUid, String newState) {
        return new ValueStateRewrite(uid, state, AvroMigration.copyFields(), null, newUid, newState);
    }

    /**
     * Every value of one keyed value state whose type is an Avro record moves to a new key: a
     * changed keyBy (rule 4) repaired, where the new key can be computed from the old key and the
     * value. Values are read with the old version's classes and written with the new version's,
     * fields copied by name.
     *
     * @param keys the new key of each value
     */
    static SavepointRepair rekeyValueState(String uid, String state, KeyChange keys) {
        return new ValueStateRewrite(uid, state, AvroMigration.copyFields(), keys);
    }

    /**
     * A State Processor API program of the restoring version's jar, run as a job on the cluster of
     * another Flink release: a migration that only that release can read (Kryo state of Flink 1.x,
     * rewritten on 1.20 before the upgrade to 2.x).
     */
    static SavepointRepair jobOnFlink(String flinkRelease, String entryClass, String what) {
        return new JobOnFlink(flinkRelease, entryClass, what);
    }
}
