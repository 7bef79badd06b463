package com.example.upgrades.harness.declared;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A pipeline as a plan file describes it (the plan's {@code pipeline:} section): the topics it
 * reads and writes, the format and key of their records, where inside a record its key, event time
 * and identity are (JSON pointers, e.g. {@code /user}; for Avro records the same, over the record's
 * fields), and what the harness may check of its output.
 *
 * @param deadLetters the dead-letter topic, or null if the job has none
 * @param consumerGroups the jobs' consumer groups, deleted with the topics between runs
 * @param jobArgs the program arguments every deployment gets, before its own; {@code
 *     {bootstrap_servers}} and {@code {checkpoint_interval_ms}} are filled in
 * @param differential the same traffic through one uninterrupted run of the first deployment is the
 *     reference: a hop that keeps the logic must leave the output exactly as it, a hop that changes
 *     it must leave the differences a golden file approves
 */
public record PipelineSpec(List<Input> inputs, List<Output> outputs, String deadLetters, List<String> consumerGroups,
        List<String> jobArgs, boolean differential) {

    /** The record formats the harness reads and writes. */
    public enum Format {
        /** UTF-8 JSON, one object per record. */
        JSON,
        /** Avro single-object encoding: C3 01, the writer schema's 8-byte fingerprint, the binary datum. */
        AVRO,
        /** Avro with a schema-registry style header: 0, the writer schema's 4-byte id, the binary datum. */
        AVRO_REGISTRY
    }

    /**
     * An input topic.
     *
     * @param schemas for Avro: the writer schema of each version, by version (the plan's paths,
     *     resolved); the registry format numbers them 1, 2, ... in this order
     * @param id where an input's identity is, which the answers name; null if none
     * @param beforeStart written whole before the first version starts (a control topic)
     */
    public record Input(String topic, int partitions, Format format, Map<String, Path> schemas, String key, String eventTime,
            String id, boolean beforeStart) {}

    /**
     * An output topic.
     *
     * @param answers where the record names the input it answers: every input answered exactly once
     * @param runningCount where the record holds the number of its key's inputs so far
     * @param runningSum where the record holds the sum of an input field over its key's inputs so far, or null
     * @param volatileFields fields that may differ from the reference run (a version tag, a time of processing)
     * @param version where the record names the version of the code that wrote it; null if it does not
     */
    public record Output(String topic, int partitions, Format format, String key, String answers, String runningCount,
            RunningSum runningSum, List<String> volatileFields, String version) {}

    /**
     * An output field that is a per-key running sum of an input field.
     *
     * @param field where the output record holds it
     * @param of the input field it sums
     */
    public record RunningSum(String field, String of) {}

    public Input input(String topic) {
        return inputs.stream().filter(i -> i.topic().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No input topic " + topic));
    }

    /** The main input: the first one that is not written before the start (a control topic). */
    public Input mainInput() {
        return inputs.stream().filter(i -> !i.beforeStart()).findFirst().orElse(inputs.get(0));
    }

    /** The output whose records answer inputs, if one does. */
    public java.util.Optional<Output> answers() {
        return outputs.stream().filter(o -> o.answers() != null).findFirst();
    }
}
