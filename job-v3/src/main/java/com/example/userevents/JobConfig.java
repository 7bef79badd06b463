package com.example.userevents;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.flink.util.ParameterTool;
import org.apache.flink.util.TimeUtils;

/**
 * The job's settings, parsed once from the program arguments ({@code --name value}). Every setting
 * has a default that works against the harness's embedded environment, so the job runs with no
 * arguments at all.
 *
 * <p>Parallelism is deliberately not here: it comes from the submission ({@code flink run -p},
 * or the harness), so that the same jar can be restored at another parallelism.
 */
public record JobConfig(
        String bootstrapServers,
        String inputTopic,
        String statsTopic,
        String windowsTopic,
        String deadLetterTopic,
        String groupId,
        Duration windowSize,
        Duration maxOutOfOrderness,
        Duration idleTimeout,
        Duration checkpointInterval,
        String stateBackend,
        int deadLetterMaxBytes,
        long minEventTime,
        Duration maxEventTimeAhead,
        String kafkaPropertiesFile,
        String controlTopic,
        int cutoverGeneration,
        boolean cutoverGate,
        Duration transactionTimeout) {

    /** What ParameterTool stores for an option given without a value ("--window-size" alone). */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    /** The value of --kafka-properties when there is no file: the clients need no settings. */
    static final String NO_FILE = "none";

    /**
     * The largest --dlq-max-bytes: a dead letter's key and value, plus its headers (at most a few
     * KB), must stay below the producer's max.request.size (1 MiB) and the broker's message.max.bytes.
     */
    static final int MAX_DLQ_BYTES = 1_000_000;

    /** Every option with its default and meaning; {@link #usage()} prints this table. */
    private static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

    static {
        option("bootstrap-servers", "127.0.0.1:9092", "Kafka bootstrap servers");
        option("input-topic", "user-events", "topic of the Avro user events");
        option("stats-topic", "user-stats", "topic of the per-event running user stats (JSON)");
        option("windows-topic", "user-windows", "topic of the per-user window counts (JSON)");
        option("dlq-topic", "user-events-dlq", "topic of the records that could not be decoded");
        option("group-id", "user-events-aggregator", "Kafka consumer group of the source");
        option("window-size", "10 s", "size of the tumbling event-time windows");
        option("max-out-of-orderness", "2 s", "how late an event may be within its partition");
        option("idle-timeout", "1 min", "after this long without events a partition no longer holds back event time");
        option("checkpoint-interval", "2 s", "how often state and Kafka transactions are checkpointed");
        option("state-backend", "hashmap", "where keyed state lives: hashmap (on the heap) or rocksdb (on disk)");
        option("dlq-max-bytes", String.valueOf(MAX_DLQ_BYTES), "a dead letter's key and value are cut to this many "
                + "bytes together (at most " + MAX_DLQ_BYTES + ": below the producer's 1 MiB max.request.size, with room "
                + "for the headers)");
        option("min-event-time", "1970-01-01T00:00:00Z", "an event dated before this (ISO-8601 instant or epoch ms) is "
                + "dead-lettered EVENT_TIME_OUT_OF_RANGE");
        option("max-event-time-ahead", "5 min", "an event dated further ahead of the moment it was written (its Kafka "
                + "timestamp) is dead-lettered FUTURE_EVENT_TIME: it would move event time past every other event");
        option("control-topic", "user-events-control", "topic of the blue/green cutover messages (see Cutover)");
        option("cutover-generation", "0", "this deployment's generation: 0 first, n for the green of the n-th "
                + "blue/green upgrade (its sinks are new ones, with their own transactional ids)");
        option("cutover-gate", "on", "on: take part in gated cutovers; off: emit everything (an ungated blue/green, "
                + "which duplicates what both versions emit)");
        option("transaction-timeout", "10 min", "how long the broker keeps a transaction of the sinks open before it "
                + "aborts it: the budget of a hop whose old job is gone before it committed (see docs/faults.md); at "
                + "most the broker's transaction.max.timeout.ms (15 min by default)");
        option("kafka-properties", NO_FILE, "a properties file of Kafka client settings for the source and the sinks "
                + "(security.protocol, sasl.*, ssl.*), read where the job is submitted; its values are never printed");
    }

    /** The state backends a job may choose; a canonical savepoint of either restores on the other. */
    static final Set<String> STATE_BACKENDS = Set.of("hashmap", "rocksdb");

    private static void option(String name, String defaultValue, String meaning) {
        OPTIONS.put(name, new String[] {defaultValue, meaning});
    }

    public static JobConfig defaults() {
        return fromArgs(new String[0]);
    }

    /**
     * Parses {@code --name value} pairs.
     *
     * @throws IllegalArgumentException for an unknown option or a value that does not parse; the
     *     message names the option and lists the valid ones. Nothing has been deployed at that
     *     point, so no data is affected.
     */
    public static JobConfig fromArgs(String[] args) {
        ParameterTool params = ParameterTool.fromArgs(args);
        Set<String> unknown = new TreeSet<>(params.toMap().keySet());
        unknown.removeAll(OPTIONS.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "Unknown option(s) " + unknown + ". The job was not started, so no data was read or written. "
                            + "Valid options:\n" + usage());
        }
        return new JobConfig(
                text(params, "bootstrap-servers"),
                text(params, "input-topic"),
                text(params, "stats-topic"),
                text(params, "windows-topic"),
                text(params, "dlq-topic"),
                text(params, "group-id"),
                duration(params, "window-size"),
                duration(params, "max-out-of-orderness"),
                duration(params, "idle-timeout"),
                duration(params, "checkpoint-interval"),
                stateBackend(params),
                positiveInt(params, "dlq-max-bytes", MAX_DLQ_BYTES),
                instant(params, "min-event-time"),
                duration(params, "max-event-time-ahead"),
                readableFile(params, "kafka-properties"),
                text(params, "control-topic"),
                nonNegativeInt(params, "cutover-generation"),
                onOff(params, "cutover-gate"),
                duration(params, "transaction-timeout"));
    }

    /**
     * The Kafka client settings of --kafka-properties (empty without a file), given to the source
     * and the sinks before their own settings: a file cannot change the topics, the group or the
     * transactions. Only the file's name is kept in this record, so that printing the record never
     * prints a password.
     */
    public Properties kafkaClientProperties() {
        Properties props = new Properties();
        if (NO_FILE.equals(kafkaPropertiesFile)) {
            return props;
        }
        try (Reader in = Files.newBufferedReader(Path.of(kafkaPropertiesFile), StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("Option --kafka-properties names " + kafkaPropertiesFile
                    + ", which cannot be read: " + e + ". The job was not started.", e);
        }
        return props;
    }

    /** The options as {@code --name value} arguments, as {@link #fromArgs} reads them back. */
    public String[] toArgs() {
        return new String[] {
            "--bootstrap-servers", bootstrapServers,
            "--input-topic", inputTopic,
            "--stats-topic", statsTopic,
            "--windows-topic", windowsTopic,
            "--dlq-topic", deadLetterTopic,
            "--group-id", groupId,
            "--window-size", TimeUtils.formatWithHighestUnit(windowSize),
            "--max-out-of-orderness", TimeUtils.formatWithHighestUnit(maxOutOfOrderness),
            "--idle-timeout", TimeUtils.formatWithHighestUnit(idleTimeout),
            "--checkpoint-interval", TimeUtils.formatWithHighestUnit(checkpointInterval),
            "--state-backend", stateBackend,
            "--dlq-max-bytes", String.valueOf(deadLetterMaxBytes),
            "--min-event-time", java.time.Instant.ofEpochMilli(minEventTime).toString(),
            "--max-event-time-ahead", TimeUtils.formatWithHighestUnit(maxEventTimeAhead),
            "--kafka-properties", kafkaPropertiesFile,
            "--control-topic", controlTopic,
            "--cutover-generation", String.valueOf(cutoverGeneration),
            "--cutover-gate", cutoverGate ? "on" : "off",
            "--transaction-timeout", TimeUtils.formatWithHighestUnit(transactionTimeout),
        };
    }

    public static String usage() {
        StringBuilder out = new StringBuilder();
        OPTIONS.forEach((name, d) -> out.append(String.format("  --%-22s %s (default: %s)%n", name, d[1], d[0])));
        return out.toString();
    }

    private static String text(ParameterTool params, String name) {
        String value = params.get(name, OPTIONS.get(name)[0]);
        if (value == null || value.isBlank() || NO_VALUE.equals(value)) {
            throw new IllegalArgumentException(
                    "Option --" + name + " needs a value (" + OPTIONS.get(name)[1] + "). The job was not started.");
        }
        return value;
    }

    private static int nonNegativeInt(ParameterTool params, String name) {
        String value = text(params, name);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("Option --" + name + " must be a whole number from 0, got '" + value
                + "'. The job was not started.");
    }

    private static boolean onOff(ParameterTool params, String name) {
        String value = text(params, name);
        if (!value.equals("on") && !value.equals("off")) {
            throw new IllegalArgumentException("Option --" + name + " is on or off, got '" + value
                    + "'. The job was not started.");
        }
        return value.equals("on");
    }

    /** A sink's uid in this generation: the first deployment's as it always was, each green's its own. */
    public String sinkUid(String uid) {
        return cutoverGeneration == 0 ? uid : uid + "-g" + cutoverGeneration;
    }

    private static int positiveInt(ParameterTool params, String name, int max) {
        String value = text(params, name);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed > 0 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("Option --" + name + " must be a whole number from 1 to " + max + ", got '"
                + value + "'. The job was not started.");
    }

    /** An ISO-8601 instant ("2026-01-01T00:00:00Z") or epoch milliseconds. */
    private static long instant(ParameterTool params, String name) {
        String value = text(params, name);
        try {
            return java.time.Instant.parse(value).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("Option --" + name + " has the value '" + value + "', which is "
                        + "neither an instant like 2026-01-01T00:00:00Z nor epoch milliseconds. The job was not started.", e);
            }
        }
    }

    private static String readableFile(ParameterTool params, String name) {
        String value = text(params, name);
        if (!NO_FILE.equals(value) && !Files.isReadable(Path.of(value))) {
            throw new IllegalArgumentException("Option --" + name + " names " + value + ", which is not a readable file "
                    + "here (the job reads it where it is submitted: on the JobManager for a jar run through the REST "
                    + "API). The job was not started, so no data was read or written.");
        }
        return value;
    }

    private static String stateBackend(ParameterTool params) {
        String value = text(params, "state-backend");
        if (!STATE_BACKENDS.contains(value)) {
            throw new IllegalArgumentException("Option --state-backend has the value '" + value + "'; it must be one of "
                    + new TreeSet<>(STATE_BACKENDS) + ". The job was not started.");
        }
        return value;
    }

    private static Duration duration(ParameterTool params, String name) {
        String value = text(params, name);
        Duration parsed;
        try {
            parsed = TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Option --" + name + " has the value '" + value + "', which is not a duration. "
                            + "Write it like '10 s', '500 ms' or '2 min'. The job was not started.", e);
        }
        if (parsed.isZero() || parsed.isNegative()) {
            throw new IllegalArgumentException(
                    "Option --" + name + " must be positive, got '" + value + "'. The job was not started.");
        }
        return parsed;
    }
}
