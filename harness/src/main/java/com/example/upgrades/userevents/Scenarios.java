package com.example.upgrades.userevents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.example.upgrades.harness.env.Directories;
import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.repair.AvroMigration;
import com.example.upgrades.harness.repair.KeyChange;
import com.example.upgrades.harness.repair.SavepointRepair;
import com.example.upgrades.harness.run.Fault;
import com.example.upgrades.harness.run.Scenario;
import com.example.upgrades.userevents.variants.BrokenVariant;
import org.apache.flink.core.execution.SavepointFormatType;

/** The named scenarios the CLI and the tests run. */
public final class Scenarios {

    /** Window size of the jobs in every scenario; event time advances 10 ms per event by default. */
    public static final Duration WINDOW_SIZE = Duration.ofSeconds(10);

    /** Event time of the first event: fixed, so every run writes the same events. */
    public static final long START_EVENT_TIME = UserEventsPipeline.START_EVENT_TIME;

    /** The pipeline every scenario here runs. */
    private static final UserEventsPipeline PIPELINE = UserEventsPipeline.INSTANCE;

    /** The default traffic: a quick demo. Flags scale it up. */
    public static TrafficPlan defaultTraffic() {
        return com.example.upgrades.harness.cli.PipelineCatalog.DEFAULT_TRAFFIC;
    }

    private static final Map<String, Definition> SCENARIOS = new TreeMap<>();

    private static final String[] HEAP = {"--state-backend", "hashmap"};
    private static final String[] ROCKSDB = {"--state-backend", "rocksdb"};

    /** Builds the scenario from the project's folder, the traffic, and a folder for broken variants. */
    @FunctionalInterface
    private interface Builder {
        Scenario build(Path root, TrafficPlan traffic, Path variantsDir) throws IOException;
    }

    private record Definition(String description, Builder build) {}

