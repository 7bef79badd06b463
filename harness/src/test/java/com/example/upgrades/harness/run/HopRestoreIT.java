package com.example.upgrades.harness.run;

import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.UserEventsPipeline;
import com.example.upgrades.userevents.PipelineTopics;
import com.example.upgrades.harness.project.ProjectLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.inspect.SavepointInspector;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.verify.Records;
import com.example.upgrades.userevents.verify.TopicReader;
import com.example.upgrades.userevents.verify.Verifier;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hop with a handful of events whose right answer is obvious. Three users, all events in the
 * first 10-second window, so the window stays open across both hops and fires only at the final
 * drain:
 *
 * <pre>
 * events 1-12   v1-written, action click      -> v1 at 4: counts 1..4 per user, then savepoint
 * events 13-15  v2-written, device "mobile"   -> v2 at 4 from it: count 5, devices {mobile: 1}, then savepoint
 * events 16-18  v2-written, device " Tablet"  -> v3 at 10 from it: count 6, devices {mobile: 1, tablet: 1}
 * final drain                                 -> one window per user, 6 events, fired by v3
 * </pre>
 */
class HopRestoreIT {

    private static final Duration WINDOW = Scenarios.WINDOW_SIZE;

    @Test
    void eachVersionContinuesFromThePreviousOnesSavepoint(@TempDir Path work) throws Exception {
        Path root = ProjectLayout.findProjectRoot();
        EventSchemas schemas = new EventSchemas();
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 10, System.out);
                FlinkJobs flink = new FlinkJobs(env.flinkRestEndpoint())) {
            PipelineTopics.create(env.kafka());
            TopicReader reader = new TopicReader(env.kafka(), schemas);
            List<String> args = UserEventsPipeline.INSTANCE.jobArguments(env.kafkaBootstrapServersForJobs(), null, WINDOW, UpgradeRunner.CHECKPOINT_INTERVAL);

            FewEvents.produce(env, schemas, "v1", 1, 12, null);
            JobID v1 = flink.run(new FlinkJobs.Submission(flink.uploadJar(ProjectLayout.jar(root, "v1")), 4, null, false, args));
            FewEvents.awaitStats(reader, 12);
            String fromV1 = flink.stopWithSavepoint(v1, false, env.savepointDirectory());
            assertSavepointHoldsEveryKindOfState(env.localPath(fromV1).orElseThrow(), ProjectLayout.jar(root, "v1"));

            FewEvents.produce(env, schemas, "v2", 13, 15, "mobile");
            JobID v2 = flink.run(new FlinkJobs.Submission(flink.uploadJar(ProjectLayout.jar(root, "v2")), 4, fromV1, false, args));
            FewEvents.awaitStats(reader, 15);
            for (Records.Stats s : FewEvents.statsOfEvents(reader, 13, 15)) {
                assertEquals(5, s.eventCount(), "v2 continued v1's count: " + s);
                assertEquals(Map.of("click", 5L), s.actionCounts(), "v1's action counts came along: " + s);
                assertEquals(Map.of("mobile", 1L), s.deviceCounts(), "devices counted from v2 on: " + s);
                assertEquals("v2", s.jobVersion());
            }
            String fromV2 = flink.stopWithSavepoint(v2, false, env.savepointDirectory());

            FewEvents.produce(env, schemas, "v2", 16, 18, " Tablet");
            JobID v3 = flink.run(new FlinkJobs.Submission(flink.uploadJar(ProjectLayout.jar(root, "v3")), 10, fromV2, false, args));
            FewEvents.awaitStats(reader, 18);
            for (Records.Stats s : FewEvents.statsOfEvents(reader, 16, 18)) {
                assertEquals(6, s.eventCount(), "v3 at 10 continued v2's count: " + s);
                assertEquals(Map.of("mobile", 1L, "tablet", 1L), s.deviceCounts(), "sanitized by v3: " + s);
                assertEquals("v3", s.jobVersion());
            }
            flink.stopWithSavepoint(v3, true, env.savepointDirectory());

            Records.Topics topics = reader.readAll(PipelineTopics.INPUT, PipelineTopics.STATS, PipelineTopics.WINDOWS,
                    PipelineTopics.DLQ);
            assertEquals(Map.of("ann", 6L, "ben", 6L, "cat", 6L), topics.windows().stream()
                            .collect(Collectors.toMap(Records.Window::userId, Records.Window::eventCount)),
                    "the window opened under v1 fired once, under v3, with all 6 events: " + topics.windows());
            assertTrue(topics.windows().stream().allMatch(w -> w.jobVersion().equals("v3")), topics.windows().toString());
            var verdict = new Verifier(WINDOW.toMillis()).verify(topics);
            assertTrue(verdict.passed(), verdict.describe());
        }
    }

    /** What `harness inspect` shows of v1's savepoint: every uid the job declares, and each kind of state. */
    private static void assertSavepointHoldsEveryKindOfState(Path savepoint, Path jobJar) throws Exception {
        SavepointInspector.Summary summary;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jobJar.toUri().toURL()}, HopRestoreIT.class.getClassLoader())) {
            summary = SavepointInspector.inspect(savepoint, loader);
        }
        Map<String, SavepointInspector.Operator> byUid = summary.operators().stream()
                .filter(o -> o.uid() != null)
                .collect(Collectors.toMap(SavepointInspector.Operator::uid, o -> o));
        assertTrue(byUid.keySet().containsAll(List.of("user-events-source", "route-dead-letters", "to-user-stats",
                "user-stats-reduce", "user-windows-count", "user-stats-sink", "user-windows-sink", "user-events-dlq-sink")),
                SavepointInspector.describe(summary));
        summary.operators().forEach(o -> assertEquals(128, o.maxParallelism(), o.toString()));
        assertEquals(List.of("_op_state (VALUE)"), byUid.get("user-stats-reduce").keyedStates(), "the reduce's aggregates");
        assertEquals(128, byUid.get("user-stats-reduce").keyGroups());
        assertTrue(byUid.get("user-windows-count").keyedStates().containsAll(List.of(
                "window-contents (AGGREGATING)", "_timer_state/event_window-timers (TIMERS)")), "window state and timers");
        assertTrue(byUid.get("user-events-source").operatorStates().contains("SourceReaderState (SPLIT_DISTRIBUTE)")
                && byUid.get("user-events-source").coordinatorState(), "Kafka partitions and offsets");
        assertTrue(byUid.get("user-stats-sink").operatorStates().contains("writer_raw_states (SPLIT_DISTRIBUTE)"),
                "the sink's transactional writer state");
    }
}
