package com.example.upgrades.userevents;

/**
 * What the jobs write that the harness reads, besides the topic names: the header names of their
 * output records, and the numbers the jobs judge their input by. Declared once here on the harness
 * side; every job version declares the same names in its {@code OutputRecords} and the same
 * defaults in its {@code JobConfig}, {@code UserEventDecoder} and {@code RunningUserStats}, and the
 * runner passes the judging ones to the jobs explicitly, so that the verifier and the jobs agree.
 */
public final class PipelineContract {

    /** How late an event may be within its partition before it may be late for its window (--max-out-of-orderness). */
    public static final java.time.Duration MAX_OUT_OF_ORDERNESS = java.time.Duration.ofSeconds(2);

    /** Events dated before this are dead-lettered EVENT_TIME_OUT_OF_RANGE (--min-event-time): the epoch. */
    public static final long MIN_EVENT_TIME = 0L;

    /**
     * Events dated further ahead of their record's Kafka timestamp are dead-lettered
     * FUTURE_EVENT_TIME (--max-event-time-ahead).
     */
    public static final java.time.Duration MAX_EVENT_TIME_AHEAD = java.time.Duration.ofMinutes(5);

    /** The jobs' default --transaction-timeout: the broker aborts a transaction of their sinks left open this long. */
    public static final java.time.Duration TRANSACTION_TIMEOUT = java.time.Duration.ofMinutes(10);

    /** The longest user_id, and the longest action or device_type, in characters; longer: FIELD_TOO_LONG. */
    public static final int MAX_USER_ID_CHARS = 128;
    public static final int MAX_NAME_CHARS = 64;

    /** The most names a user's action_counts (or device_counts) holds; later names are counted under {@link #OTHER}. */
    public static final int MAX_NAMES = 100;
    public static final String OTHER = "(other)";

    /** On every output record: the id of the Flink job that wrote it. */
    public static final String HEADER_WRITER_JOB = "writer-job-id";

    /** On every dead letter: why the record could not be decoded (a DeadLetter.Reason name). */
    public static final String HEADER_DLQ_REASON = "dlq-reason";

    /** On every dead letter: a readable detail of the reason. */
    public static final String HEADER_DLQ_DETAIL = "dlq-detail";

    /** On every dead letter: where the record came from, as topic-partition@offset. */
    public static final String HEADER_DLQ_SOURCE = "dlq-source";

    /** On a dead letter cut to fit the topic: the sizes of the original key and value. */
    public static final String HEADER_DLQ_ORIGINAL_KEY_SIZE = "dlq-original-key-size";
    public static final String HEADER_DLQ_ORIGINAL_VALUE_SIZE = "dlq-original-value-size";

    private PipelineContract() {}
}
