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
import com.fasterxml.jackson.databind.JsonNode;
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

    private static Stats stats(ConsumerRecord<byte[], byte[]> r) {
        JsonNode j = json(r);
        return new Stats(r.partition(), r.offset(), j.path("user_id").asText(), j.path("event_count").asLong(),
                j.path("last_event_id").asLong(), j.path("job_version").asText(), counts(j.get("action_counts")),
                j.has("device_counts") ? counts(j.get("device_counts")) : null, header(r, PipelineContract.HEADER_WRITER_JOB),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    }

    private static Window window(ConsumerRecord<byte[], byte[]> r) {
        JsonNode j = json(r);
        return new Window(r.partition(), r.offset(), j.path("user_id").asText(), j.path("window_start").asLong(), j.path("window_end").asLong(),
                j.path("event_count").asLong(), j.path("job_version").asText(), header(r, PipelineContract.HEADER_WRITER_JOB),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (node != null) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        }
        return out;
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.value());
        } catch (IOException e) {
            // Not JSON at all: let the verifier see a record that matches nothing.
            return JSON.createObjectNode().put("user_id", "<not JSON at " + r.topic() + "-" + r.partition() + "@" + r.offset() + ">");
        }
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
