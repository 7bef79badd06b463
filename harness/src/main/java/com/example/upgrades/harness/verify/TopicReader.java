package com.example.upgrades.harness.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.userevents.PipelineContract;
import com.example.upgrades.harness.traffic.BadRecord;
import com.example.upgrades.harness.traffic.EventSchemas;
import com.example.upgrades.harness.verify.Records.DeadLetter;
import com.example.upgrades.harness.verify.Records.Event;
import com.example.upgrades.harness.verify.Records.Input;
import com.example.upgrades.harness.verify.Records.Stats;
import com.example.upgrades.harness.verify.Records.Window;
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
 * Reads whole topics with isolation.level=read_committed, up to their end offsets (for a
 * read_committed consumer: the last stable offset), and parses them into {@link Records}.
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
        read(stats, r -> statsRecords.add(stats(r)));
        List<Window> windowRecords = new ArrayList<>();
        read(windows, r -> windowRecords.add(window(r)));
        List<DeadLetter> letters = new ArrayList<>();
        read(deadLetters, r -> letters.add(deadLetter(r)));
        return new Records.Topics(input, inputs, statsRecords, windowRecords, letters);
    }

    /** The input topic's records: events decoded, deliberately bad records by their kind. */
    public List<Input> readInputs(String topic) {
        List<Input> inputs = new ArrayList<>();
        read(topic, r -> inputs.add(input(r)));
        return inputs;
    }

    /** Every committed record of the topic, partition by partition, in offset order. */
    public void read(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new java.util.HashMap<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(p)) {
                        byPartition.computeIfAbsent(p, k -> new ArrayList<>()).add(r);
                    }
                }
            }
            partitions.stream().sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
                    .forEach(p -> byPartition.getOrDefault(p, List.of()).forEach(each));
        }
    }

    private Input input(ConsumerRecord<byte[], byte[]> r) {
        String bad = header(r, BadRecord.HEADER);
        Event event = null;
        if (bad == null) {
            event = schemas.decode(r.value()).map(d -> event(d.writerVersion(), d.record())).orElse(null);
        }
        return new Input(r.partition(), r.offset(), r.key(), r.value(), bad == null ? null : BadRecord.valueOf(bad), event);
    }

    private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
        String reason = header(r, PipelineContract.HEADER_DLQ_REASON);
        if (DeadLetter.LATE.equals(reason)) {
            return DeadLetter.late(r.key(), r.value(),
                    schemas.decode(r.value()).map(d -> event(d.writerVersion(), d.record())).orElse(null));
        }
        return new DeadLetter(r.key(), r.value(), reason, header(r, PipelineContract.HEADER_DLQ_SOURCE),
                size(header(r, PipelineContract.HEADER_DLQ_ORIGINAL_KEY_SIZE)),
                size(header(r, PipelineContract.HEADER_DLQ_ORIGINAL_VALUE_SIZE)));
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
                j.has("device_counts") ? counts(j.get("device_counts")) : null, header(r, PipelineContract.HEADER_WRITER_JOB));
    }

    private static Window window(ConsumerRecord<byte[], byte[]> r) {
        JsonNode j = json(r);
        return new Window(r.partition(), r.offset(), j.path("user_id").asText(), j.path("window_start").asLong(), j.path("window_end").asLong(),
                j.path("event_count").asLong(), j.path("job_version").asText(), header(r, PipelineContract.HEADER_WRITER_JOB));
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
