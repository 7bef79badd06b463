package com.example.upgrades.userevents.verify;

/** The classes of the Verification contract (docs/DESIGN.md); the report counts each. */
public enum Violation {
    /** An input event has no user-stats record. */
    LOST,
    /** An input event has more than one user-stats record. */
    DUPLICATE,
    /** A user-stats record counts fewer events than the user really had: state was lost. */
    STATE_LOST,
    /** A user-stats record counts more events than the user really had: events were counted twice. */
    DOUBLE_COUNTED,
    /** A user's job_version went backwards (e.g. v2 then v1). */
    VERSION_REGRESSION,
    /** An output record matches no input. */
    PHANTOM,
    /**
     * A (user, window) with events has no record, several records, or a wrong count; an event missing
     * from its window because the job dead-lettered it LATE counts here too, unless the contract
     * explains its lateness (written late on purpose, or behind its partition's progress by more than
     * the bounded out-of-orderness).
     */
    WINDOW_MISMATCH,
    /** The dead-letter topic differs from the bad records the generator wrote on purpose. */
    DLQ_MISMATCH,
    /**
     * A user-stats record of v2 or later does not count devices as expected: every event that
     * v2+ processed under its device_type, v1-written ones under "unknown", none before v2; from v3
     * on under the sanitized name (trimmed, lower case), merged.
     */
    DEVICE_COUNT_MISMATCH,
    /**
     * A user-stats record's action_counts are not exactly the actions of the user's events so far:
     * under the names as sent up to v2, under the sanitized names (merged) from v3 on.
     */
    ACTION_COUNT_MISMATCH,
    /**
     * An output record was not written by the code it should have been: its job_version is not the
     * version its writer job was deployed as, or its writer (the writer-job-id header) is no job the
     * run deployed.
     */
    VERSION_MISMATCH,
    /** An output record is not keyed by its user_id, or not in the partition its key decides. */
    OUTPUT_KEY_MISMATCH
}
