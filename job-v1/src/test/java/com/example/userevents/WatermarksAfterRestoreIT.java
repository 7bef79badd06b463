package com.example.userevents;

import static com.example.userevents.TestEvents.encode;
import static com.example.userevents.TestEvents.event;
import static com.example.userevents.TestEvents.key;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.upgrades.kafka.EmbeddedKafka;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restore does not carry over: the watermark. A savepoint holds the windows' contents and
 * timers, and the source's offsets, but no watermark; the restored job's event time starts again
 * from the first records it reads. So an event that was late before the stop (its window had
 * fired) is on time right after the restore: it is counted, and its window is written a second
 * time, with only what came after the restore. Exactly once holds for every record read; "the same
 * state" does not mean the same answers to the same late event.
 *
 * <p>Window size 10 s, out-of-orderness 2 s, one partition, so that event time is that partition's.
 */
class WatermarksAfterRestoreIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
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
    void anEventLateBeforeTheStopIsOnTimeAfterTheRestoreAndItsWindowIsWrittenAgain(@TempDir Path savepoints) throws Exception {
        JobConfig config = JobConfig.fromArgs(new String[] {
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--checkpoint-interval", "300 ms",
            "--window-size", "10 s",
            "--max-out-of-orderness", "2 s",
        });
        kafka.createTopic(config.inputTopic(), 1);
        kafka.createTopic(config.statsTopic(), 1);
        kafka.createTopic(config.windowsTopic(), 1);
        kafka.createTopic(config.deadLetterTopic(), 1);
        kafka.createTopic(config.controlTopic(), 1);

        // Before the stop: alice at 1 s and 4 s, then 15 s moves event time to 13 s: [0, 10) fires
        // with 2. Then an event of alice at 5 s: behind the watermark, late, a LATE dead letter.
        JobClient first = start(config, null);
        produce(config, event(1, "alice", "click", 1_000L), event(2, "alice", "click", 4_000L),
                event(3, "alice", "click", 15_000L));
        await("window [0, 10 s) fired").atMost(Duration.ofSeconds(60)).until(() -> windows(config).size() == 1);
        produce(config, event(4, "alice", "click", 5_000L));
        await("event 4 dead-lettered LATE").atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readCommitted(config.deadLetterTopic()).size() == 1);
        String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

        // After the restore, the same: an event of alice at 5 s, first of all. The restored job has
        // no watermark yet, so it is on time; 25 s later moves event time past both windows.
        produce(config, event(5, "alice", "click", 5_000L));
        JobClient restored = start(config, savepoint);
        produce(config, event(6, "alice", "click", 25_000L));
        await("windows [0, 10 s) again and [10 s, 20 s)").atMost(Duration.ofSeconds(60)).until(() -> windows(config).size() == 3);
        restored.cancel().get();

        // In commit order: [0, 10 s) as fired before the stop; [0, 10 s) again, with event 5 alone
        // (late before the stop, on time after it: its timer fires first, at 10 s); [10 s, 20 s) with
        // event 3, open at the stop, its contents and timer back from the savepoint.
        assertEquals(List.of("[0,10000) 2", "[0,10000) 1", "[10000,20000) 1"), describe(windows(config)),
                "alice's windows as a read_committed consumer sees them");
        assertEquals(1, kafka.readCommitted(config.deadLetterTopic()).size(), "only event 4 was late");
        assertEquals(6, kafka.readCommitted(config.statsTopic()).size(), "every event counted once in user-stats");
    }

    private static JobClient start(JobConfig config, String savepoint) throws Exception {
        StreamExecutionEnvironment env = UserEventsJob.createEnvironment(config);
        if (savepoint != null) {
            env.configure(Configuration.fromMap(Map.of(StateRecoveryOptions.SAVEPOINT_PATH.key(), savepoint)));
        }
        env.setParallelism(1);
        UserEventsJob.build(env, config, UserEventsJob.kafkaSource(config), UserEventsJob.kafkaSinks(config));
        return env.executeAsync("watermarks after a restore");
    }

    private static void produce(JobConfig config, com.example.userevents.avro.UserEvent... events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (var e : events) {
            records.add(new ProducerRecord<>(config.inputTopic(), 0, key(e.getUserId()), encode(e)));
        }
        kafka.produce(records);
    }

    private static List<JsonNode> windows(JobConfig config) {
        return kafka.readCommitted(config.windowsTopic()).stream().map(r -> {
            try {
                return JSON.readTree(r.value());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private static List<String> describe(List<JsonNode> windows) {
        return windows.stream().map(w -> "[" + w.get("window_start").asLong() + "," + w.get("window_end").asLong() + ") "
                + w.get("event_count").asLong()).toList();
    }
}
