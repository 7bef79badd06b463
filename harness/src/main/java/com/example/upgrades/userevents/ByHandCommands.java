package com.example.upgrades.userevents;

import com.example.upgrades.harness.cli.HarnessCli;
import com.example.upgrades.harness.cli.KafkaSettingsOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.PipelineTopics;
import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.TopicVerification;
import com.example.upgrades.harness.run.UpgradeRunner;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.userevents.traffic.TrafficGenerator;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The harness's parts for an upgrade done by hand (with {@code flink}, the REST API or the
 * Kubernetes operator): create the topics, write the traffic, verify the topics afterwards.
 */
final class ByHandCommands {

    private ByHandCommands() {}

    @Command(name = "topics", mixinStandardHelpOptions = true,
            description = "Create the pipeline's four topics (user-events 12 partitions; user-stats, user-windows 4; "
                    + "user-events-dlq 1) on a cluster whose broker does not create topics by itself.")
    static final class Topics implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Say what to do: harness topics create "
                    + "--bootstrap-servers HOST:PORT");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create the four topics; refuse if any exists.")
    static final class TopicsCreate implements Callable<Integer> {

        private final PrintStream out;

        TopicsCreate(PrintStream out) {
            this.out = out;
        }

        @Option(names = "--bootstrap-servers", required = true, description = "Kafka, e.g. localhost:9092.")
        String bootstrapServers;

        @CommandLine.Mixin
        KafkaSettingsOptions kafkaSettings;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PipelineTopics.create(kafkaSettings.access(bootstrapServers, spec));
            out.println("Created " + PipelineTopics.INPUT + " (" + PipelineTopics.INPUT_PARTITIONS + " partitions), "
                    + PipelineTopics.STATS + ", " + PipelineTopics.WINDOWS + " (" + PipelineTopics.OUTPUT_PARTITIONS
                    + " each) and " + PipelineTopics.DLQ + " (1) on " + bootstrapServers + ".");
            return HarnessCli.PASS;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write the same seeded traffic as 'run' does (good events with ~1%% deliberately bad records of "
                    + "every kind), on its own, with progress every 2 s. Start it before the first job and let it run "
                    + "while you upgrade: the events wait in Kafka while no job runs."})
    static final class Generate implements Callable<Integer> {

        private final PrintStream out;

        Generate(PrintStream out) {
            this.out = out;
        }

        @Option(names = "--bootstrap-servers", required = true, description = "Kafka, e.g. localhost:9092.")
        String bootstrapServers;

        @CommandLine.Mixin
        KafkaSettingsOptions kafkaSettings;

        @Option(names = "--events", description = "Good events to write (default: ${DEFAULT-VALUE}).")
        long events = Scenarios.defaultTraffic().events();

        @Option(names = "--rate", description = "Events per second, 0 for unthrottled (default: ${DEFAULT-VALUE}).")
        int rate = 200;

        @Option(names = "--users", description = "Distinct users (default: ${DEFAULT-VALUE}).")
        int users = Scenarios.defaultTraffic().keys();

        @Option(names = "--writer", description = "Event schema to write: v1 or v2 (default: ${DEFAULT-VALUE}). "
                + "v1 events are read by every version; v2 events only by v2 and v3.")
        String writer = "v1";

        @Option(names = "--bad-share", description = "Share of extra, deliberately bad records (default: ${DEFAULT-VALUE}).")
        double badShare = Scenarios.defaultTraffic().badShare();

        @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed = Scenarios.defaultTraffic().seed();

        @Option(names = "--part", description = "Write only part K of N of the traffic, e.g. 2/3: the parts, written "
                + "one after the other (each with the same other options), are exactly the whole traffic. Start one part "
                + "with each version of a by-hand upgrade, and each version gets traffic however long its steps take.")
        String part = "1/1";

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!writer.equals("v1") && !writer.equals("v2")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--writer must be v1 or v2, got " + writer);
            }
            TrafficGenerator.Settings settings;
            try {
                settings = UserEventsPipeline.settings(new TrafficPlan(seed, users, events, rate, badShare));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Matcher k = Pattern.compile("(\\d{1,9})/(\\d{1,9})").matcher(part);
            if (!k.matches() || Integer.parseInt(k.group(1)) < 1 || Integer.parseInt(k.group(1)) > Integer.parseInt(k.group(2))
                    || Integer.parseInt(k.group(2)) > events) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--part must be K/N with 1 <= K <= N <= --events, "
                        + "e.g. 2/3; got " + part);
            }
            int index = Integer.parseInt(k.group(1));
            int parts = Integer.parseInt(k.group(2));
            long first = (index - 1) * events / parts + 1;
            long last = index * events / parts;
            long started = System.currentTimeMillis();
            try (TrafficGenerator generator = new TrafficGenerator(kafkaSettings.access(bootstrapServers, spec), PipelineTopics.INPUT, new EventSchemas(),
                    settings, writer).only(first, last).start()) {
                while (!generator.finished()) {
                    Thread.sleep(2_000);
                    out.printf(Locale.ROOT, "[generate] %d of %d events (+%d bad)%n", generator.produced(), last - first + 1,
                            generator.badProduced());
                }
                generator.awaitFinished(Duration.ofMinutes(1).toMillis());
                out.printf(Locale.ROOT, "Wrote %d events%s (+%d deliberately bad records) to %s in %d ms.%n",
                        generator.produced(), parts == 1 ? "" : " (" + first + " to " + last + ", part " + part + ")",
                        generator.badProduced(), PipelineTopics.INPUT, System.currentTimeMillis() - started);
            }
            return HarnessCli.PASS;
        }
    }

    @Command(name = "wait-for-output", mixinStandardHelpOptions = true,
            description = {"Wait until a downstream read_committed consumer sees at least N output records (one per "
                    + "input event answered), with progress every 2 s. Pace a by-hand upgrade on what downstream sees, "
                    + "not on a sleep: a slow machine then stops each job at the same point of the traffic.",
                    "Exit status: 0 reached, 1 not reached within --timeout (the job is not answering: look at it "
                            + "before you stop it)."})
    static final class WaitForOutput implements Callable<Integer> {

        private final PrintStream out;

        WaitForOutput(PrintStream out) {
            this.out = out;
        }

        @Option(names = "--bootstrap-servers", required = true, description = "Kafka, e.g. localhost:9092.")
        String bootstrapServers;

        @CommandLine.Mixin
        KafkaSettingsOptions kafkaSettings;

        @Option(names = "--records", required = true, description = "Output records to wait for, counted from the "
                + "start of the output topic.")
        long records;

        @Option(names = "--timeout", description = "How long to wait at most (default: ${DEFAULT-VALUE}).")
        String timeout = "5 min";

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Duration limit;
            try {
                limit = TimeUtils.parseDuration(timeout);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout '" + timeout
                        + "' is not a duration; write it like '5 min'.");
            }
            if (records < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--records must be at least 1, got " + records);
            }
            String topic = UserEventsPipeline.INSTANCE.output().topic();
            long started = System.currentTimeMillis();
            long seen = 0;
            try (Answers answers = new Answers(kafkaSettings.access(bootstrapServers, spec))) {
                long nextReport = started + 2_000;
                while (seen < records && System.currentTimeMillis() - started < limit.toMillis()) {
                    seen = answers.count(Duration.ofMillis(200));
                    if (System.currentTimeMillis() >= nextReport && seen < records) {
                        out.printf(Locale.ROOT, "[wait-for-output] %d of %d %s records%n", seen, records, topic);
                        nextReport += 2_000;
                    }
                }
            }
            long ms = System.currentTimeMillis() - started;
            if (seen < records) {
                out.printf(Locale.ROOT, "Only %d of %d %s records were visible (read_committed) after %d ms.%n"
                        + "What it means for the data: nothing is lost; the input waits in Kafka, but the running job has "
                        + "not answered it (it may be restarting, or not running at all).%n"
                        + "What to do: look at the job (flink list, its exceptions in the web UI) before you stop it.%n",
                        seen, records, topic, ms);
                return HarnessCli.FAIL;
            }
            out.printf(Locale.ROOT, "%d %s records visible (read_committed) after %d ms.%n", seen, topic, ms);
            return HarnessCli.PASS;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify the pipeline's topics as they are, after an upgrade done by anyone: every input "
                    + "against every output (read_committed), as 'run' does. Stop the last job with --drain first, so that "
                    + "every window has fired. Writes report.json and report.md.",
                    "Exit status: 0 PASS, 1 FAIL, 2 could not verify."})
    static final class Verify implements Callable<Integer> {

        private final PrintStream out;

        Verify(PrintStream out) {
            this.out = out;
        }

        @Option(names = "--bootstrap-servers", required = true, description = "Kafka, e.g. localhost:9092.")
        String bootstrapServers;

        @CommandLine.Mixin
        KafkaSettingsOptions kafkaSettings;

        @Option(names = "--pipeline", description = "Which pipeline's contract to verify (default and only one so far: "
                + "${DEFAULT-VALUE}).")
        String pipeline = "user-events";

        @Option(names = "--window-size", description = "The jobs' window size (default: ${DEFAULT-VALUE}).")
        String windowSize = "10 s";

        @Option(names = "--report-dir", description = "Where report.json and report.md go (default: harness/target/reports/verify in the project, ./harness-output/reports/verify elsewhere).")
        Path reportDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                HarnessCli.pipeline(pipeline);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Duration window;
            try {
                window = TimeUtils.parseDuration(windowSize);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--window-size is not a duration; write it "
                        + "like '10 s'.");
            }
            if (window.isZero() || window.isNegative()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--window-size must be positive (the jobs' "
                        + "tumbling window, e.g. '10 s').");
            }
            Path reports = reportDir != null ? reportDir : ProjectLayout.outputDir().resolve("reports/verify");
            UpgradeRunner.Result result;
            try {
                result = TopicVerification.verify(kafkaSettings.access(bootstrapServers, spec), window, "external", reports);
            } catch (com.example.upgrades.harness.pipeline.CouldNotVerifyException e) {
                out.println("Verdict: COULD_NOT_VERIFY (exit status 2)");
                out.println("  because " + e.getMessage());
                return com.example.upgrades.harness.run.Outcome.COULD_NOT_VERIFY.exitStatus();
            }
            out.println("Verdict: " + result.outcome() + " (exit status " + result.outcome().exitStatus() + ")");
            result.report().because().forEach(b -> out.println("  because " + b));
            out.println("Verifier: " + result.verdict().describe());
            out.println("Deployments (by the writer-job-id of their records): ");
            result.report().deployments().forEach(d -> out.println("  job " + d.jobId() + " (" + d.version() + "): "
                    + d.answerRecords() + " user-stats records"));
            out.println("Report: " + result.reportJson() + " and " + result.reportJson().resolveSibling("report.md"));
            return result.outcome().exitStatus();
        }
    }

    /**
     * The answers a downstream read_committed consumer sees: the pipeline's output records, counted
     * from the start of the output topic.
     */
    private static final class Answers implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private long count;

        Answers(KafkaAccess kafka) {
            String topic = UserEventsPipeline.INSTANCE.output().topic();
            Properties props = kafka.clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(props,
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** The answers seen so far, after one more poll of at most this long. */
        long count(Duration poll) {
            count += consumer.poll(poll).count();
            return count;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
