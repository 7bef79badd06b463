package com.example.userevents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

import com.example.userevents.avro.UserStats;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How the job's outputs look on Kafka: JSON values keyed by user_id on user-stats and
 * user-windows, and the untouched original bytes with reason headers on the dead-letter topic.
 * Every output record also carries the id of the Flink job that wrote it ({@link #HEADER_WRITER_JOB}).
 */
public final class OutputRecords {

    /**
     * Dead-letter headers: the reason code, a readable detail, and where the record came from
     * (topic-partition@offset; absent on a LATE dead letter, whose input position is not known).
     */
    public static final String HEADER_REASON = "dlq-reason";
    public static final String HEADER_DETAIL = "dlq-detail";
    public static final String HEADER_SOURCE = "dlq-source";

    /**
     * On every output record: the id of the Flink job that wrote it. job_version says which code
     * wrote a record; this says which deployment did, so a reader can tell apart the two jobs of a
     * rescale (v1 -> v1) and attribute each record of an upgrade to the job that committed it.
     */
    public static final String HEADER_WRITER_JOB = "writer-job-id";

    /**
     * On a dead letter whose key and value were cut to fit (see {@link DeadLetterSerializer}): their
     * sizes before. Absent on every dead letter that carries its record whole.
     */
    public static final String HEADER_ORIGINAL_KEY_SIZE = "dlq-original-key-size";
    public static final String HEADER_ORIGINAL_VALUE_SIZE = "dlq-original-value-size";

    /** A dead letter's detail is cut to this many characters. */
    static final int MAX_DETAIL = 1_000;

    /** The scope variable under which Flink's metric groups name the job a task belongs to. */
    private static final String JOB_ID_VARIABLE = "<job_id>";

    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private OutputRecords() {}

    /**
     * {"user_id", "event_count", "last_event_id", "action_counts", "device_counts", "job_version"}.
     * Written field by field with Jackson's streaming generator: no tree of nodes built and thrown
     * away per record.
     */
    public static byte[] userStatsJson(UserStats stats, String jobVersion) {
        return write(g -> {
            g.writeStringField("user_id", stats.getUserId());
            g.writeNumberField("event_count", stats.getEventCount());
            g.writeNumberField("last_event_id", stats.getLastEventId());
            counts(g, "action_counts", stats.getActionCounts());
            counts(g, "device_counts", stats.getDeviceCounts());
            g.writeStringField("job_version", jobVersion);
        });
    }

    /** {"user_id", "window_start", "window_end", "event_count", "job_version"} */
    public static byte[] windowCountJson(WindowCount count, String jobVersion) {
        return write(g -> {
            g.writeStringField("user_id", count.userId);
            g.writeNumberField("window_start", count.windowStart);
            g.writeNumberField("window_end", count.windowEnd);
            g.writeNumberField("event_count", count.eventCount);
            g.writeStringField("job_version", jobVersion);
        });
    }

    /** A map of counts as a JSON object, its names in order. */
    private static void counts(JsonGenerator g, String field, java.util.Map<String, Long> counts) throws IOException {
        g.writeObjectFieldStart(field);
        for (java.util.Map.Entry<String, Long> e : new TreeMap<>(counts).entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** One JSON object, its fields written by {@code fields}. */
    private static byte[] write(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The serializers' common part: when the sink opens, it learns the id of the job it runs in and
     * writes it into a header of every record. The connector gives a record serializer no job
     * information other than its metric group, whose scope variables name the job; outside a job
     * (in an operator test harness) there is none, and no header is written.
     */
    abstract static class WithWriterHeader<T> implements KafkaRecordSerializationSchema<T> {

        private transient String writerJobId;

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            writerJobId = context.getMetricGroup().getAllVariables().get(JOB_ID_VARIABLE);
        }

        RecordHeaders headers() {
            RecordHeaders headers = new RecordHeaders();
            if (writerJobId != null) {
                headers.add(new RecordHeader(HEADER_WRITER_JOB, utf8(writerJobId)));
            }
            return headers;
        }
    }

    /**
     * The largest output record (key and value) the job writes to user-stats or user-windows: the
     * contract's bounds (names of at most 64 characters, at most 100 of them per map) keep every
     * record far below it; a record above it goes to the dead-letter topic instead (see
     * {@link #orDeadLetter}), so that it can never fail the sink.
     */
    public static final int MAX_OUTPUT_BYTES = 1_000_000;

    /**
     * The record as it is, or, above {@link #MAX_OUTPUT_BYTES}, a dead letter in its place (reason
     * OUTPUT_TOO_LARGE, its start cut to fit). Kafka would refuse the record, and the sink would fail
     * the job on every restart; the dead letter is written in the same transaction instead.
     */
    static ProducerRecord<byte[], byte[]> orDeadLetter(ProducerRecord<byte[], byte[]> record, String deadLetterTopic,
            int maxBytes) {
        int size = record.key().length + record.value().length;
        if (size <= maxBytes) {
            return record;
        }
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(new RecordHeader(HEADER_REASON, utf8(DeadLetter.Reason.OUTPUT_TOO_LARGE.name())));
        headers.add(new RecordHeader(HEADER_DETAIL, utf8("a " + record.topic() + " record of " + size + " bytes, above the "
                + maxBytes + " the job writes; its value is cut to fit")));
        headers.add(new RecordHeader(HEADER_ORIGINAL_KEY_SIZE, utf8(String.valueOf(record.key().length))));
        headers.add(new RecordHeader(HEADER_ORIGINAL_VALUE_SIZE, utf8(String.valueOf(record.value().length))));
        byte[] value = Arrays.copyOf(record.value(), Math.max(0, maxBytes - record.key().length));
        return new ProducerRecord<>(deadLetterTopic, null, null, record.key(), value, headers);
    }

    /** user-stats records. */
    public static final class UserStatsSerializer extends WithWriterHeader<UserStats> {
        private final String topic;
        private final String deadLetterTopic;
        private final String jobVersion;

        public UserStatsSerializer(String topic, String deadLetterTopic, String jobVersion) {
            this.topic = topic;
            this.deadLetterTopic = deadLetterTopic;
            this.jobVersion = jobVersion;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(UserStats stats, KafkaSinkContext context, Long timestamp) {
            return orDeadLetter(new ProducerRecord<>(topic, null, null, utf8(stats.getUserId()),
                    userStatsJson(stats, jobVersion), headers()), deadLetterTopic, MAX_OUTPUT_BYTES);
        }
    }

    /** user-windows records. */
    public static final class WindowCountSerializer extends WithWriterHeader<WindowCount> {
        private final String topic;
        private final String deadLetterTopic;
        private final String jobVersion;

        public WindowCountSerializer(String topic, String deadLetterTopic, String jobVersion) {
            this.topic = topic;
            this.deadLetterTopic = deadLetterTopic;
            this.jobVersion = jobVersion;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(WindowCount count, KafkaSinkContext context, Long timestamp) {
            return orDeadLetter(new ProducerRecord<>(topic, null, null, utf8(count.userId),
                    windowCountJson(count, jobVersion), headers()), deadLetterTopic, MAX_OUTPUT_BYTES);
        }
    }

    /**
     * Dead letters: original key and value, reason in headers. A record the input topic accepted
     * can still be too large for the dead-letter topic once the headers are added (Kafka refuses it:
     * RecordTooLargeException, and the sink would fail the job on every restart). So key and value
     * are kept to {@code maxPayloadBytes} together, cut from the end, and a cut one says so with its
     * original sizes.
     */
    public static final class DeadLetterSerializer extends WithWriterHeader<DeadLetter> {
        private final String topic;
        private final int maxPayloadBytes;

        public DeadLetterSerializer(String topic, int maxPayloadBytes) {
            this.topic = topic;
            this.maxPayloadBytes = maxPayloadBytes;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
            RecordHeaders headers = headers();
            headers.add(new RecordHeader(HEADER_REASON, utf8(letter.reason.name())));
            String detail = String.valueOf(letter.detail);
            headers.add(new RecordHeader(HEADER_DETAIL, utf8(detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL))));
            if (letter.hasSource()) {
                headers.add(new RecordHeader(HEADER_SOURCE, utf8(letter.topic + "-" + letter.partition + "@" + letter.offset)));
            }
            byte[] key = letter.key;
            byte[] value = letter.value;
            int keySize = key == null ? 0 : key.length;
            int valueSize = value == null ? 0 : value.length;
            if ((long) keySize + valueSize > maxPayloadBytes) {
                int keptKey = Math.min(keySize, maxPayloadBytes);
                key = key == null ? null : Arrays.copyOf(key, keptKey);
                value = value == null ? null : Arrays.copyOf(value, Math.min(valueSize, maxPayloadBytes - keptKey));
                headers.add(new RecordHeader(HEADER_ORIGINAL_KEY_SIZE, utf8(String.valueOf(keySize))));
                headers.add(new RecordHeader(HEADER_ORIGINAL_VALUE_SIZE, utf8(String.valueOf(valueSize))));
            }
            return new ProducerRecord<>(topic, null, null, key, value, headers);
        }
    }
}
