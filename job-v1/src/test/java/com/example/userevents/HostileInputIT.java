package com.example.userevents;

import static com.example.userevents.TestEvents.encode;
import static com.example.userevents.TestEvents.event;
import static com.example.userevents.TestEvents.key;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

import com.example.upgrades.kafka.EmbeddedKafka;
import com.example.userevents.avro.UserEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input against the whole job on a real broker, with Flink's restart strategy off: a record
 * that failed a task would fail the job for good, so a job that is still RUNNING at the end never
 * restarted. Each hostile record must land in the dead-letter topic with its reason, and every other
 * user's stats and windows must be complete and exact.
 *
 * <p>The hostile records come first, in every input partition; the good traffic after them is only
 * written once the job has read them and committed their dead letters, so that a watermark moved by
 * an event dated in the future would already have made the good events late (they would then be
 * missing from their windows).
 */
class HostileInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final int PARTITIONS = 3;

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

    /** The job's options for topics named after {@code prefix}; {@code more} adds or overrides options. */
    private static JobConfig config(String prefix, String... more) {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--input-topic", prefix + "-events", "--stats-topic", prefix + "-stats",
            "--windows-topic", prefix + "-windows", "--dlq-topic", prefix + "-dlq", "--group-id", prefix,
            "--control-topic", prefix + "-control",
            "--checkpoint-interval", "300 ms",
            "--window-size", "10 s"));
        for (int i = 0; i < more.length; i += 2) {
            options.put(more[i], more[i + 1]);
        }
        List<String> args = new ArrayList<>();
        options.forEach((name, value) -> {
            args.add(name);
            args.add(value);
        });
        return JobConfig.fromArgs(args.toArray(String[]::new));
    }

    private static void createTopics(JobConfig config, Map<String, String> dlqSettings) throws Exception {
        kafka.createTopic(config.inputTopic(), PARTITIONS);
        kafka.createTopic(config.statsTopic(), 1);
        kafka.createTopic(config.windowsTopic(), 1);
        kafka.createTopic(config.deadLetterTopic(), 1, dlqSettings);
        kafka.createTopic(config.controlTopic(), 1);
    }

    @Test
    void noHostileRecordStallsTheJobOrTakesAnotherUsersOutput(@TempDir Path savepoints) throws Exception {
        JobConfig config = config("hostile");
        createTopics(config, Map.of());

        // Hostile records, each with the reason it must be dead-lettered for (by its input offset).
        List<ProducerRecord<byte[], byte[]>> hostile = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        long farFuture = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        for (int p = 0; p < PARTITIONS; p++) {
            // One event dated far in the future per partition: once every partition's watermark is
            // past the good events, each of them would be late.
            hostile.add(new ProducerRecord<>(config.inputTopic(), p, key("mallory"),
                    encode(event(100 + p, "mallory", "click", farFuture))));
            reasons.add("FUTURE_EVENT_TIME");
            // The edges of the long range: a window's end would overflow, or its start underflow.
            hostile.add(new ProducerRecord<>(config.inputTopic(), p, key("mallory"),
                    encode(event(110 + p, "mallory", "click", Long.MAX_VALUE))));
            reasons.add("FUTURE_EVENT_TIME");
            hostile.add(new ProducerRecord<>(config.inputTopic(), p, key("mallory"),
                    encode(event(120 + p, "mallory", "click", Long.MAX_VALUE - 5_000))));
            reasons.add("FUTURE_EVENT_TIME");
            hostile.add(new ProducerRecord<>(config.inputTopic(), p, key("mallory"),
                    encode(event(130 + p, "mallory", "click", Long.MIN_VALUE))));
            reasons.add("EVENT_TIME_OUT_OF_RANGE");
            hostile.add(new ProducerRecord<>(config.inputTopic(), p, key("mallory"),
                    encode(event(140 + p, "mallory", "click", Long.MIN_VALUE + 1))));
            reasons.add("EVENT_TIME_OUT_OF_RANGE");
            // About 180 KB of quotes, which JSON would escape to twice that in every record of the user.
            hostile.add(new ProducerRecord<>(config.inputTopic(), p, key("mallory"),
                    encode(event(150 + p, "mallory", "\"".repeat(180_000), TestEvents.T_1S))));
            reasons.add("FIELD_TOO_LONG");
        }
        // A user with many distinct actions: well-formed, counted, its map bounded.
        int manyActions = RunningUserStats.MAX_NAMES + 20;
        List<ProducerRecord<byte[], byte[]>> good = new ArrayList<>();
        for (int i = 1; i <= manyActions; i++) {
            good.add(new ProducerRecord<>(config.inputTopic(), key("trent"), encode(event(1_000 + i, "trent", "a" + i, TestEvents.T_1S))));
        }
        kafka.produce(hostile);

        JobClient job = start(config);

        await("a dead letter for every hostile record").atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readCommitted(config.deadLetterTopic()).size() >= hostile.size());
        // Then the good traffic, behind everything the watermark has already seen.
        List<UserEvent> events = List.of(
                event(1, "alice", "click", TestEvents.T_1S),
                event(2, "bob", "view", TestEvents.T_2S),
                event(3, "alice", "view", TestEvents.T_4S),
                event(4, "carol", "click", TestEvents.T_5S),
                event(5, "bob", "purchase", TestEvents.T_11S),
                event(6, "alice", "click", TestEvents.T_12S));
        events.forEach(e -> good.add(new ProducerRecord<>(config.inputTopic(), key(e.getUserId()), encode(e))));
        kafka.produce(good);
        int goodEvents = events.size() + manyActions;
        await("a user-stats record for every good event").atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readCommitted(config.statsTopic()).size() >= goodEvents);

        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job never failed (restarts are off)");
        job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

        // Every hostile record, and nothing else, dead-lettered with its reason.
        Map<String, String> expected = new TreeMap<>();
        Map<Integer, Integer> nextOffset = new TreeMap<>();
        for (int i = 0; i < hostile.size(); i++) {
            int p = hostile.get(i).partition();
            int offset = nextOffset.merge(p, 1, Integer::sum) - 1;
            expected.put(config.inputTopic() + "-" + p + "@" + offset, reasons.get(i));
        }
        Map<String, String> dead = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : kafka.readCommitted(config.deadLetterTopic())) {
            dead.put(text(letter, OutputRecords.HEADER_SOURCE), text(letter, OutputRecords.HEADER_REASON));
        }
        assertEquals(expected, dead, "dead letters by input position: reason");

        // Every other user's stats and windows, complete and exact.
        List<JsonNode> stats = kafka.readCommitted(config.statsTopic()).stream().map(r -> json(r.value())).toList();
        assertEquals(goodEvents, stats.size(), "one user-stats record per good event, none for a hostile one");
        assertEquals(List.of("alice:1:1", "alice:2:3", "alice:3:6", "bob:1:2", "bob:2:5", "carol:1:4"),
                stats.stream().filter(j -> !j.get("user_id").asText().equals("trent"))
                        .map(j -> j.get("user_id").asText() + ":" + j.get("event_count") + ":" + j.get("last_event_id"))
                        .sorted().toList());
        JsonNode trent = stats.stream().filter(j -> j.get("last_event_id").asLong() == 1_000 + manyActions).findFirst().orElseThrow();
        assertEquals(manyActions, trent.get("event_count").asLong());
        assertEquals(RunningUserStats.MAX_NAMES + 1, trent.get("action_counts").size(), "a bounded map: " + trent);
        assertEquals(20, trent.get("action_counts").get(RunningUserStats.OTHER).asLong(), "the rest under (other)");

        Map<String, Long> windows = windows(config);
        assertEquals(new TreeMap<>(Map.of("alice[0,10000)", 2L, "bob[0,10000)", 1L, "carol[0,10000)", 1L,
                "bob[10000,20000)", 1L, "alice[10000,20000)", 1L, "trent[0,10000)", (long) manyActions)), new TreeMap<>(windows),
                "every window exact: no good event was late");
    }

    @Test
    void aMissingOrTooSmallDeadLetterTopicIsRefusedBeforeAnythingIsRead() throws Exception {
        JobConfig missing = config("no-dlq");
        kafka.createTopic(missing.inputTopic(), 1);
        kafka.createTopic(missing.statsTopic(), 1);
        kafka.createTopic(missing.windowsTopic(), 1);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> UserEventsJob.main(missing.toArgs()));
        assertTrue(refused.getMessage().contains("the topic no-dlq-dlq does not exist")
                && refused.getMessage().contains("the job was not started, so nothing was read or written"), refused.getMessage());

        JobConfig small = config("small-dlq");
        createTopics(small, Map.of("max.message.bytes", "500000"));
        refused = assertThrows(IllegalStateException.class, () -> UserEventsJob.main(small.toArgs()));
        assertTrue(refused.getMessage().contains("the topic small-dlq-dlq takes records of at most 500000 bytes")
                && refused.getMessage().contains("--dlq-max-bytes"), refused.getMessage());
    }

    /**
     * One event dated far in the future while the other partitions are idle: an idle partition no
     * longer holds event time back, so the one active partition alone would move the watermark past
     * every later event. It is dead-lettered instead, and the events after it still count in their
     * windows.
     */
    @Test
    void aFutureEventWhileTheOtherPartitionsAreIdleMovesNoWatermark() throws Exception {
        JobConfig config = config("idle", "--idle-timeout", "500 ms");
        createTopics(config, Map.of());
        JobClient job = start(config);
        // Partition 0 only: the others stay empty, idle after 500 ms, and partition 0 alone moves event time.
        kafka.produce(List.of(
                new ProducerRecord<>(config.inputTopic(), 0, key("alice"), encode(event(1, "alice", "click", TestEvents.T_1S))),
                new ProducerRecord<>(config.inputTopic(), 0, key("alice"), encode(event(2, "alice", "view", TestEvents.T_12S)))));
        await("window [0, 10 s) closed by partition 0 alone: the others are idle").atMost(Duration.ofSeconds(60))
                .until(() -> windows(config).containsKey("alice[0,10000)"));

        kafka.produce(List.of(new ProducerRecord<>(config.inputTopic(), 0, key("mallory"),
                encode(event(100, "mallory", "click", Instant.parse("2100-01-01T00:00:00Z").toEpochMilli())))));
        await("the future event dead-lettered").atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readCommitted(config.deadLetterTopic()).size() == 1);
        kafka.produce(List.of(
                new ProducerRecord<>(config.inputTopic(), 0, key("alice"), encode(event(3, "alice", "click", 13_000L))),
                new ProducerRecord<>(config.inputTopic(), 0, key("bob"), encode(event(4, "bob", "click", 14_000L))),
                new ProducerRecord<>(config.inputTopic(), 0, key("alice"), encode(event(5, "alice", "click", 25_000L)))));
        await("window [10 s, 20 s) closed").atMost(Duration.ofSeconds(60))
                .until(() -> windows(config).containsKey("alice[10000,20000)"));

        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job never failed (restarts are off)");
        job.cancel().get();
        assertEquals("FUTURE_EVENT_TIME", text(kafka.readCommitted(config.deadLetterTopic()).get(0), OutputRecords.HEADER_REASON));
        assertEquals(new TreeMap<>(Map.of("alice[0,10000)", 1L, "alice[10000,20000)", 2L, "bob[10000,20000)", 1L)),
                new TreeMap<>(windows(config)), "the events after the future one were not late");
    }

    /**
     * Seeded random mutations of valid records (the decoder fuzz test's), through the whole job on
     * the broker: the job never restarts, each record the decoder refuses is dead-lettered at its
     * input position with the decoder's reason, and each one it accepts gives one user-stats record.
     */
    @Test
    void fuzzedRecordsNeverStallTheJobAndEachIsDeadLetteredWithItsReason() throws Exception {
        JobConfig config = config("fuzz");
        createTopics(config, Map.of());
        Random random = new Random(20261207L);
        var decoder = UserEventDecoder.newDecoder();
        UserEventDecoder.Bounds bounds = UserEventDecoder.Bounds.of(config);
        long writtenAt = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, String> expectedDead = new TreeMap<>();
        int[] nextOffset = new int[PARTITIONS];
        int accepted = 0;
        List<byte[]> seeds = UserEventDecoderFuzzTest.SEEDS;
        for (int i = 0; i < 300; i++) {
            byte[] value = UserEventDecoderFuzzTest.mutate(seeds.get(random.nextInt(seeds.size())),
                    seeds.get(random.nextInt(seeds.size())), random);
            byte[] key = random.nextInt(10) == 0 ? key("mallory") : key(random.nextBoolean() ? "alice" : "bob");
            int p = i % PARTITIONS;
            int offset = nextOffset[p]++;
            records.add(new ProducerRecord<>(config.inputTopic(), p, writtenAt, key, value));
            Decoded decoded = UserEventDecoder.decode(decoder, bounds, key, value, writtenAt, config.inputTopic(), p, offset);
            if (decoded.deadLetter != null) {
                expectedDead.put(config.inputTopic() + "-" + p + "@" + offset, decoded.deadLetter.reason.name());
            } else {
                accepted++;
            }
        }
        assertTrue(expectedDead.size() > 100 && accepted > 10, "the fuzz reaches both outcomes: " + accepted + " accepted");
        kafka.produce(records);
        JobClient job = start(config);
        int events = accepted;
        await("a dead letter or a user-stats record for every fuzzed record").atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readCommitted(config.deadLetterTopic()).size() >= expectedDead.size()
                        && kafka.readCommitted(config.statsTopic()).size() >= events);

        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job never failed (restarts are off)");
        job.cancel().get();
        Map<String, String> dead = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : kafka.readCommitted(config.deadLetterTopic())) {
            dead.put(text(letter, OutputRecords.HEADER_SOURCE), text(letter, OutputRecords.HEADER_REASON));
        }
        assertEquals(expectedDead, dead, "dead letters by input position: reason");
        assertEquals(accepted, kafka.readCommitted(config.statsTopic()).size(), "one user-stats record per accepted record");
    }

    /** The job on the test's cluster at parallelism 2, with Flink's restarts off: a failure ends it. */
    private static JobClient start(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = UserEventsJob.createEnvironment(config);
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        env.setParallelism(2);
        UserEventsJob.build(env, config, UserEventsJob.kafkaSource(config), UserEventsJob.kafkaSinks(config));
        return env.executeAsync("user-events-aggregator " + config.groupId());
    }

    /** The committed user-windows records: "user[start,end)" to event count. */
    private static Map<String, Long> windows(JobConfig config) {
        Map<String, Long> windows = new LinkedHashMap<>();
        kafka.readCommitted(config.windowsTopic()).stream().map(r -> json(r.value())).forEach(j -> windows.put(
                j.get("user_id").asText() + "[" + j.get("window_start") + "," + j.get("window_end") + ")", j.get("event_count").asLong()));
        return windows;
    }

    /**
     * A dead-letter topic the job's Kafka user may read but not write to (an ACL missing, as on a
     * secured cluster): refused at submission, naming the topic and the right, before anything is
     * read. Without the check the job would run until its first bad record, then fail on it forever.
     */
    @Test
    void aDeadLetterTopicTheJobMayNotWriteToIsRefusedBeforeAnythingIsRead(@TempDir Path dir) throws Exception {
        EmbeddedKafka.SaslUser user = new EmbeddedKafka.SaslUser("job", "job-secret");
        try (EmbeddedKafka secured = EmbeddedKafka.startWithAcls(user)) {
            JobConfig plain = config("acl");
            for (String topic : List.of(plain.inputTopic(), plain.statsTopic(), plain.windowsTopic(), plain.deadLetterTopic(),
                    plain.controlTopic())) {
                secured.createTopic(topic, 1);
            }
            List<AclBinding> acls = new ArrayList<>();
            for (String read : List.of(plain.inputTopic(), plain.controlTopic(), plain.deadLetterTopic())) {
                acls.add(allow(user, read, AclOperation.READ));
            }
            for (String written : List.of(plain.statsTopic(), plain.windowsTopic())) {
                acls.add(allow(user, written, AclOperation.WRITE));
                acls.add(allow(user, written, AclOperation.DESCRIBE_CONFIGS));
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", secured.bootstrapServers()))) {
                admin.createAcls(acls).all().get();
            }
            Path clientProperties = dir.resolve("job-kafka.properties");
            Properties login = new Properties();
            login.putAll(user.clientSettings());
            try (var out = java.nio.file.Files.newOutputStream(clientProperties)) {
                login.store(out, null);
            }
            JobConfig config = config("acl", "--bootstrap-servers", secured.saslBootstrapServers(),
                    "--kafka-properties", clientProperties.toString());

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TopicsCheck.check(config));
            assertTrue(refused.getMessage().contains("this job's Kafka user may not write to the topic acl-dlq")
                    && refused.getMessage().contains("the job was not started, so nothing was read or written"),
                    refused.getMessage());
            assertEquals(1, refused.getMessage().split("\n  - ").length - 1, "only the dead-letter topic: " + refused.getMessage());
            assertTrue(!refused.getMessage().contains("job-secret"), "no secret in the message");
        }
    }

    private static AclBinding allow(EmbeddedKafka.SaslUser user, String topic, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:" + user.name(), "*", operation, AclPermissionType.ALLOW));
    }

    private static String text(ConsumerRecord<byte[], byte[]> record, String header) {
        Header h = record.headers().lastHeader(header);
        return h == null ? null : EmbeddedKafka.utf8(h.value());
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + EmbeddedKafka.utf8(value), e);
        }
    }
}
