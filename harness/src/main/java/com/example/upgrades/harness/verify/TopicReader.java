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
 * read_committed consumer: the last stable offset), and parses them into {@link Records}. A topic
 * that is missing, a read that stops making progress, or a transaction still open at the end of a
 * topic (records a read_committed reader cannot see yet, so whatever was concluded would be
 * premature) is a {@link CouldNotVerifyException}, never an empty list.
 */
public final class TopicReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a read may go without reaching further before it gives up. */
    static final Duration NO_PROGRESS_TIMEOUT = Duration.ofSeconds(60);

    /** How long a transaction still open at the end of a topic is waited for. */
    static final Duration OPEN_TRANSACTION_TIMEOUT = Duration.ofSeconds(30);

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
     * number of partitions.
     *
     * @throws CouldNotVerifyException when the topic is missing, a transaction in it is still open,
     *     or the read stops making progress
     */
    public int read(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
            } catch (org.apache.kafka.common.KafkaException e) {
                throw new CouldNotVerifyException("The topic " + topic + " cannot be read on " + kafka.bootstrapServers()
                        + ": " + e.getMessage(), e);
            }
            if (partitions.isEmpty()) {
                throw new CouldNotVerifyException("The topic " + topic + " does not exist on " + kafka.bootstrapServers()
                        + ": there is nothing to verify. Run the upgrade first, or give the topics' names.");
            }
            awaitNoOpenTransaction(topic, partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new java.util.HashMap<>();
            long lastProgress = System.nanoTime();
            Map<TopicPartition, Long> positions = new java.util.HashMap<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(p)) {
                        byPartition.computeIfAbsent(p, k -> new ArrayList<>()).add(r);
                    }
                }
                Map<TopicPartition, Long> now = new java.util.HashMap<>();
                partitions.forEach(p -> now.put(p, consumer.position(p)));
                if (!now.equals(positions)) {
                    positions = now;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > NO_PROGRESS_TIMEOUT.toNanos()) {
                    throw new CouldNotVerifyException("The topic " + topic + " could not be read to its end: no progress "
                            + "for " + NO_PROGRESS_TIMEOUT.toSeconds() + " s at " + now + " of " + end
                            + ". A verdict on part of it would be wrong. Check the broker, then verify again.");
                }
            }
            partitions.stream().sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
                    .forEach(p -> byPartition.getOrDefault(p, List.of()).forEach(each));
            return partitions.size();
        }
    }

    /**
     * A read_committed reader sees a partition up to its last stable offset: the first record of a
     * transaction still open. Records after it are neither committed nor aborted yet, so a
     * verification now would call them lost (or their records phantoms later). Waits a while for
     * such a transaction to end (the run's last checkpoint commits), then refuses.
     */
    private void awaitNoOpenTransaction(String topic, List<TopicPartition> partitions) {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
        partitions.forEach(p -> latest.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
        long deadline = System.nanoTime() + OPEN_TRANSACTION_TIMEOUT.toNanos();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
            while (true) {
                Map<TopicPartition, Long> stable = offsets(admin, latest, org.apache.kafka.common.IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, Long> high = offsets(admin, latest, org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED);
                List<String> open = partitions.stream().filter(p -> stable.get(p) < high.get(p))
                        .map(p -> p.partition() + " (stable up to " + stable.get(p) + " of " + high.get(p) + ")").toList();
                if (open.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new CouldNotVerifyException("The topic " + topic + " has a transaction still open on partition(s) "
                            + open + ": a read_committed reader cannot see past it until it is committed or aborted (at "
                            + "the latest when its transaction.timeout.ms runs out). Verifying now would call records lost "
                            + "that may still appear. Finish or stop the job that writes it (stop with a savepoint commits), "
                            + "then verify again.");
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CouldNotVerifyException("Interrupted while reading " + topic, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CouldNotVerifyException("The end offsets of " + topic + " cannot be read: " + e.getCause(), e);
        }
    }

    private static Map<TopicPartition, Long> offsets(org.apache.kafka.clients.admin.Admin admin,
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs, org.apache.kafka.common.IsolationLevel level)
            throws java.util.concurrent.ExecutionException, InterruptedException {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        admin.listOffsets(specs, new org.apache.kafka.clients.admin.ListOffsetsOptions(level)).all().get()
                .forEach((p, info) -> out.put(p, info.offset()));
        return out;
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
