package com.example.userevents;

import static com.example.userevents.TestEvents.encode;
import static com.example.userevents.TestEvents.event;
import static com.example.userevents.TestEvents.key;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.example.upgrades.kafka.EmbeddedKafka;
import com.example.userevents.avro.UserEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a Flink MiniCluster against a real Kafka broker: a known set of events and bad
 * records in, and exactly the expected committed output out of all three sinks.
 *
 * <p>The input is small enough to check by eye (window size 10 s):
 * <pre>
 *   event  user   action    time   -> user-stats (count)   window
 *   1      alice  click     1 s       alice 1              alice [0,10)
 *   2      bob    view      2 s       bob 1                bob   [0,10)
 *   3      alice  view      4 s       alice 2              alice [0,10)
 *   4      carol  click     5 s       carol 1              carol [0,10)
 *   5      bob    purchase  11 s      bob 2                bob   [10,20)
 *   6      alice  click     12 s      alice 3              alice [10,20)
 * </pre>
 * plus one record of each bad kind, which must all land in the dead-letter topic unchanged.
 */
class UserEventsJobIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void aggregatesEventsCountsWindowsAndDeadLettersExactlyOnce(@TempDir Path savepoints) throws Exception {
        JobConfig config = JobConfig.fromArgs(new String[] {
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--checkpoint-interval", "500 ms",
            "--window-size", "10 s",
        });
        kafka.createTopic(config.inputTopic(), 3);
        kafka.createTopic(config.statsTopic(), 1);
        kafka.createTopic(config.windowsTopic(), 1);
        kafka.createTopic(config.deadLetterTopic(), 1);
        kafka.createTopic(config.controlTopic(), 1);

        List<UserEvent> events = List.of(
                event(1, "alice", "click", TestEvents.T_1S),
                event(2, "bob", "view", TestEvents.T_2S),
                event(3, "alice", "view", TestEvents.T_4S),
                event(4, "carol", "click", TestEvents.T_5S),
                event(5, "bob", "purchase", TestEvents.T_11S),
                event(6, "alice", "click", TestEvents.T_12S));
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        events.forEach(e -> input.add(record(config, key(e.getUserId()), encode(e))));
        byte[] aliceBytes = encode(event(7, "alice", "view", TestEvents.T_2S));
        Map<String, byte[]> badValues = Map.of(
                "MISSING_KEY", aliceBytes,
                "EMPTY_VALUE", new byte[0],
                "BAD_MARKER", TestEvents.withBadMarker(aliceBytes),
                "UNKNOWN_SCHEMA", TestEvents.encodedWithUnknownSchema("dave"),
                "CORRUPT_DATUM", TestEvents.truncated(aliceBytes),
                "KEY_MISMATCH", aliceBytes); // filed under the key "dave"
        badValues.forEach((reason, value) ->
                input.add(record(config, reason.equals("MISSING_KEY") ? null : key("dave"), value)));
        kafka.produce(input);

        StreamExecutionEnvironment env = UserEventsJob.createEnvironment(config);
        env.setParallelism(2);
        UserEventsJob.build(env, config, UserEventsJob.kafkaSource(config), UserEventsJob.kafkaSinks(config));
        JobClient job = env.executeAsync("user-events-aggregator IT");

        await("6 user-stats records committed (a checkpoint after all 6 events)")
                .atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readCommitted(config.statsTopic()).size() >= 6);
        // Stop with drain: the final watermark fires the open windows, the final checkpoint commits them.
        job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();

        assertEquals(
                Set.of("alice:1:1", "bob:1:2", "alice:2:3", "carol:1:4", "bob:2:5", "alice:3:6"),
                setOfSize(6, kafka.readCommitted(config.statsTopic()).stream()
                        .map(r -> json(r.value()))
                        .map(j -> j.get("user_id") + ":" + j.get("event_count") + ":" + j.get("last_event_id"))
                        .collect(Collectors.toList())),
                "user-stats: user:event_count:last_event_id");

        Map<String, Object> aliceLast = kafka.readCommitted(config.statsTopic()).stream()
                .map(r -> json(r.value()))
                .filter(j -> j.get("last_event_id").equals(6))
                .findFirst()
                .orElseThrow();
        assertEquals(Map.of("user_id", "alice", "event_count", 3, "last_event_id", 6,
                "action_counts", Map.of("click", 2, "view", 1), "job_version", UserEventsJob.JOB_VERSION), aliceLast);

        assertEquals(
                Set.of("alice[0,10000)=2", "bob[0,10000)=1", "carol[0,10000)=1",
                        "bob[10000,20000)=1", "alice[10000,20000)=1"),
                setOfSize(5, kafka.readCommitted(config.windowsTopic()).stream()
                        .map(r -> json(r.value()))
                        .map(j -> j.get("user_id") + "[" + j.get("window_start") + "," + j.get("window_end") + ")="
                                + j.get("event_count"))
                        .collect(Collectors.toList())),
                "user-windows");

        // Every output record names the job that wrote it: the harness attributes output by it.
        for (String topic : List.of(config.statsTopic(), config.windowsTopic(), config.deadLetterTopic())) {
            assertEquals(Set.of(job.getJobID().toHexString()), kafka.readCommitted(topic).stream()
                    .map(r -> EmbeddedKafka.utf8(header(r, OutputRecords.HEADER_WRITER_JOB)))
                    .collect(Collectors.toSet()), "writer-job-id of every record in " + topic);
        }

        List<ConsumerRecord<byte[], byte[]>> dlq = kafka.readCommitted(config.deadLetterTopic());
        assertEquals(badValues.keySet(), setOfSize(6, dlq.stream()
                .map(r -> EmbeddedKafka.utf8(header(r, OutputRecords.HEADER_REASON)))
                .collect(Collectors.toList())), "one dead letter per bad record");
        for (ConsumerRecord<byte[], byte[]> letter : dlq) {
            String reason = EmbeddedKafka.utf8(header(letter, OutputRecords.HEADER_REASON));
            assertArrayEquals(badValues.get(reason), letter.value(), "original bytes of the " + reason + " record");
        }
    }

    private static ProducerRecord<byte[], byte[]> record(JobConfig config, byte[] key, byte[] value) {
        return new ProducerRecord<>(config.inputTopic(), key, value);
    }

    private static byte[] header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : header.value();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(byte[] value) {
        try {
            return JSON.readValue(value, Map.class);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + EmbeddedKafka.utf8(value), e);
        }
    }

    /** The list as a set, failing if it had duplicates (exactly-once means no duplicates). */
    private static Set<String> setOfSize(int expected, List<String> values) {
        assertEquals(expected, values.size(), () -> "records: " + values.stream().sorted(Comparator.naturalOrder()).toList());
        return Set.copyOf(values);
    }
}
