package com.example.upgrades.harness.repair;

import java.nio.file.Path;

/**
 * A change written into a copy of a savepoint, offline, between the stop of one version and the
 * restore of the next: what a team does with the State Processor API when the next version broke a
 * rule and cannot restore the savepoint as it is. The original savepoint is left as it was (a
 * rollback restores it), and must be kept: the repaired one may refer to its state files.
 */
public interface SavepointRepair {

    /** What it changes, for the hop's notes, e.g. "the state of uid a now belongs to uid b (...)". */
    String describe();

    /**
     * Writes the repaired savepoint.
     *
     * @param savepoint the savepoint's folder, on this machine
     * @param target a folder that does not exist yet, next to it, for the repaired savepoint
     */
    void apply(Path savepoint, Path target) throws Exception;

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
}
