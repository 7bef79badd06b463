package com.example.upgrades.harness.run;

import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.PipelineTopics;
import com.example.upgrades.userevents.UserEventsPipeline;
import com.example.upgrades.harness.project.ProjectLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.cli.HarnessCli;
import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.inspect.UpgradeCheck;
import com.example.upgrades.harness.inspect.UpgradeCheck.Finding;
import com.example.upgrades.harness.inspect.UpgradeCheck.Kind;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.verify.TopicReader;
import com.example.upgrades.userevents.variants.BrokenVariant;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness check} against real savepoints: the good hops are compatible, and every rule
 * scenario that metadata can show is caught before deploy (1, 2, 3, 5); the changed keyBy (4) is
 * not, and cannot be.
 *
 * <p>The savepoints are taken once, from real jobs on an embedded environment: v1 at 4, v2 at 4
 * restored from it, and v2 without uids at 4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpgradeCheckIT {

    @TempDir
    static Path work;

    private Path root;
    private Path fromV1;
    private Path fromV2;
    private Path fromV2WithoutUids;

    @BeforeAll
    void takeSavepoints() throws Exception {
        root = ProjectLayout.findProjectRoot();
        Path v2WithoutUids = BrokenVariant.V2_WITHOUT_UIDS.build(root, work.resolve("variants/v2-without-uids"));
        EventSchemas schemas = new EventSchemas();
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 4, System.out);
                FlinkJobs flink = new FlinkJobs(env.flinkRestEndpoint())) {
            PipelineTopics.create(env.kafka());
            TopicReader reader = new TopicReader(env.kafka(), schemas);
            List<String> args = UserEventsPipeline.INSTANCE.jobArguments(env.kafkaBootstrapServersForJobs(), null, Scenarios.WINDOW_SIZE, UpgradeRunner.CHECKPOINT_INTERVAL);

            FewEvents.produce(env, schemas, "v1", 1, 12, null);
            JobID v1 = flink.run(new FlinkJobs.Submission(flink.uploadJar(ProjectLayout.jar(root, "v1")), 4, null, false, args));
            FewEvents.awaitStats(reader, 12);
            String v1Savepoint = flink.stopWithSavepoint(v1, false, env.savepointDirectory());
            fromV1 = env.localPath(v1Savepoint).orElseThrow();

            FewEvents.produce(env, schemas, "v2", 13, 15, "mobile");
            JobID v2 = flink.run(new FlinkJobs.Submission(flink.uploadJar(ProjectLayout.jar(root, "v2")), 4, v1Savepoint, false, args));
            FewEvents.awaitStats(reader, 15);
            fromV2 = env.localPath(flink.stopWithSavepoint(v2, false, env.savepointDirectory())).orElseThrow();

            // Started fresh: it reads the 15 events again and writes their stats again.
            JobID withoutUids = flink.run(new FlinkJobs.Submission(flink.uploadJar(v2WithoutUids), 4, null, false, args));
            FewEvents.awaitStats(reader, 30);
            fromV2WithoutUids = env.localPath(flink.stopWithSavepoint(withoutUids, false, env.savepointDirectory()))
                    .orElseThrow();
        }
    }

    private UpgradeCheck.Result check(Path jar, Path savepoint, Integer parallelism) {
        UpgradeCheck.Result result = UpgradeCheck.check(jar, savepoint, parallelism, List.of());
        System.out.println(UpgradeCheck.describe(result));
        return result;
    }

    private final Map<BrokenVariant, Path> variants = new EnumMap<>(BrokenVariant.class);

    private Path variant(BrokenVariant variant) throws Exception {
        if (!variants.containsKey(variant)) {
            variants.put(variant, variant.build(root, work.resolve("variants").resolve(variant.name())));
        }
        return variants.get(variant);
    }

    private static List<Finding> findings(UpgradeCheck.Result result, Kind kind) {
        return result.findings().stream().filter(f -> f.kind() == kind).toList();
    }

    @Test
    void theGoodHopsAreCompatibleAndSayWhatHappensToTheirState() {
        UpgradeCheck.Result v1ToV2 = check(ProjectLayout.jar(root, "v2"), fromV1, 4);
        assertTrue(v1ToV2.compatible(), v1ToV2.findings().toString());
        assertEquals(List.of("user-stats-reduce"), findings(v1ToV2, Kind.STATE_MIGRATED).stream()
                        .map(Finding::operator).distinct().toList(),
                "v2's UserStats gains device_counts: migrated on restore");

        UpgradeCheck.Result v2ToV3 = check(ProjectLayout.jar(root, "v3"), fromV2, 10);
        assertTrue(v2ToV3.compatible(), v2ToV3.findings().toString());
        assertEquals(10, v2ToV3.parallelism());
        assertEquals(List.of("sanitize-user-stats"), findings(v2ToV3, Kind.OPERATOR_WITHOUT_STATE).stream()
                .map(Finding::operator).toList(), "the appended sanitizer is new");
        assertTrue(findings(v2ToV3, Kind.STATE_MIGRATED).isEmpty(), "v3 keeps v2's state types");
    }

    @Test
    void aDowngradeThatWouldDropStateFieldsIsAFinding() {
        // v1's UserStats has no device_counts: Flink would restore v2's state into it and drop them.
        UpgradeCheck.Result downgrade = check(ProjectLayout.jar(root, "v1"), fromV2, 4);
        assertFalse(downgrade.compatible(), downgrade.findings().toString());
        List<Finding> dropped = findings(downgrade, Kind.STATE_FIELDS_DROPPED);
        assertEquals(List.of("user-stats-reduce"), dropped.stream().map(Finding::operator).distinct().toList());
        assertTrue(dropped.get(0).detail().contains("[device_counts]"), dropped.get(0).detail());
    }

    @Test
    void rule1AChangedUidLeavesStateWithoutAnOperator() throws Exception {
        UpgradeCheck.Result result = check(variant(BrokenVariant.UID_CHANGED), fromV1, null);

        assertFalse(result.compatible());
        assertEquals(List.of("user-stats-reduce"), findings(result, Kind.STATE_WITHOUT_OPERATOR)
                .stream().map(Finding::operator).toList());
        assertTrue(findings(result, Kind.OPERATOR_WITHOUT_STATE).stream()
                .anyMatch(f -> f.operator().equals("user-stats-aggregate")), result.findings().toString());
        // One orphaned keyed state, one new keyed operator without state, the same key type: the way out.
        String detail = findings(result, Kind.STATE_WITHOUT_OPERATOR).get(0).detail();
        assertTrue(detail.contains("The new job's keyed operator user-stats-aggregate has no state and the same key type: "
                + "if it is this one renamed, give it back uid user-stats-reduce, or restore from a repaired copy of the "
                + "savepoint (a plan's savepoint_repair: {change_uid: {from: user-stats-reduce, to: user-stats-aggregate}}"),
                detail);
    }

    @Test
    void rule2AppendingAMapChangesGeneratedIds() throws Exception {
        UpgradeCheck.Result sameGraph = check(variant(BrokenVariant.V2_WITHOUT_UIDS), fromV2WithoutUids, null);
        assertTrue(sameGraph.compatible(), "generated ids of an unchanged graph are stable: " + sameGraph.findings());

        UpgradeCheck.Result appended = check(variant(BrokenVariant.V3_WITHOUT_UIDS), fromV2WithoutUids, null);
        assertFalse(appended.compatible());
        // The sanitizer is chained after the reduce: the generated ids of the reduce and of every
        // operator after it on that path change, and their state is orphaned: the counts themselves,
        // the cutover gate's, and the user-stats sink's writer and committer (pending transactions).
        List<Finding> orphaned = findings(appended, Kind.STATE_WITHOUT_OPERATOR);
        assertTrue(!orphaned.isEmpty() && orphaned.stream().allMatch(f -> f.operator().startsWith("(no uid)")),
                orphaned.toString());
        for (String operator : List.of("[user-stats-reduce]", "[user-stats-cutover]", "[user-stats-sink: Writer]",
                "[user-stats-sink: Committer]")) {
            assertTrue(orphaned.stream().anyMatch(f -> f.operator().endsWith(operator)), operator + " in " + orphaned);
        }
        assertTrue(orphaned.stream().anyMatch(f -> f.detail().contains("keyed state _op_state (VALUE)")), orphaned.toString());
        // The operators before the sanitizer (the source, the window count) keep their ids and their state.
        assertTrue(orphaned.stream().noneMatch(f -> f.operator().contains("user-windows-count")
                || f.operator().contains("user-events-source")), orphaned.toString());
    }

    @Test
    void rule3AStateTypeChangeIsIncompatible() throws Exception {
        UpgradeCheck.Result result = check(variant(BrokenVariant.STATE_TYPE_CHANGED), fromV1, null);

        assertFalse(result.compatible());
        List<Finding> incompatible = findings(result, Kind.STATE_SERIALIZER_INCOMPATIBLE);
        assertEquals(List.of("user-stats-reduce"), incompatible.stream().map(Finding::operator).distinct().toList());
        assertTrue(incompatible.get(0).detail().contains("_op_state (VALUE)")
                && incompatible.get(0).detail().contains("UserStats"), incompatible.toString());
    }

    @Test
    void rule5MaxParallelismChangedOrExceeded() throws Exception {
        UpgradeCheck.Result changed = check(variant(BrokenVariant.MAX_PARALLELISM_CHANGED), fromV1, null);
        assertFalse(changed.compatible());
        assertTrue(findings(changed, Kind.MAX_PARALLELISM_CHANGED).stream()
                .anyMatch(f -> f.operator().equals("user-stats-reduce") && f.detail().contains("128")
                        && f.detail().contains("64")), changed.findings().toString());

        UpgradeCheck.Result exceeded = check(ProjectLayout.jar(root, "v2"), fromV1, 200);
        assertFalse(exceeded.compatible());
        assertTrue(findings(exceeded, Kind.PARALLELISM_ABOVE_MAX).stream()
                .anyMatch(f -> f.operator().equals("user-windows-count")), exceeded.findings().toString());
    }

    @Test
    void rule4AChangedKeyOfTheSameTypeCannotBeSeenInMetadata() throws Exception {
        UpgradeCheck.Result result = check(variant(BrokenVariant.KEYBY_CHANGED), fromV1, null);

        assertTrue(result.compatible(), "same graph, same key type: the check cannot tell; the verifier can");
    }

    @Test
    void theCliPrintsJsonAndExitsWithTheVerdict() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int good = HarnessCli.execute(print, System.err, "check", ProjectLayout.jar(root, "v3").toString(),
                fromV2.toString(), "--parallelism", "10", "--json");
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(HarnessCli.PASS, good);
        assertTrue(json.get("compatible").asBoolean(), json.toString());
        assertEquals(10, json.get("parallelism").asInt());

        out.reset();
        int bad = HarnessCli.execute(print, System.err, "check", variant(BrokenVariant.UID_CHANGED).toString(),
                fromV1.toUri().toString());
        assertEquals(HarnessCli.FAIL, bad);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("INCOMPATIBLE STATE_WITHOUT_OPERATOR: "), out.toString());
    }
}
