package com.example.upgrades.userevents;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.CutoverControl;
import com.example.upgrades.harness.pipeline.Pipeline;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The user-events jobs' cutover gate (their class Cutover) as the runner drives it: a job of
 * generation n runs with --cutover-generation n and a consumer group of its own; the cutover
 * messages are JSON records on the control topic.
 */
final class UserEventsCutover implements CutoverControl {

    static final UserEventsCutover INSTANCE = new UserEventsCutover();

    private static final ObjectMapper JSON = new ObjectMapper();

    private UserEventsCutover() {}

    /** The consumer group of a generation: the first deployment's as always, each green's its own. */
    static String groupOf(int generation) {
        return generation == 0 ? UserEventsPipeline.JOBS_GROUP_ID : UserEventsPipeline.JOBS_GROUP_ID + "-g" + generation;
    }

    @Override
    public List<String> jobArguments(int generation, boolean gated) {
        return List.of("--cutover-generation", String.valueOf(generation), "--group-id", groupOf(generation),
                "--cutover-gate", gated ? "on" : "off");
    }

    @Override
    public Pipeline.CommittedOffsets committedInputOffsets(KafkaAccess kafka, int generation) {
        return UserEventsPipeline.committedOffsets(kafka, groupOf(generation));
    }

    @Override
    public Map<Integer, Long> offsetsAtOrAfter(KafkaAccess kafka, long timestamp) {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int p = 0; p < PipelineTopics.INPUT_PARTITIONS; p++) {
            ask.put(new TopicPartition(PipelineTopics.INPUT, p), OffsetSpec.forTimestamp(timestamp));
        }
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        ask.keySet().forEach(tp -> ends.put(tp, OffsetSpec.latest()));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> at = admin.listOffsets(ask).all().get();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(ends).all().get();
            Map<Integer, Long> out = new TreeMap<>();
            at.forEach((tp, info) -> out.put(tp.partition(), info.offset() >= 0 ? info.offset() : end.get(tp).offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading offsets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the offsets of " + PipelineTopics.INPUT + ": " + e.getCause(), e);
        }
    }

    @Override
    public void announce(KafkaAccess kafka, Cut cut) {
        ObjectNode m = JSON.createObjectNode().put("kind", "ANNOUNCE").put("generation", cut.generation())
                .put("first_event_id", cut.firstEventId()).put("cut_event_time", cut.cutEventTime())
                .put("cut_timestamp", cut.cutTimestamp());
        send(kafka, m);
    }

    @Override
    public void go(KafkaAccess kafka, int generation, String outputs, Map<Integer, Long> sourceOffsets) {
        ObjectNode m = JSON.createObjectNode().put("kind", "GO").put("generation", generation).put("outputs", outputs);
        if (!sourceOffsets.isEmpty()) {
            ObjectNode offsets = m.putObject("source_offsets");
            sourceOffsets.forEach((p, o) -> offsets.put(String.valueOf(p), o));
        }
        send(kafka, m);
    }

    @Override
    public void abort(KafkaAccess kafka, int generation) {
        send(kafka, JSON.createObjectNode().put("kind", "ABORT").put("generation", generation));
    }

    /** One producer per Kafka (a run's cutover messages come in quick succession; a new producer costs a connection). */
    private final Map<String, KafkaProducer<byte[], byte[]>> producers = new java.util.concurrent.ConcurrentHashMap<>();

    private void send(KafkaAccess kafka, ObjectNode message) {
        KafkaProducer<byte[], byte[]> producer = producers.computeIfAbsent(kafka.bootstrapServers(), servers -> {
            Properties props = kafka.clientProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        });
        try {
            producer.send(new ProducerRecord<>(PipelineTopics.CONTROL, message.toString().getBytes(StandardCharsets.UTF_8)))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing " + message, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot write the cutover message " + message + " to " + PipelineTopics.CONTROL
                    + ": " + e.getCause(), e);
        }
    }

    @Override
    public List<String> gateOperators() {
        return List.of("user-stats-cutover", "user-windows-cutover", "dead-letters-cutover");
    }

    @Override
    public String windowOperator() {
        return "user-windows-count";
    }

    @Override
    public String sourceUid() {
        return "user-events-source";
    }

    @Override
    public String inputTopic() {
        return PipelineTopics.INPUT;
    }

    /** How long the ack of an announcement may take before the runner gives up on the cut. */
    static final Duration ACK_WITHIN = Duration.ofSeconds(30);
}
