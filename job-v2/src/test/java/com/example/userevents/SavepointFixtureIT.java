package com.example.userevents;

import static com.example.userevents.SavepointFixture.action;
import static com.example.userevents.SavepointFixture.time;
import static com.example.userevents.SavepointFixture.user;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.example.upgrades.kafka.EmbeddedKafka;
import com.example.userevents.avro.UserEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * This version restores the savepoints earlier versions really took ({@link SavepointFixture}):
 * every user's aggregate read offline with this version's classes, then the job itself restored
 * from it, whose output must continue every count, window and offset exactly where the writer
 * stopped.
 */
class SavepointFixtureIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One new event per user after the fixture: events 61 to 66. */
    private static final List<Long> NEXT = List.of(61L, 62L, 63L, 64L, 65L, 66L);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @ParameterizedTest(name = "the {0} fixture")
    @ValueSource(strings = {"v1", "v2"})
    void holdsEveryUsersAggregate(String fixture) throws Exception {
        assertEquals(SavepointFixture.expectedState(fixture), SavepointFixture.readState(SavepointFixture.of(fixture)));
    }

    @ParameterizedTest(name = "restored from the {0} fixture")
    @ValueSource(strings = {"v1", "v2"})
    void everyCountWindowAndOffsetGoesOn(String fixture, @TempDir Path savepoints) throws Exception {
        // A broker of its own: the savepoint's offsets are those of a user-events topic with the fixture's input.
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            restoreAndCheck(fixture, kafka, savepoints);
        }
    }

    private static void restoreAndCheck(String fixture, EmbeddedKafka kafka, Path savepoints) throws Exception {
        JobConfig config = JobConfig.fromArgs(new String[] {
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--checkpoint-interval", "500 ms",
            "--window-size", "10 s",
        });
        kafka.createTopic(config.inputTopic(), SavepointFixture.INPUT_PARTITIONS);
        kafka.createTopic(config.statsTopic(), 1);
        kafka.createTopic(config.windowsTopic(), 1);
        kafka.createTopic(config.deadLetterTopic(), 1);
        kafka.createTopic(config.controlTopic(), 1);
        // The fixture's input first, so that the offsets in the savepoint point where they did; then new events.
        kafka.produce(SavepointFixture.input(config.inputTopic(), fixture));
        kafka.produce(NEXT.stream().map(id -> new ProducerRecord<>(config.inputTopic(), TestEvents.key(user(id)),
                TestEvents.encode(next(id)))).toList());

        StreamExecutionEnvironment env = UserEventsJob.createEnvironment(config);
        env.configure(Configuration.fromMap(Map.of(
                StateRecoveryOptions.SAVEPOINT_PATH.key(), SavepointFixture.of(fixture).toUri().toString())));
        env.setParallelism(2);
        UserEventsJob.build(env, config, UserEventsJob.kafkaSource(config), UserEventsJob.kafkaSinks(config));
        JobClient job = env.executeAsync("restored from the " + fixture + " savepoint fixture");
        SavepointFixture.awaitCommitted(kafka, config.statsTopic(), NEXT.size());
        // Drain: the end-of-time watermark fires the windows still open.
        job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

        Map<String, String> expectedStats = new TreeMap<>();
        for (long id : NEXT) {
            Map<String, Long> actions = SavepointFixture.actionsOf(user(id));
            actions.merge(action(id), 1L, Long::sum);
            Map<String, Long> devices = new TreeMap<>(SavepointFixture.devicesOf(user(id), fixture));
            devices.merge(next(id).getDeviceType(), 1L, Long::sum);
            expectedStats.put(user(id), SavepointFixture.describe(user(id), SavepointFixture.EVENTS / SavepointFixture.USERS + 1,
                    id, actions, devices));
        }
        assertEquals(expectedStats, kafka.readCommitted(config.statsTopic()).stream()
                .map(r -> statsOf(r.value()))
                .collect(Collectors.toMap(s -> s.substring(0, s.indexOf(' ')), s -> s, (a, b) -> a + " AND " + b, TreeMap::new)),
                "the counts go on from the fixture's (offsets: no event read twice), exactly once");

        Map<String, Long> expectedWindows = new TreeMap<>();
        for (long id = 50; id <= NEXT.get(NEXT.size() - 1); id++) {
            expectedWindows.merge(user(id) + " [" + (time(id) / 10_000 * 10_000) + ")", 1L, Long::sum);
        }
        Map<String, Long> windows = new TreeMap<>();
        kafka.readCommitted(config.windowsTopic()).forEach(r -> {
            JsonNode w = json(r.value());
            windows.merge(w.get("user_id").asText() + " [" + w.get("window_start").asLong() + ")", w.get("event_count").asLong(),
                    Long::sum);
        });
        assertEquals(expectedWindows, windows, "the windows open in the fixture fire with v1's events and the new ones");
        assertEquals(List.of(), kafka.readCommitted(config.deadLetterTopic()), "no dead letter");
    }

    private static UserEvent next(long id) {
        return TestEvents.event(id, user(id), action(id), time(id), "mobile");
    }

    private static String statsOf(byte[] value) {
        JsonNode j = json(value);
        return SavepointFixture.describe(j.get("user_id").asText(), j.get("event_count").asLong(), j.get("last_event_id").asLong(),
                counts(j.get("action_counts")), counts(j.get("device_counts")));
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new TreeMap<>();
        if (node != null) {
            node.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        }
        return counts;
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
