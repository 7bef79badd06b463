package com.example.upgrades.userevents.bench;

import com.example.upgrades.harness.project.ProjectLayout;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.userevents.PipelineTopics;
import com.example.upgrades.harness.run.Report;
import com.example.upgrades.harness.run.Scenario;
import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.run.Scenario.Strategy;
import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.harness.run.Timeline;
import com.example.upgrades.harness.run.UpgradeRunner;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.traffic.TrafficGenerator;
import com.example.upgrades.kafka.NewTopics;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code harness bench}: what the pipeline and its upgrades cost, measured side by side in one run
 * on the same broker and the same machine.
 *
 * <ol>
 *   <li>Throughput: N events are written first (the generator's own rate is measured too); then job
 *       v1, deployed from its jar at parallelism 4 with its defaults (exactly-once, checkpoints every
 *       2 s), reads all of them; then the {@link RawPipe} does the same work (the same per-user
 *       state, both outputs: a user-stats record per event and the window counts) with the Kafka
 *       clients alone, at the same parallelism, committing as often. Each rate is N divided by the
 *       time from the start of processing until the N-th user-stats record was visible to a
 *       read_committed consumer.
 *   <li>Upgrade cost against state size: the v2 -> v3 hop (parallelism 4 -> 10) on a fresh
 *       environment per point, for each number of users and each state backend and savepoint
 *       format, with the figures of the upgrade report (verified like every run); and by each
 *       strategy: stop-and-restore, a gated blue/green cutover and an ungated one (its duplicates
 *       counted), on the same traffic.
 * </ol>
 */
public final class Bench {

    /** Where and how much. */
    public record Settings(
            long throughputEvents,
            List<Point> points,
            int hopRate,
            int hopSeconds,
            Path projectRoot,
            Path workDir,
            Path reportDir) {

        /**
         * The quick sweep, run on its own schedule (-Pbench): about four minutes on 2 cores. The hop
         * at 10,000 users on the heap is taken both ways, a jar run and a prepared hop, side by side.
         */
        public static Settings quick(Path projectRoot, Path workDir, Path reportDir) {
            Config heap = Config.of("hashmap", SavepointFormatType.CANONICAL);
            return new Settings(100_000, List.of(new Point(2_000, heap), new Point(2_000, heap.by(Strategy.BLUE_GREEN)),
                    new Point(2_000, heap.by(Strategy.BLUE_GREEN_UNGATED)), new Point(10_000, heap),
                    new Point(10_000, heap.prepared()), new Point(20_000, heap), new Point(20_000, heap.by(Strategy.BLUE_GREEN)),
                    new Point(20_000, heap.by(Strategy.BLUE_GREEN_UNGATED)),
                    new Point(20_000, Config.of("rocksdb", SavepointFormatType.NATIVE))), 4_000, 20,
                    projectRoot, workDir, reportDir);
        }

        /**
         * The smallest run of every part, for the test suite: that the command works end to end (its
         * figures mean little at this size; the quick sweep runs on its own schedule).
         */
        public static Settings smoke(Path projectRoot, Path workDir, Path reportDir) {
            Config heap = Config.of("hashmap", SavepointFormatType.CANONICAL);
            return new Settings(10_000, List.of(new Point(500, heap), new Point(500, heap.prepared()),
                    new Point(500, heap.by(Strategy.BLUE_GREEN))), 4_000, 4, projectRoot, workDir, reportDir);
        }

        /** The full sweep, documented in the README with its measured figures. */
        public static Settings full(Path projectRoot, Path workDir, Path reportDir) {
            Config heap = Config.of("hashmap", SavepointFormatType.CANONICAL);
            return new Settings(1_000_000, Point.every(List.of(10_000, 100_000, 1_000_000),
                    List.of(heap, heap.prepared(), heap.by(Strategy.BLUE_GREEN), heap.by(Strategy.BLUE_GREEN_UNGATED),
                            Config.of("rocksdb", SavepointFormatType.CANONICAL),
                            Config.of("rocksdb", SavepointFormatType.NATIVE))),
                    5_000, 20, projectRoot, workDir, reportDir);
        }

        /** The same settings with every point at these numbers of users (each configuration once per number). */
        public Settings withUsers(List<Integer> users) {
            List<Config> configs = points.stream().map(Point::config).distinct().toList();
            return new Settings(throughputEvents, Point.every(users, configs), hopRate, hopSeconds, projectRoot, workDir, reportDir);
        }
    }

    /** One point of the state-size curve: this many users, this backend and savepoint format. */
    public record Point(int users, Config config) {
        static List<Point> every(List<Integer> users, List<Config> configs) {
            List<Point> points = new ArrayList<>();
            users.forEach(u -> configs.forEach(c -> points.add(new Point(u, c))));
            return points;
        }
    }

    /** How the next version is started: its jar run (main() on the JobManager), or a prepared hop. */
    public enum HopPath {
        /** POST /jars/:id/run after the savepoint, as `flink run -s` does; the first commit at the next periodic checkpoint. */
        JAR_RUN,
        /** The job graph built before the stop, submitted after it; a checkpoint triggered as soon as every task runs. */
        PREPARED
    }

    /**
     * A state backend (job option --state-backend), the format of the upgrade savepoint, the hop's
     * path, and its strategy (a blue/green hop starts green from a savepoint that stops nothing; its
     * path is the jar run).
     */
    public record Config(String backend, SavepointFormatType format, HopPath path, Strategy strategy) {
        public Config {
            if (path == HopPath.PREPARED && strategy != Strategy.STOP_AND_RESTORE) {
                throw new IllegalArgumentException("A prepared hop is a stop-and-restore; " + strategy.label() + " is not.");
            }
        }

        static Config of(String backend, SavepointFormatType format) {
            return new Config(backend, format, HopPath.JAR_RUN, Strategy.STOP_AND_RESTORE);
        }

        Config prepared() {
            return new Config(backend, format, HopPath.PREPARED, strategy);
        }

        Config by(Strategy how) {
            return new Config(backend, format, path, how);
        }

        @Override
        public String toString() {
            return backend + "/" + format.name().toLowerCase(Locale.ROOT) + (path == HopPath.PREPARED ? "/prepared" : "")
                    + (strategy == Strategy.STOP_AND_RESTORE ? "" : "/" + strategy.label());
        }
    }

    /**
     * @param generatorEventsPerSecond the traffic generator writing N events unthrottled (acknowledged)
     * @param ratio job / raw pipe, both doing the same work
     */
    public record Throughput(long events, double generatorEventsPerSecond, long jobMs, double jobEventsPerSecond,
            long rawPipeMs, double rawPipeEventsPerSecond, double ratio) {}

    /**
     * One point of the state-size curve: the v2 -> v3 hop's figures (see {@link Report.Hop}).
     *
     * @param events good events of the run; the hop comes after a quarter of them, so about
     *     1 - e^(-events / (4 users)) of the users have state in the savepoint
     * @param gapOverStopRestoreCheckpoint output gap / (stop + restore + one checkpoint interval)
     * @param strategy stop-and-restore, blue-green or blue-green-ungated
     * @param longestQuietMs the longest interval without new visible output during the hop (a
     *     blue/green hop's wait for a consumer; for a stop-and-restore, its gap)
     * @param quietOverCheckpointInterval that interval / the jobs' checkpoint interval
     * @param longestQuietBeforeMs the same over the 10 s before the hop: the wait between two commits
     *     with no hop at all, on the same machine in the same run
     * @param duplicates output records the verifier found twice (an ungated overlap's cost)
     * @param lost output records the verifier found missing
     */
    public record HopCost(int users, long events, String backend, String format, String path, String verdict, long savepointBytes,
            long stopMs, long restoreMs, Report.RestoreParts restoreParts, long outputGapMs, long catchUpMs,
            double gapOverStopRestoreCheckpoint, Timeline.Percentiles latencyBefore, Timeline.Percentiles latencyDuring,
            String strategy, long longestQuietMs, double quietOverCheckpointInterval, long duplicates, long lost,
            long longestQuietBeforeMs) {

        /**
         * Whether the hop did what its strategy promises: PASS; or, ungated, a FAIL for its
         * duplicates alone (at least once: nothing lost, the overlap twice), which is what it shows.
         */
        public boolean asExpected() {
            return Strategy.BLUE_GREEN_UNGATED.label().equals(strategy)
                    ? "FAIL".equals(verdict) && duplicates > 0 && lost == 0
                    : "PASS".equals(verdict);
        }
    }

    public record Result(String machine, Throughput throughput, List<HopCost> hops, long wallMs) {}

    private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(20);
    private static final String RAW_OUTPUT = "bench-raw-output";
    private static final String RAW_WINDOWS = "bench-raw-windows";

    private final Settings settings;
    private final PrintStream out;

    public Bench(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public Result run() throws IOException, InterruptedException {
        long started = System.currentTimeMillis();
        Throughput throughput = throughput();
        List<HopCost> hops = new ArrayList<>();
        for (Point p : settings.points()) {
            hops.add(hopCost(p.users(), p.config()));
        }
        Result result = new Result(machine(), throughput, hops, System.currentTimeMillis() - started);
        BenchReport.write(result, settings.reportDir());
        return result;
    }

    private Throughput throughput() throws InterruptedException {
        long n = settings.throughputEvents();
        out.println("[bench] throughput: " + n + " events through job v1 and through the raw Kafka pipe");
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(settings.workDir().resolve("throughput"), 4, out);
                FlinkJobs flink = new FlinkJobs(env.flinkRestEndpoint())) {
            String bootstrap = env.kafkaBootstrapServers();
            PipelineTopics.create(env.kafka());
            createTopic(bootstrap, RAW_OUTPUT, PipelineTopics.OUTPUT_PARTITIONS);
            createTopic(bootstrap, RAW_WINDOWS, PipelineTopics.OUTPUT_PARTITIONS);

            TrafficGenerator.Settings traffic = UserEventsPipeline.settings(new TrafficPlan(42L, 10_000, n, 0, 0.0));
            long t0 = System.currentTimeMillis();
            try (TrafficGenerator generator = new TrafficGenerator(env.kafka(), PipelineTopics.INPUT, new EventSchemas(), traffic, "v1")) {
                generator.start().awaitFinished(PROCESS_TIMEOUT.toMillis());
            }
            double generatorRate = perSecond(n, System.currentTimeMillis() - t0);
            out.printf(Locale.ROOT, "[bench] generator: %d events in %d ms (%.0f/s)%n", n, System.currentTimeMillis() - t0, generatorRate);

            // Job v1, deployed as a user deploys it: its jar through the REST API, its own defaults.
            String jarId = flink.uploadJar(ProjectLayout.jar(settings.projectRoot(), "v1"));
            JobID job = flink.run(new FlinkJobs.Submission(jarId, 4, null, false,
                    List.of("--bootstrap-servers", env.kafkaBootstrapServersForJobs())));
            await("job v1 running").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> flink.allTasksRunning(job));
            long jobStart = System.currentTimeMillis();
            long jobMs = untilCommitted(bootstrap, PipelineTopics.STATS, n, () -> {}) - jobStart;
            flink.cancel(job);
            out.printf(Locale.ROOT, "[bench] job v1: %d events in %d ms (%.0f/s)%n", n, jobMs, perSecond(n, jobMs));

            long rawStart = System.currentTimeMillis();
            long rawMs;
            // The same work by hand: per-user stats and windows of the job's defaults (10 s windows,
            // 2 s out-of-orderness), committed every 2 s like the job's checkpoints.
            try (RawPipe raw = new RawPipe(bootstrap, PipelineTopics.INPUT, PipelineTopics.INPUT_PARTITIONS, RAW_OUTPUT,
                    RAW_WINDOWS, 4, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(2), "bench-raw-pipe").start()) {
                rawMs = untilCommitted(bootstrap, RAW_OUTPUT, n, raw::rethrowFailure) - rawStart;
            }
            out.printf(Locale.ROOT, "[bench] raw pipe: %d events in %d ms (%.0f/s)%n", n, rawMs, perSecond(n, rawMs));
            return new Throughput(n, generatorRate, jobMs, perSecond(n, jobMs), rawMs, perSecond(n, rawMs),
                    (double) rawMs / jobMs);
        }
    }

    private HopCost hopCost(int users, Config config) {
        // At least 20 s of traffic (the hop after 5 s of steady output, 10 s after the restore to
        // catch up in), and four events per user (the hop comes after a quarter of them).
        long events = Math.max((long) settings.hopSeconds() * settings.hopRate(), 4L * users);
        String name = "hop-" + users + "-users-" + config.backend() + "-" + config.format().name().toLowerCase(Locale.ROOT)
                + (config.path() == HopPath.PREPARED ? "-prepared" : "")
                + (config.strategy() == Strategy.STOP_AND_RESTORE ? "" : "-" + config.strategy().label());
        out.println("[bench] " + name + ": v2@4 -> v3@10, " + users + " users, " + events + " events at "
                + settings.hopRate() + "/s, state backend " + config.backend() + ", " + config.format() + " savepoint, "
                + (config.path() == HopPath.PREPARED ? "prepared hop" : "jar run") + ", " + config.strategy().label());
        Path root = settings.projectRoot();
        String[] backend = {"--state-backend", config.backend()};
        Scenario scenario = Scenario.builder(name, UserEventsPipeline.INSTANCE)
                .deploy(Deployment.of("v2", ProjectLayout.jar(root, "v2"), 4).withJobArgs(backend))
                .then(Deployment.of("v3", ProjectLayout.jar(root, "v3"), 10).writing("v2").withJobArgs(backend)
                        .by(config.strategy()))
                .traffic(new TrafficPlan(42L, users, events, settings.hopRate(), 0.01))
                .windowSize(Scenarios.WINDOW_SIZE)
                .savepointFormat(config.format())
                .build();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(settings.workDir().resolve(name), scenario.slotsNeeded(), quiet)) {
            UpgradeRunner.Result r = new UpgradeRunner(env, quiet).withRollback(false).withPreflight(false)
                    .withPreparedHops(config.path() == HopPath.PREPARED)
                    .run(scenario, settings.reportDir().resolve(name));
            Report.Hop h = r.report().hops().get(0);
            double ratio = (double) h.outputGapMs() / (h.stopMs() + h.restoreMs() + UpgradeRunner.CHECKPOINT_INTERVAL.toMillis());
            long duplicates = r.verdict().count("DUPLICATE");
            out.printf(Locale.ROOT, "[bench]   %s: savepoint %d bytes, stop %d ms, restore %d ms, gap %d ms, longest wait %d ms (%d ms before the hop), "
                    + "%d duplicates, catch-up %s%n", r.report().verdict(), h.savepointBytes(), h.stopMs(), h.restoreMs(),
                    h.outputGapMs(), h.longestQuietMs(), h.longestQuietBeforeMs(), duplicates,
                    h.catchUpMs() < 0 ? "not reached before the traffic ended" : h.catchUpMs() + " ms");
            return new HopCost(users, events, config.backend(), config.format().name(), config.path().name(), r.report().verdict(),
                    h.savepointBytes(), h.stopMs(), h.restoreMs(), h.restoreParts(), h.outputGapMs(), h.catchUpMs(), ratio,
                    h.latency().before(), h.latency().during(), config.strategy().label(), h.longestQuietMs(),
                    (double) h.longestQuietMs() / UpgradeRunner.CHECKPOINT_INTERVAL.toMillis(), duplicates,
                    r.verdict().count("LOST"), h.longestQuietBeforeMs());
        }
    }

    /** When the {@code count}-th record of the topic became visible to a read_committed consumer. */
    private static long untilCommitted(String bootstrap, String topic, long count, Runnable check) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long seen = 0;
            long deadline = System.currentTimeMillis() + PROCESS_TIMEOUT.toMillis();
            while (seen < count) {
                seen += consumer.poll(Duration.ofMillis(100)).count();
                check.run();
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Only " + seen + " of " + count + " records committed on " + topic
                            + " after " + PROCESS_TIMEOUT.toMinutes() + " min");
                }
            }
            return System.currentTimeMillis();
        }
    }

    private static void createTopic(String bootstrap, String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            NewTopics.create(admin, List.of(new NewTopic(topic, partitions, (short) 1)));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create " + topic + ": " + e.getMessage(), e);
        }
    }

    private static double perSecond(long n, long ms) {
        return ms <= 0 ? 0 : n * 1000.0 / ms;
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB max heap, " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version");
    }
}
