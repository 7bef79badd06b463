package com.example.upgrades.userevents;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.OutputProbe;
import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.RunJobs;
import com.example.upgrades.harness.pipeline.Traffic;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.pipeline.Verification;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.traffic.TrafficGenerator;
import com.example.upgrades.userevents.verify.Records;
import com.example.upgrades.userevents.verify.TopicReader;
import com.example.upgrades.harness.pipeline.Verdict;
import com.example.upgrades.userevents.verify.Verifier;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * This project's pipeline as the runner sees it: its four topics, its seeded user events, its
 * user-stats records (one per event, naming the event they answer and the job that wrote them),
 * and its verifier.
 */
public final class UserEventsPipeline implements Pipeline {

    public static final UserEventsPipeline INSTANCE = new UserEventsPipeline();

    /** Event time of the first event: fixed, so every run writes the same events; then 10 ms per event. */
    public static final long START_EVENT_TIME = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    public static final long EVENT_TIME_STEP_MILLIS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private UserEventsPipeline() {}

    @Override
    public String name() {
        return "user-events";
    }

    @Override
    public void createTopics(KafkaAccess kafka) {
        PipelineTopics.create(kafka);
    }

    /** The consumer group of every job version (its default --group-id): its offsets belong to the topics. */
    static final String JOBS_GROUP_ID = "user-events-aggregator";

