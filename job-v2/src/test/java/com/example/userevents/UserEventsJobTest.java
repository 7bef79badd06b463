package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.example.userevents.avro.UserStats;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the job declares: uids, max parallelism, no Kryo, configuration, output format. */
class UserEventsJobTest {

    private static StreamGraph jobGraph() {
        JobConfig config = JobConfig.defaults();
        StreamExecutionEnvironment env = UserEventsJob.createEnvironment(config);
        UserEventsJob.build(env, config, UserEventsJob.kafkaSource(config), UserEventsJob.kafkaSinks(config));
        return env.getStreamGraph();
    }

    @Test
    void everyOperatorHasItsReadableUid() {
        List<StreamNode> nodes = List.copyOf(jobGraph().getStreamNodes());
        Set<String> uids = nodes.stream()
                .map(StreamNode::getTransformationUID)
                .collect(Collectors.toCollection(TreeSet::new));
        // The Kafka sinks add a committer per sink, with a uid derived from the sink's.
        assertTrue(uids.containsAll(Set.of(
                UserEventsJob.SOURCE_UID, UserEventsJob.ROUTE_UID, UserEventsJob.TO_STATS_UID,
                UserEventsJob.STATS_REDUCE_UID, UserEventsJob.STATS_SINK_UID, UserEventsJob.WINDOW_COUNT_UID,
                UserEventsJob.WINDOWS_SINK_UID, UserEventsJob.DLQ_SINK_UID, UserEventsJob.LATE_EVENTS_UID)), "uids: " + uids);
        for (StreamNode node : nodes) {
            assertTrue(node.getTransformationUID() != null, "no uid on " + node.getOperatorName());
        }
    }

    @Test
    void fixesMaxParallelismAndRefusesKryo() {
        StreamExecutionEnvironment env = UserEventsJob.createEnvironment(JobConfig.defaults());
        assertEquals(128, env.getMaxParallelism());
        assertTrue(env.getConfig().getSerializerConfig().hasGenericTypesDisabled());
        assertTrue(env.getCheckpointConfig().isCheckpointingEnabled());
    }

    @Test
    void parsesArgumentsAndRoundTripsThem() {
        JobConfig config = JobConfig.fromArgs(new String[] {"--window-size", "1 min", "--stats-topic", "stats-x"});
        assertEquals(Duration.ofMinutes(1), config.windowSize());
        assertEquals("stats-x", config.statsTopic());
        assertEquals("user-events", config.inputTopic());
        assertEquals(config, JobConfig.fromArgs(config.toArgs()));
    }

    @Test
    void theStateBackendIsAJobOptionCheckedBeforeAnythingStarts() {
        assertEquals("hashmap", UserEventsJob.createEnvironment(JobConfig.defaults()).getConfiguration()
                .get(StateBackendOptions.STATE_BACKEND));
        assertEquals("rocksdb", UserEventsJob.createEnvironment(JobConfig.fromArgs(new String[] {"--state-backend", "rocksdb"}))
                .getConfiguration().get(StateBackendOptions.STATE_BACKEND));
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--state-backend", "heap"}));
        assertTrue(unknown.getMessage().contains("[hashmap, rocksdb]"), unknown.getMessage());
    }

    @Test
    void wrongArgumentsSayWhatToDo() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> JobConfig.fromArgs(new String[] {"--windw-size", "1 s"}));
        assertTrue(unknown.getMessage().contains("[windw-size]") && unknown.getMessage().contains("--window-size"),
                unknown.getMessage());
        var notADuration = assertThrows(IllegalArgumentException.class, () -> JobConfig.fromArgs(new String[] {"--window-size", "ten"}));
        assertTrue(notADuration.getMessage().contains("'10 s'"), notADuration.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JobConfig.fromArgs(new String[] {"--checkpoint-interval", "0 s"}));
    }

    /**
     * A dead letter larger than the producer's max.request.size (1 MiB) would fail the sink at every
     * restart: the bound keeps the largest dead letter, with its headers, below it.
     */
    @Test
    void theDeadLetterSizeHasAnUpperBoundBelowTheProducersLimit() {
        assertEquals(JobConfig.MAX_DLQ_BYTES, JobConfig.defaults().deadLetterMaxBytes());
        assertTrue(JobConfig.MAX_DLQ_BYTES + TopicsCheck.HEADROOM_BYTES < 1_048_576,
                "the largest dead letter and its headers fit in the producer's default max.request.size");
        assertEquals(1_000, JobConfig.fromArgs(new String[] {"--dlq-max-bytes", "1000"}).deadLetterMaxBytes());
        for (String tooLarge : new String[] {String.valueOf(JobConfig.MAX_DLQ_BYTES + 1), "2147483647", "0", "-1"}) {
            var refused = assertThrows(IllegalArgumentException.class,
                    () -> JobConfig.fromArgs(new String[] {"--dlq-max-bytes", tooLarge}), tooLarge);
            assertTrue(refused.getMessage().contains("--dlq-max-bytes must be a whole number from 1 to " + JobConfig.MAX_DLQ_BYTES)
                    && refused.getMessage().contains("The job was not started"), refused.getMessage());
        }
    }

    @Test
    void kafkaClientSettingsComeFromAFileWhoseValuesAreNeverPrinted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"job\" password=\"s3cret-in-file\";\n");
        JobConfig config = JobConfig.fromArgs(new String[] {"--kafka-properties", file.toString()});
        Properties props = config.kafkaClientProperties();
        assertEquals("SASL_PLAINTEXT", props.getProperty("security.protocol"));
        assertTrue(props.getProperty("sasl.jaas.config").contains("s3cret-in-file"));
        assertEquals(config, JobConfig.fromArgs(config.toArgs()));
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertEquals(new Properties(), JobConfig.defaults().kafkaClientProperties(), "no file, no settings");

        var missing = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--kafka-properties", dir.resolve("absent").toString()}));
        assertTrue(missing.getMessage().contains("not a readable file") && missing.getMessage().contains("not started"),
                missing.getMessage());
    }

    @Test
    void userStatsJsonHasTheContractFields() throws Exception {
        UserStats stats = RunningUserStats.ofEvent(TestEvents.event(5, "alice", "click", 1));
        Map<?, ?> json = new ObjectMapper().readValue(OutputRecords.userStatsJson(stats, UserEventsJob.JOB_VERSION), Map.class);
        assertEquals(Map.of("user_id", "alice", "event_count", 1, "last_event_id", 5,
                "action_counts", Map.of("click", 1), "device_counts", Map.of("unknown", 1),
                "job_version", UserEventsJob.JOB_VERSION), json);
    }

    @Test
    void windowJsonHasTheContractFields() throws Exception {
        Map<?, ?> json = new ObjectMapper().readValue(
                OutputRecords.windowCountJson(new WindowCount("bob", 0, 10_000, 3), UserEventsJob.JOB_VERSION), Map.class);
        assertEquals(Map.of("user_id", "bob", "window_start", 0, "window_end", 10_000, "event_count", 3,
                "job_version", UserEventsJob.JOB_VERSION), json);
    }
}
