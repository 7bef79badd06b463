package com.example.upgrades.userevents.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import com.example.upgrades.harness.kafka.CommittedRecords;
import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.CouldNotVerifyException;
import com.example.upgrades.userevents.PipelineContract;
import com.example.upgrades.userevents.traffic.BadRecord;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.verify.Records.DeadLetter;
import com.example.upgrades.userevents.verify.Records.Event;
import com.example.upgrades.userevents.verify.Records.Input;
import com.example.upgrades.userevents.verify.Records.Stats;
import com.example.upgrades.userevents.verify.Records.Window;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the user-events pipeline's topics as a read_committed consumer sees them ({@link
 * CommittedRecords}) and parses them into {@link Records}.
 */
public final class TopicReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaAccess kafka;
    private final EventSchemas schemas;

    public TopicReader(KafkaAccess kafka, EventSchemas schemas) {
        this.kafka = kafka;
        this.schemas = schemas;
    }

    public Records.Topics readAll(String input, String stats, String windows, String deadLetters) {
        List<Input> inputs = readInputs(input);
        List<Stats> statsRecords = new ArrayList<>();
        int statsPartitions = read(stats, r -> statsRecords.add(stats(r)));
        List<Window> windowRecords = new ArrayList<>();
        int windowsPartitions = read(windows, r -> windowRecords.add(window(r)));
        List<DeadLetter> letters = new ArrayList<>();
        read(deadLetters, r -> letters.add(deadLetter(r)));
        return new Records.Topics(input, inputs, statsRecords, windowRecords, letters,
                Map.of("stats", statsPartitions, "windows", windowsPartitions));
    }

    /** The input topic's records: events decoded, deliberately bad records by their kind. */
    public List<Input> readInputs(String topic) {
        List<Input> inputs = new ArrayList<>();
        read(topic, r -> inputs.add(input(r)));
        return inputs;
    }

    /**
     * Every committed record of the topic, partition by partition, in offset order; returns the
     * number of partitions ({@link CommittedRecords}).
     */
    public int read(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        return CommittedRecords.read(kafka, topic, each);
    }

    private Input input(ConsumerRecord<byte[], byte[]> r) {
        String bad = header(r, BadRecord.HEADER);
        Event event = null;
        if (bad == null) {
            event = schemas.decode(r.value()).map(d -> event(d.writerVersion(), d.record())).orElse(null);
        }
        BadRecord kind = null;
        if (bad != null) {
            try {
                kind = BadRecord.valueOf(bad);
            } catch (IllegalArgumentException e) {
                throw new CouldNotVerifyException("The input record " + r.topic() + "-" + r.partition() + "@" + r.offset()
                        + " says it is a bad record of kind '" + bad + "', which this harness does not know: was it "
                        + "written by another version of the generator?", e);
            }
        }
        return new Input(r.partition(), r.offset(), r.key(), r.value(), kind, event, r.timestamp(),
                header(r, BadRecord.LATE_HEADER) != null);
    }

    private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
        String reason = header(r, PipelineContract.HEADER_DLQ_REASON);
        String writer = header(r, PipelineContract.HEADER_WRITER_JOB);
        if (DeadLetter.LATE.equals(reason)) {
            return new DeadLetter(r.key(), r.value(), DeadLetter.LATE, null, -1, -1,
                    schemas.decode(r.value()).map(d -> event(d.writerVersion(), d.record())).orElse(null), writer);
        }
        return new DeadLetter(r.key(), r.value(), reason, header(r, PipelineContract.HEADER_DLQ_SOURCE),
                size(header(r, PipelineContract.HEADER_DLQ_ORIGINAL_KEY_SIZE)),
                size(header(r, PipelineContract.HEADER_DLQ_ORIGINAL_VALUE_SIZE)), null, writer);
    }

    private static Event event(String writerVersion, GenericRecord record) {
        Object device = record.hasField("device_type") ? record.get("device_type") : null;
        return new Event(
                (Long) record.get("event_id"),
                record.get("user_id").toString(),
                record.get("action").toString(),
                (Long) record.get("event_time"),
                device == null ? null : device.toString(),
                writerVersion);
    }

    static Stats stats(ConsumerRecord<byte[], byte[]> r) {
        Fields f = fields(r);
        return new Stats(r.partition(), r.offset(), f.text("user_id"), f.number("event_count"), f.number("last_event_id"),
                f.text("job_version"), f.counts("action_counts"), f.has("device_counts") ? f.counts("device_counts") : null,
                header(r, PipelineContract.HEADER_WRITER_JOB), r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    }

    static Window window(ConsumerRecord<byte[], byte[]> r) {
        Fields f = fields(r);
        return new Window(r.partition(), r.offset(), f.text("user_id"), f.number("window_start"), f.number("window_end"),
                f.number("event_count"), f.text("job_version"), header(r, PipelineContract.HEADER_WRITER_JOB),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    }

    /**
     * The top-level fields of an output record's JSON, read with Jackson's streaming parser (a tree
     * per record made reading the outputs the larger part of a verification): a text field as text,
     * a number field as a number (as Jackson's {@code asLong} reads it, 0 when it is none), an object
     * of numbers as a map, in order. Anything else is skipped.
     */
    private record Fields(Map<String, Object> values) {

        String text(String name) {
            Object v = values.get(name);
            return v == null || v instanceof Map ? "" : v.toString();
        }

        long number(String name) {
            Object v = values.get(name);
            if (v instanceof Long n) {
                return n;
            }
            return v instanceof String text ? com.fasterxml.jackson.core.io.NumberInput.parseAsLong(text, 0) : 0;
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        @SuppressWarnings("unchecked")
        Map<String, Long> counts(String name) {
            Object v = values.get(name);
            return v instanceof Map ? (Map<String, Long>) v : new LinkedHashMap<>();
        }
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON_FACTORY = JSON.getFactory();

    private static Fields fields(ConsumerRecord<byte[], byte[]> r) {
        Map<String, Object> values = new java.util.HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = JSON_FACTORY.createParser(r.value())) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                switch (value) {
                    case START_OBJECT -> {
                        Map<String, Long> counts = new LinkedHashMap<>();
                        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            counts.put(key, scalar(p, p.nextToken()));
                        }
                        values.put(name, counts);
                    }
                    case START_ARRAY -> {
                        p.skipChildren();
                        values.put(name, "");
                    }
                    case VALUE_STRING -> values.put(name, p.getText());
                    case VALUE_NULL -> values.put(name, "null");
                    default -> values.put(name, scalar(p, value));
                }
            }
            return new Fields(values);
        } catch (IOException | RuntimeException e) {
            // Not JSON at all: let the verifier see a record that matches nothing.
            return new Fields(Map.of("user_id", "<not JSON at " + r.topic() + "-" + r.partition() + "@" + r.offset() + ">"));
        }
    }

    /** A value inside a map of counts, as Jackson's {@code asLong} reads it. */
    private static long scalar(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.core.JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getValueAsLong(0);
            case VALUE_STRING -> com.fasterxml.jackson.core.io.NumberInput.parseAsLong(p.getText(), 0);
            case VALUE_TRUE -> 1;
            case START_OBJECT, START_ARRAY -> {
                p.skipChildren();
                yield 0;
            }
            default -> 0;
        };
    }

    private static int size(String header) {
        try {
            return header == null ? -1 : Integer.parseInt(header);
        } catch (NumberFormatException e) {
            return -2; // not a size: matches no original
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