    @Override
    public void reset(KafkaAccess kafka) {
        List<String> topics = List.of(PipelineTopics.INPUT, PipelineTopics.STATS, PipelineTopics.WINDOWS, PipelineTopics.DLQ,
                PipelineTopics.CONTROL);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> present = topics.stream().filter(existing::contains).toList();
            admin.deleteTopics(present).all().get();
            // Every generation's group, and their control-topic readers' (see UserEventsCutover).
            List<String> groups = admin.listConsumerGroups().all().get().stream().map(g -> g.groupId())
                    .filter(g -> g.equals(JOBS_GROUP_ID) || g.startsWith(JOBS_GROUP_ID + "-")).toList();
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get();
            }
            await("topics " + present + " deleted").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> admin.listTopics().names().get().stream().noneMatch(present::contains));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while deleting the topics", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Cannot delete the pipeline's topics on " + kafka.bootstrapServers() + ": "
                    + e.getCause().getMessage(), e);
        }
    }

    @Override
    public CommittedOffsets committedInputOffsets(KafkaAccess kafka) {
        return committedOffsets(kafka, JOBS_GROUP_ID);
    }

    @Override
    public java.util.Optional<com.example.upgrades.harness.pipeline.CutoverControl> cutover() {
        return java.util.Optional.of(UserEventsCutover.INSTANCE);
    }

    static CommittedOffsets committedOffsets(KafkaAccess kafka, String group) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<Integer, Long> committed = new java.util.TreeMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, offset) -> {
                        if (tp.topic().equals(PipelineTopics.INPUT) && offset != null) {
                            committed.put(tp.partition(), offset.offset());
                        }
                    });
            return new CommittedOffsets(PipelineTopics.INPUT_PARTITIONS, committed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the committed offsets", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Cannot read the committed offsets of the consumer group " + group
                    + " on " + kafka.bootstrapServers() + ": " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public List<String> jobArguments(String bootstrapServersForJobs, String kafkaPropertiesForJobs, Duration windowSize,
            Duration checkpointInterval) {
        // The numbers the verifier judges the input by, given explicitly so that both sides agree.
        List<String> args = new java.util.ArrayList<>(List.of(
                "--bootstrap-servers", bootstrapServersForJobs,
                "--window-size", TimeUtils.formatWithHighestUnit(windowSize),
                "--checkpoint-interval", TimeUtils.formatWithHighestUnit(checkpointInterval),
                "--max-out-of-orderness", TimeUtils.formatWithHighestUnit(PipelineContract.MAX_OUT_OF_ORDERNESS),
                "--min-event-time", java.time.Instant.ofEpochMilli(PipelineContract.MIN_EVENT_TIME).toString(),
                "--max-event-time-ahead", TimeUtils.formatWithHighestUnit(PipelineContract.MAX_EVENT_TIME_AHEAD)));
        if (kafkaPropertiesForJobs != null) {
            args.addAll(List.of("--kafka-properties", kafkaPropertiesForJobs));
        }
        return List.copyOf(args);
    }

    /** The jobs' --transaction-timeout, the last one given, or their default (10 min). */
    @Override
    public java.util.Optional<Duration> transactionTimeout(List<String> jobArgs) {
        Duration timeout = PipelineContract.TRANSACTION_TIMEOUT;
        for (int i = 0; i + 1 < jobArgs.size(); i++) {
            if (jobArgs.get(i).equals("--transaction-timeout")) {
                timeout = TimeUtils.parseDuration(jobArgs.get(i + 1));
            }
        }
        return java.util.Optional.of(timeout);
    }

    @Override
    public OutputProbe output() {
        return new OutputProbe() {
            @Override
            public String topic() {
                return PipelineTopics.STATS;
            }

            @Override
            public Answer read(ConsumerRecord<byte[], byte[]> r) throws IOException {
                Header writer = r.headers().lastHeader(PipelineContract.HEADER_WRITER_JOB);
                return new Answer(writer == null ? "" : new String(writer.value(), StandardCharsets.UTF_8),
                        JSON.readTree(r.value()).path("last_event_id").asLong(-1));
            }
        };
    }

    @Override
    public Traffic traffic(KafkaAccess kafka, TrafficPlan plan, String writerVersion) {
        return new TrafficGenerator(kafka, PipelineTopics.INPUT, new EventSchemas(), settings(plan), writerVersion);
    }

    /** The plan as this pipeline's generator takes it: users are the keys; event time from a fixed start. */
    public static TrafficGenerator.Settings settings(TrafficPlan plan) {
        return new TrafficGenerator.Settings(plan.seed(), plan.keys(), plan.events(), plan.eventsPerSecond(),
                plan.badShare(), START_EVENT_TIME, EVENT_TIME_STEP_MILLIS);
    }

    @Override
    public Verification verify(KafkaAccess kafka, Duration windowSize, RunJobs jobs) {
        return verification(readAll(kafka), windowSize, jobs);
    }

    /**
     * Where the first deployment that counts devices (v2 or later) began to read, per input
     * partition: the source offsets of the savepoint it was restored from; every partition from its
     * start if it started fresh; null when its savepoint is not on this machine.
     */
    static Map<Integer, Long> deviceCountingFrom(RunJobs jobs) {
        String first = jobs.deploymentOfJob().entrySet().stream()
                .filter(e -> compareVersions(jobs.versionOfJob().getOrDefault(e.getKey(), "v0"), "v2") >= 0)
                .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        if (first == null) {
            return null;
        }
        String savepoint = jobs.restoredFromOfJob().get(first);
        if (savepoint == null) {
            if (jobs.deploymentOfJob().get(first) != 0) {
                return null;
            }
            Map<Integer, Long> everything = new HashMap<>();
            for (int p = 0; p < PipelineTopics.INPUT_PARTITIONS; p++) {
                everything.put(p, 0L);
            }
            return everything;
        }
        try {
            Map<Integer, Long> from = new HashMap<>();
            com.example.upgrades.harness.inspect.SourceOffsets.read(java.nio.file.Path.of(savepoint),
                    UserEventsCutover.INSTANCE.sourceUid(), PipelineTopics.INPUT).forEach((p, o) -> from.put(p, Math.max(0, o)));
            for (int p = 0; p < PipelineTopics.INPUT_PARTITIONS; p++) {
                from.putIfAbsent(p, 0L);
            }
            return from;
        } catch (IOException e) {
            return null;
        }
    }

    private static int compareVersions(String a, String b) {
        try {
            return Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1)));
        } catch (RuntimeException e) {
            return a.compareTo(b);
        }
    }

    /** The verdict and counts of topics already read. */
    static Verification verification(Records.Topics topics, Duration windowSize, RunJobs jobs) {
        Map<String, Integer> deploymentOfJob = jobs.deploymentOfJob();
        Verdict verdict = new Verifier(Verifier.Contract.of(windowSize), jobs.versionOfJob(), deviceCountingFrom(jobs))
                .verify(topics);
        Map<String, Long> perVersion = new TreeMap<>();
        Map<String, Long> perWriter = new HashMap<>();
        topics.stats().forEach(s -> {
            perVersion.merge(s.jobVersion(), 1L, Long::sum);
            perWriter.merge(String.valueOf(s.writerJobId()), 1L, Long::sum);
        });
        return new Verification(verdict, perVersion, perWriter,
                windowsSpanningUpgrades(topics, deploymentOfJob, windowSize.toMillis()));
    }

    static Records.Topics readAll(KafkaAccess kafka) {
        return new TopicReader(kafka, new EventSchemas())
                .readAll(PipelineTopics.INPUT, PipelineTopics.STATS, PipelineTopics.WINDOWS, PipelineTopics.DLQ);
    }

    /**
     * Windows whose state crossed an upgrade in a savepoint: their events were counted by one
     * deployment and the window fired in another (or their events were spread over several).
     * Deployments are told apart by the writer-job-id of the records.
     */
    static long windowsSpanningUpgrades(Records.Topics topics, Map<String, Integer> deploymentOfJob, long windowSize) {
        Map<Long, Records.Event> events = new HashMap<>();
        topics.inputs().stream().filter(i -> i.event() != null && i.intendedBad() == null)
                .forEach(i -> events.put(i.event().eventId(), i.event()));
        Map<Records.UserWindow, Set<Integer>> deploymentsPerWindow = new HashMap<>();
        for (Records.Stats st : topics.stats()) {
            Records.Event e = events.get(st.lastEventId());
            Integer d = deploymentOfJob.get(st.writerJobId());
            if (e != null && d != null) {
                long start = e.eventTime() - Math.floorMod(e.eventTime(), windowSize);
                deploymentsPerWindow.computeIfAbsent(new Records.UserWindow(e.userId(), start), k -> new HashSet<>(2)).add(d);
            }
        }
        long spanning = 0;
        for (Records.Window w : topics.windows()) {
            Integer fired = deploymentOfJob.get(w.writerJobId());
            Set<Integer> counted = deploymentsPerWindow.getOrDefault(new Records.UserWindow(w.userId(), w.windowStart()), Set.of());
            if (fired != null && !counted.isEmpty() && (counted.size() > 1 || !counted.contains(fired))) {
                spanning++;
            }
        }
        return spanning;
    }
}
