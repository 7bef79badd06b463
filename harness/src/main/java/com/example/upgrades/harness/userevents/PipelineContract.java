package com.example.upgrades.harness.userevents;

/**
 * What the jobs write that the harness reads, besides the topic names: the header names of their
 * output records. Declared once here on the harness side; every job version declares the same
 * names in its {@code OutputRecords}.
 */
public final class PipelineContract {

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
