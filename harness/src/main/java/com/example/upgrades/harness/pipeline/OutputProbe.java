package com.example.upgrades.harness.pipeline;

import java.io.IOException;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The output a downstream consumer waits for (one record per input event), and how to read, from
 * one of its records, the Flink job that wrote it and the input event it answers. The runner's
 * output tail follows this topic read_committed: health checks, output gaps and latencies come
 * from it.
 */
public interface OutputProbe {

    String topic();

    /** Who wrote the record and which input event it answers. */
    Answer read(ConsumerRecord<byte[], byte[]> record) throws IOException;

    /**
     * @param writerJobId the id of the Flink job that wrote the record ("" if it does not say)
     * @param eventId the input event it answers (events are numbered 1, 2, 3...; -1 if none)
     */
    record Answer(String writerJobId, long eventId) {}
}