    static {
        SCENARIOS.put("upgrade", new Definition(
                "the main scenario: v1 at parallelism 4 -> v2 at 4 (events gain device_type) -> v3 at 10 "
                        + "(sanitizer after the reduce, rescaled)",
                (root, traffic, variants) -> plan("upgrade", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4))
                        .then(Deployment.of("v3", ProjectLayout.jar(root, "v3"), 10).writing("v2"))
                        .build()));
        SCENARIOS.put("rescale-v1", new Definition(
                "v1 at parallelism 4 -> savepoint -> v1 at parallelism 2 (same jar, rescaled)",
                (root, traffic, variants) -> plan("rescale-v1", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 2))
                        .build()));
        SCENARIOS.put("drain-on-upgrade", new Definition(
                "v1 at parallelism 4 -> stop WITH drain -> v1 at parallelism 4 (open windows fire early; the "
                        + "verifier must say so)",
                (root, traffic, variants) -> plan("drain-on-upgrade", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .drainingOnUpgrade()
                        .build()));
        SCENARIOS.put("no-savepoint", new Definition(
                "v1 at parallelism 4 -> stop -> v1 at parallelism 4 started WITHOUT the savepoint (state is lost; "
                        + "the verifier must say so)",
                (root, traffic, variants) -> plan("no-savepoint", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .withoutSavepoint()
                        .build()));
    }

    // State backends and savepoint formats: where keyed state lives is a job option
    // (--state-backend); a canonical savepoint is readable by every backend, a native one only by
    // the backend that wrote it.
    static {
        SCENARIOS.put("state-backend-switch", new Definition(
                "v2 at 4 on the heap (hashmap) -> v3 at 10 on RocksDB -> v3 at 10 back on the heap, through canonical "
                        + "savepoints (everything carries over)",
                (root, traffic, variants) -> plan("state-backend-switch", traffic)
                        .deploy(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4).withJobArgs(HEAP))
                        .then(Deployment.of("v3", ProjectLayout.jar(root, "v3"), 10).writing("v2").withJobArgs(ROCKSDB))
                        .then(Deployment.of("v3", ProjectLayout.jar(root, "v3"), 10).writing("v2").withJobArgs(HEAP))
                        .build()));
        SCENARIOS.put("native-savepoint", new Definition(
                "v2 at 4 on RocksDB -> v3 at 10 on RocksDB through a NATIVE savepoint (RocksDB's own files; "
                        + "restores on the same backend only)",
                (root, traffic, variants) -> plan("native-savepoint", traffic)
                        .deploy(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4).withJobArgs(ROCKSDB))
                        .then(Deployment.of("v3", ProjectLayout.jar(root, "v3"), 10).writing("v2").withJobArgs(ROCKSDB))
                        .savepointFormat(SavepointFormatType.NATIVE)
                        .build()));
        SCENARIOS.put("native-savepoint-backend-switch", new Definition(
                "v2 at 4 on RocksDB -> v3 at 10 on the heap through a NATIVE savepoint (a native savepoint cannot "
                        + "change backends: refused, rolled back)",
                (root, traffic, variants) -> plan("native-savepoint-backend-switch", traffic)
                        .deploy(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4).withJobArgs(ROCKSDB))
                        .then(Deployment.of("v3", ProjectLayout.jar(root, "v3"), 10).writing("v2").withJobArgs(HEAP))
                        .savepointFormat(SavepointFormatType.NATIVE)
                        .expectingRollback()
                        .build()));
    }

    // Flink itself upgraded: the previous release's cluster runs in a JVM of its own (see
    // harness/flink-2.1), beside the environment's; the savepoint is taken on one and restored on
    // the other, the job's sources unchanged.
    static {
        SCENARIOS.put("flink-version-upgrade", new Definition(
                "Flink itself upgraded: v1 at 4 on a Flink " + ProjectLayout.PREVIOUS_FLINK + " cluster (its jar built against "
                        + ProjectLayout.PREVIOUS_FLINK + " and the connector for it) -> savepoint -> v1 at 4 on this Flink "
                        + "(its jar built against it); the job's sources unchanged",
                (root, traffic, variants) -> plan("flink-version-upgrade", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.otherFlinkJar(root, "v1", ProjectLayout.PREVIOUS_FLINK), 4).onFlink(ProjectLayout.PREVIOUS_FLINK))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .build()));
    }

    // Flink 1.x -> 2.x: the last 1.x release (harness/flink-1.20: Flink 1.20 and the Kafka connector
    // 3.x) to this one (2.x and the connector 5.x), the job's sources unchanged. Flink guarantees no
    // state compatibility across the major version; this scenario is the test that it holds here.
    static {
        SCENARIOS.put("flink-1-to-2", new Definition(
                "Flink 1.x to 2.x: v1 at 4 on a Flink " + ProjectLayout.FLINK_1 + " cluster (its jar built against "
                        + ProjectLayout.FLINK_1 + " and the Kafka connector 3.x) -> savepoint -> v1 at 4 on this Flink "
                        + "(its jar built against it and the connector 5.x); the job's sources unchanged",
                (root, traffic, variants) -> plan("flink-1-to-2", traffic)
                        .deploy(v1OnFlink1(root))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .build()));
        // The same, the 1.20 job gone right after its savepoint, before it committed the
        // transactions pre-committed in it: the connector 5.x commits the 3.x sink's transactions.
        SCENARIOS.put("flink-1-to-2-commit-on-restore", new Definition(
                "Flink 1.x to 2.x, v1 on Flink " + ProjectLayout.FLINK_1 + " gone right after its savepoint, before it "
                        + "committed what it pre-committed in it (cancel-with-savepoint): v1 on this Flink, its Kafka "
                        + "connector two major versions newer, commits those transactions on restore",
                (root, traffic, variants) -> plan("flink-1-to-2-commit-on-restore", traffic)
                        .deploy(v1OnFlink1(root))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .fault(Fault.COMMIT_AFTER_SAVEPOINT)
                        .build()));
    }

    // Flink 1.x to 2.x, what breaks: state that 1.20 serialized with Kryo 2 (a generic type), which
    // 2.x, on Kryo 5 and with the job's Avro state, does not restore. Refused, rolled back to 1.20.
    static {
        SCENARIOS.put("flink-1-to-2-kryo-state", new Definition(
                "Flink 1.x to 2.x with Kryo state: v1 on Flink " + ProjectLayout.FLINK_1 + " whose running aggregate is a "
                        + "generic type (Kryo) -> v1 on this Flink: the restore is refused and the run rolls back to 1.20",
                (root, traffic, variants) -> plan("flink-1-to-2-kryo-state", traffic)
                        .deploy(Deployment.of("v1", BrokenVariant.KRYO_STATE.buildFor(root, ProjectLayout.FLINK_1,
                                variants.resolve("v1-kryo-flink-1.20")), 4).onFlink(ProjectLayout.FLINK_1))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .expectingRollback()
                        .build()));
        // The way out: the Kryo state migrated while still on 1.20, by a State Processor API job of
        // 1.20 (KryoStateToAvro, in the 1.20 build of v1), into the Avro state v1 has; v1 on 1.20
        // restores the copy, and its savepoint goes to 2.x.
        SCENARIOS.put("flink-1-to-2-kryo-migrated", new Definition(
                "Flink 1.x to 2.x with Kryo state, migrated first: v1 on Flink " + ProjectLayout.FLINK_1 + " with Kryo state "
                        + "-> its state rewritten as Avro on 1.20 (State Processor API) -> v1 on 1.20 -> v1 on this Flink",
                (root, traffic, variants) -> plan("flink-1-to-2-kryo-migrated", traffic)
                        .deploy(Deployment.of("v1", BrokenVariant.KRYO_STATE.buildFor(root, ProjectLayout.FLINK_1,
                                variants.resolve("v1-kryo-flink-1.20")), 4).onFlink(ProjectLayout.FLINK_1))
                        .then(v1OnFlink1(root)
                                .withSavepointRepair(SavepointRepair.jobOnFlink(ProjectLayout.FLINK_1,
                                        "com.example.userevents.KryoStateToAvro",
                                        "the Kryo state of user-stats-reduce rewritten as the Avro state v1 restores")))
                        .then(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .build()));
    }

    // Faults inside the upgrade window: real ones (a TaskManager terminated), during v1 -> v2. Each
    // must end with a clean verdict.
    static {
        fault("tm-kill-before-stop", Fault.TM_KILL_BEFORE_STOP, "a TaskManager dies while v1 runs, shortly before the "
                + "stop: v1 restarts from its last checkpoint, then the upgrade proceeds");
        fault("tm-kill-during-savepoint", Fault.TM_KILL_DURING_SAVEPOINT, "a TaskManager dies while v1's stop-with-savepoint "
                + "is in progress: the stop fails, v1 restarts, the runner says so and stops it again");
        fault("restore-from-checkpoint", Fault.RESTORE_FROM_CHECKPOINT, "no savepoint can be taken (the savepoint "
                + "directory is unwritable, the stop is refused): v1 is cancelled and v2 restores from v1's latest "
                + "retained checkpoint (the Kubernetes operator's last-state upgrade mode)");
        fault("savepoint-storage-failure", Fault.SAVEPOINT_STORAGE_FAILURE, "the savepoint directory is unwritable when "
                + "v1's stop is asked: Flink refuses the savepoint, v1 keeps running, the storage comes back and the "
                + "runner stops it again");
        fault("broker-restart-during-hop", Fault.BROKER_RESTART_DURING_HOP, "the Kafka broker restarts while v1 stops "
                + "with its savepoint and v2 starts from it");
        fault("commit-after-savepoint", Fault.COMMIT_AFTER_SAVEPOINT, "v1 is gone right after its savepoint, before it "
                + "committed the transactions pre-committed in it (cancel-with-savepoint): v2 commits them on restore, and "
                + "only then do they become visible");
        fault("crash-after-healthy", Fault.CRASH_AFTER_HEALTHY, "v2 loses its TaskManager after its first committed output "
                + "(outside the rollback health window): it restarts from its own checkpoint, no rollback");
        SCENARIOS.put("restore-after-transaction-timeout", new Definition("v1 (its sinks' transactions time out after "
                + "5 s) is gone right after its savepoint, before it committed what the savepoint pre-committed, and v2 is "
                + "started only once the broker has aborted those transactions: the runner warns before the restore, the "
                + "records in them are LOST, and the verifier counts them (this scenario FAILs: it shows the loss).",
                (root, traffic, variants) -> plan("restore-after-transaction-timeout", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4).withJobArgs("--transaction-timeout", "5 s"))
                        .then(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4))
                        .fault(Fault.RESTORE_AFTER_TRANSACTION_TIMEOUT)
                        .build()));
        SCENARIOS.put("tm-kill-during-overlap", new Definition("v1 -> v2 by a gated blue/green cutover, and the TaskManager "
                + "that runs v2 (green) is terminated while both run, before the cutover: both fail over, then a clean "
                + "cutover (or, if green does not come back, a clean abort), never loss.",
                (root, traffic, variants) -> plan("tm-kill-during-overlap", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4).by(Scenario.Strategy.BLUE_GREEN))
                        .fault(Fault.TM_KILL_DURING_OVERLAP)
                        .build()));
    }

    /** v1 at 4 -> v2 at 4 with a real fault during the hop. */
    private static void fault(String name, Fault fault, String description) {
        SCENARIOS.put(name, new Definition(description + ".", (root, traffic, variants) -> plan(name, traffic)
                .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                .then(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4))
                .fault(fault)
                .build()));
    }

    // The rule scenarios: each hop goes to a deliberately broken variant of the next version, built
    // from that version's sources with one small edit (see BrokenVariant). With rollback (the
    // default) a refused variant is rolled back; --no-rollback shows Flink's refusal.
    static {
        rule("uid-changed", BrokenVariant.UID_CHANGED, Flink.REFUSES,
                "rule 1: v1 -> v2 whose reduce's uid was renamed (refused; with --allow-non-restored-state the "
                        + "counts restart and the verifier reports STATE_LOST)");
        SCENARIOS.put("uid-changed-repaired", new Definition(
                "rule 1 repaired: v1 -> v2 whose reduce's uid was renamed, restored from a copy of the savepoint in which "
                        + "the State Processor API gave the old uid's state to the new uid (every count carries over)",
                (root, traffic, variants) -> plan("uid-changed-repaired", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", BrokenVariant.UID_CHANGED.build(root, variants.resolve("v2")), 4)
                                .withSavepointRepair(SavepointRepair.changeUid("user-stats-reduce", "user-stats-aggregate")))
                        .build()));
        SCENARIOS.put("missing-uids", new Definition(
                "rule 2: v2 -> v3, both without explicit uids (the appended sanitizer shifts the generated ids of "
                        + "the reduce and of the operators after it: refused)",
                (root, traffic, variants) -> plan("missing-uids", traffic)
                        .deploy(Deployment.of("v2", BrokenVariant.V2_WITHOUT_UIDS.build(root, variants.resolve("v2")), 4))
                        .then(Deployment.of("v3", BrokenVariant.V3_WITHOUT_UIDS.build(root, variants.resolve("v3")), 4).writing("v2"))
                        .expectingRollback()
                        .build()));
        rule("state-type-changed", BrokenVariant.STATE_TYPE_CHANGED, Flink.REFUSES,
                "rule 3: v1 -> v2 whose state field event_count became a string (the state cannot be migrated: "
                        + "refused)");
        SCENARIOS.put("state-type-changed-repaired", new Definition(
                "rule 3 repaired: v1 -> v2 whose state field event_count became a string, restored from a copy of the "
                        + "savepoint in which the State Processor API rewrote every aggregate into the new schema (every "
                        + "count carries over)",
                (root, traffic, variants) -> plan("state-type-changed-repaired", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", BrokenVariant.STATE_TYPE_CHANGED.build(root, variants.resolve("v2")), 4)
                                .withSavepointRepair(SavepointRepair.migrateValueState("user-stats-reduce", "_op_state",
                                        AvroMigration.convertField("event_count"))))
                        .build()));
        rule("keyby-changed", BrokenVariant.KEYBY_CHANGED, Flink.RESTORES,
                "rule 4: v1 -> v2 whose window count is keyed by action instead of user_id (Flink restores it; "
                        + "the verifier must catch the wrong results)");
        rule("keyby-other-type", BrokenVariant.KEYBY_OTHER_TYPE, Flink.REFUSES,
                "rule 4: v1 -> v2 whose reduce is keyed by a Long instead of the user_id String (the saved keys cannot "
                        + "be read: refused)");
        rule("keyby-qualified", BrokenVariant.KEYBY_QUALIFIED, Flink.RESTORES,
                "rule 4: v1 -> v2 whose reduce is keyed by \"default/\" + user_id (Flink restores it; every user's "
                        + "count restarts at the new key, the verifier reports STATE_LOST)");
        SCENARIOS.put("keyby-qualified-repaired", new Definition(
                "rule 4 repaired: v1 -> v2 whose reduce is keyed by \"default/\" + user_id, restored from a copy of the "
                        + "savepoint in which the State Processor API moved every aggregate to its new key (every count "
                        + "carries over)",
                (root, traffic, variants) -> plan("keyby-qualified-repaired", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", BrokenVariant.KEYBY_QUALIFIED.build(root, variants.resolve("v2")), 4)
                                .withSavepointRepair(SavepointRepair.rekeyValueState("user-stats-reduce", "_op_state",
                                        KeyChange.of("key k becomes default/k", (key, value) -> "default/" + key))))
                        .build()));
        rule("max-parallelism-changed", BrokenVariant.MAX_PARALLELISM_CHANGED, Flink.REFUSES,
                "rule 5: v1 -> v2 with max parallelism 64 instead of 128 (refused)");
        rule("remove-operator", BrokenVariant.WINDOWS_REMOVED, Flink.REFUSES,
                "v1 -> v2 without the window count: its state in the savepoint has no operator (refused; with "
                        + "--allow-non-restored-state it is dropped on purpose, and user-windows stops at the hop)");
        SCENARIOS.put("add-stateful-operator", new Definition(
                "v1 -> v2 whose running aggregate is a new stateful operator (a KeyedProcessFunction, uid "
                        + "user-stats-process) in place of the reduce, restored with --allow-non-restored-state: the new "
                        + "operator starts empty, every user's count restarts (STATE_LOST)",
                (root, traffic, variants) -> plan("add-stateful-operator", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", BrokenVariant.STATS_AS_PROCESS_FUNCTION.build(root, variants.resolve("v2")), 4)
                                .allowingNonRestoredState())
                        .build()));
        SCENARIOS.put("add-stateful-operator-bootstrapped", new Definition(
                "the same new operator, bootstrapped: the State Processor API writes the reduce's aggregates into its "
                        + "state in a copy of the savepoint (every count carries over)",
                (root, traffic, variants) -> plan("add-stateful-operator-bootstrapped", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", BrokenVariant.STATS_AS_PROCESS_FUNCTION.build(root, variants.resolve("v2")), 4)
                                .withSavepointRepair(SavepointRepair.bootstrapValueState(
                                        "user-stats-reduce", "_op_state", "user-stats-process", "stats")))
                        .build()));
        SCENARIOS.put("parallelism-above-max", new Definition(
                "rule 5: v1 -> v2 at parallelism 200, above the max parallelism 128 (refused)",
                (root, traffic, variants) -> plan("parallelism-above-max", traffic)
                        .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                        .then(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 200))
                        .expectingRollback()
                        .build()));
    }

    /** What Flink does with a broken variant's restore. */
    private enum Flink {
        /** Refuses it: the plan expects the rollback, and passes once the run rolled back with nothing lost. */
        REFUSES,
        /** Restores it: the verifier must catch what the variant does wrong. */
        RESTORES
    }

    /** v1 at 4 -> the broken variant at 4. */
    private static void rule(String name, BrokenVariant variant, Flink flink, String description) {
        SCENARIOS.put(name, new Definition(description + ".", (root, traffic, variants) -> {
            Scenario.Builder plan = plan(name, traffic)
                    .deploy(Deployment.of("v1", ProjectLayout.jar(root, "v1"), 4))
                    .then(Deployment.of(variant.baseVersion(), variant.build(root, variants.resolve(name)), 4).writing("v2"));
            return (flink == Flink.REFUSES ? plan.expectingRollback() : plan).build();
        }));
    }

    /** v1 at 4 as built for Flink 1.20, on the 1.20 cluster. */
    private static Deployment v1OnFlink1(Path root) {
        return Deployment.of("v1", ProjectLayout.otherFlinkJar(root, "v1", ProjectLayout.FLINK_1), 4).onFlink(ProjectLayout.FLINK_1);
    }

    /** A plan of this pipeline, with the scenarios' window size. */
    private static Scenario.Builder plan(String name, TrafficPlan traffic) {
        return Scenario.builder(name, PIPELINE).traffic(traffic).windowSize(WINDOW_SIZE);
    }

    private Scenarios() {}

    /**
     * @param variantsDir where the rule scenarios build their broken variants; emptied first
     * @throws IllegalArgumentException for an unknown name
     * @throws IllegalStateException when a broken variant cannot be built (no JDK, no job jar)
     */
    public static Scenario named(String name, Path projectRoot, TrafficPlan traffic, Path variantsDir) {
        Definition d = SCENARIOS.get(name);
        if (d == null) {
            throw new IllegalArgumentException("Unknown scenario '" + name + "'. Known scenarios:\n" + describeAll());
        }
        try {
            Directories.empty(variantsDir);
            return d.build().build(projectRoot, traffic, variantsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not build the broken variant of scenario " + name + ": " + e, e);
        }
    }

    /** A scenario of product versions only (no broken variants to build). */
    public static Scenario named(String name, Path projectRoot, TrafficPlan traffic) {
        return named(name, projectRoot, traffic, ProjectLayout.outputDir(projectRoot).resolve("variants"));
    }

    public static String describeAll() {
        StringBuilder out = new StringBuilder();
        SCENARIOS.forEach((name, d) -> out.append(String.format("  %-24s %s%n", name, d.description())));
        return out.toString();
    }

    public static List<String> names() {
        return List.copyOf(SCENARIOS.keySet());
    }
}
