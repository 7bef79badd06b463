package com.example.upgrades.harness.declared;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.Traffic;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The traffic of a plan-described pipeline: its control topics written whole first (before_start),
 * then the main input's records, generated from the plan's field rules or replayed from a sample,
 * paced at the plan's rate, with a share of malformed records of every kind that applies to the
 * format, each marked with the header {@value #BAD_HEADER} and its kind. Seeded: the same plan
 * writes the same records, in the same order, every run.
 */
final class DeclaredTraffic implements Traffic {

    /** Header on a malformed record: which kind. */
    static final String BAD_HEADER = "generator-bad-record";

    /** Header on a record written late on purpose (its event time behind). */
    static final String LATE_HEADER = "generator-late";

    /** The kinds of malformed record, per format. */
    enum Malformed {
        NOT_JSON, MISSING_FIELD, WRONG_TYPE, TRUNCATED, EMPTY, BAD_MARKER, UNKNOWN_SCHEMA;

        static List<Malformed> of(PipelineSpec.Format format) {
            return format == PipelineSpec.Format.JSON ? List.of(NOT_JSON, MISSING_FIELD, WRONG_TYPE, TRUNCATED, EMPTY)
                    : List.of(BAD_MARKER, UNKNOWN_SCHEMA, TRUNCATED, EMPTY);
        }
    }

    private final PipelineSpec pipeline;
    private final TrafficSpec spec;
    private final TrafficPlan plan;
    private final Map<String, RecordCodec> codecs;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<String> writerVersion;
    private final Random random;
    private final Thread thread;
    private final Object allowance = new Object();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong badProduced = new AtomicLong();
    private final Map<String, AtomicLong> perWriter = new ConcurrentHashMap<>();
    private final Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final List<ObjectNode> replay;
    private long allowed;
    private volatile boolean heldBack;
    private volatile boolean stopped;

    DeclaredTraffic(KafkaAccess kafka, PipelineSpec pipeline, TrafficSpec spec, TrafficPlan plan, Map<String, RecordCodec> codecs,
            String writerVersion) {
        this.pipeline = pipeline;
        this.spec = spec;
        this.plan = plan;
        this.codecs = codecs;
        this.writerVersion = new AtomicReference<>(writerVersion);
        this.random = new Random(plan.seed());
        PipelineSpec.Input main = pipeline.mainInput();
        TrafficSpec.InputTraffic t = spec.of(main.topic());
        this.replay = t != null && t.replay() != null ? read(t, codecs.get(main.topic())) : null;
        this.allowed = events();
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "declared-traffic");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::produceMain, "declared-traffic");
        this.thread.setDaemon(true);
    }

    /** Good records of the main input in all: the plan's events, or the sample's, whichever is fewer. */
    long events() {
        return replay == null ? plan.events() : Math.min(plan.events(), replay.size());
    }

    /** The control topics (before_start), whole, acknowledged before the first version is deployed. */
    @Override
    public void writeBeforeStart() {
        for (PipelineSpec.Input input : pipeline.inputs()) {
            if (input.beforeStart()) {
                writeWhole(input);
            }
        }
        producer.flush();
    }

    @Override
    public Traffic start() {
        thread.start();
        return this;
    }

    private void writeWhole(PipelineSpec.Input input) {
        TrafficSpec.InputTraffic t = spec.of(input.topic());
        if (t == null) {
            return;
        }
        RecordCodec codec = codecs.get(input.topic());
        List<ObjectNode> records = t.replay() != null ? read(t, codec) : generate(t, plan.keys());
        for (ObjectNode r : records) {
            producer.send(new ProducerRecord<>(input.topic(), keyOf(r, input), codec.encode(r, writerVersion.get())),
                    (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("The traffic could not write " + input.topic() + " before the start: "
                    + failure.get().getMessage(), failure.get());
        }
    }

    private List<ObjectNode> generate(TrafficSpec.InputTraffic t, long count) {
        List<ObjectNode> out = new ArrayList<>();
        Random r = new Random(plan.seed() ^ t.hashCode());
        for (long i = 1; i <= count; i++) {
            out.add(FieldRules.record(t.fields(), i, plan.keys(), r).record());
        }
        return out;
    }

    private static List<ObjectNode> read(TrafficSpec.InputTraffic t, RecordCodec codec) {
        List<ObjectNode> records = new ArrayList<>();
        String name = t.replay().getFileName().toString();
        try {
            if (name.endsWith(".avro")) {
                try (DataFileReader<GenericRecord> in = new DataFileReader<>(t.replay().toFile(), new GenericDatumReader<>())) {
                    in.forEach(r -> records.add((ObjectNode) RecordCodec.toJson(r)));
                }
            } else {
                try (BufferedReader in = Files.newBufferedReader(t.replay(), StandardCharsets.UTF_8)) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (!line.isBlank()) {
                            records.add((ObjectNode) RecordCodec.JSON.readTree(line));
                        }
                    }
                }
            }
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("The sample " + t.replay() + " cannot be read as JSON lines or an Avro "
                    + "container file: " + e.getMessage(), e);
        }
        return records;
    }

    private static byte[] keyOf(JsonNode record, PipelineSpec.Input input) {
        if (input.key() == null) {
            return null;
        }
        JsonNode k = record.at(input.key());
        return k.isMissingNode() || k.isNull() ? null : k.asText().getBytes(StandardCharsets.UTF_8);
    }

    private void produceMain() {
        PipelineSpec.Input input = pipeline.mainInput();
        TrafficSpec.InputTraffic t = spec.of(input.topic());
        RecordCodec codec = codecs.get(input.topic());
        List<Malformed> kinds = Malformed.of(input.format());
        long paceFromNanos = System.nanoTime();
        long paceFromId = 0;
        try {
            for (long i = 1; i <= events() && !stopped && failure.get() == null; i++) {
                if (awaitAllowance(i)) {
                    paceFromNanos = System.nanoTime();
                    paceFromId = i - 1;
                }
                boolean late = false;
                ObjectNode record;
                if (replay != null) {
                    record = replay.get((int) (i - 1));
                } else {
                    FieldRules.Generated g = FieldRules.record(t.fields(), i, plan.keys(), random);
                    record = g.record();
                    late = g.late();
                }
                String version = writerVersion.get();
                byte[] key = keyOf(record, input);
                RecordHeaders headers = new RecordHeaders();
                if (late) {
                    headers.add(new RecordHeader(LATE_HEADER, new byte[] {1}));
                }
                long id = input.id() == null ? i : record.at(input.id()).asLong(i);
                long index = i;
                producer.send(new ProducerRecord<>(input.topic(), null, null, key, codec.encode(record, version), headers),
                        (m, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                ackedAt.put(id, System.currentTimeMillis());
                            }
                        });
                produced.incrementAndGet();
                perWriter.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
                if (random.nextDouble() < plan.badShare()) {
                    Malformed kind = kinds.get(random.nextInt(kinds.size()));
                    byte[] bad = malformed(kind, record, input, codec, version);
                    RecordHeaders h = new RecordHeaders();
                    h.add(new RecordHeader(BAD_HEADER, kind.name().getBytes(StandardCharsets.UTF_8)));
                    producer.send(new ProducerRecord<>(input.topic(), null, null, key, bad, h), (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    badProduced.incrementAndGet();
                }
                throttle(paceFromNanos, index - paceFromId);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /** A malformed record of this kind, made from a good one. */
    private static byte[] malformed(Malformed kind, ObjectNode good, PipelineSpec.Input input, RecordCodec codec, String version) {
        String field = input.id() != null ? input.id() : input.key();
        String name = field == null ? null : field.substring(field.lastIndexOf('/') + 1);
        byte[] encoded = codec.encode(good, version);
        return switch (kind) {
            case NOT_JSON -> ("{ not json " + good.toString().hashCode()).getBytes(StandardCharsets.UTF_8);
            case MISSING_FIELD -> {
                ObjectNode copy = good.deepCopy();
                copy.remove(name);
                yield codec.encode(copy, version);
            }
            case WRONG_TYPE -> {
                ObjectNode copy = good.deepCopy();
                copy.put(name, "not a " + name);
                yield codec.encode(copy, version);
            }
            case TRUNCATED -> java.util.Arrays.copyOf(encoded, Math.max(1, encoded.length / 2));
            case EMPTY -> new byte[0];
            case BAD_MARKER -> {
                byte[] v = encoded.clone();
                v[0] = (byte) '{';
                yield v;
            }
            case UNKNOWN_SCHEMA -> {
                byte[] v = encoded.clone();
                for (int b = 1; b < Math.min(v.length, 5); b++) {
                    v[b] = (byte) ~v[b];
                }
                yield v;
            }
        };
    }

    private boolean awaitAllowance(long i) throws InterruptedException {
        boolean waited = false;
        synchronized (allowance) {
            while (i > allowed && !stopped) {
                heldBack = true;
                allowance.wait(100);
                waited = true;
            }
            heldBack = false;
        }
        return waited;
    }

    private void throttle(long startNanos, long sent) {
        if (plan.eventsPerSecond() <= 0) {
            return;
        }
        long ahead = startNanos + TimeUnit.SECONDS.toNanos(sent) / plan.eventsPerSecond() - System.nanoTime();
        if (ahead > 0) {
            LockSupport.parkNanos(ahead);
        }
    }

    @Override
    public void allowUpTo(long events) {
        synchronized (allowance) {
            allowed = Math.min(events, events());
            allowance.notifyAll();
        }
    }

    @Override
    public long produced() {
        return produced.get();
    }

    @Override
    public long badProduced() {
        return badProduced.get();
    }

    @Override
    public Map<String, Long> producedPerWriterVersion() {
        Map<String, Long> out = new java.util.TreeMap<>();
        perWriter.forEach((v, n) -> out.put(v, n.get()));
        return out;
    }

    @Override
    public boolean heldBack() {
        return heldBack;
    }

    @Override
    public boolean finished() {
        return !thread.isAlive();
    }

    @Override
    public void awaitFinished(long timeoutMillis) throws InterruptedException {
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            throw new IllegalStateException("The traffic did not finish within " + timeoutMillis + " ms (produced " + produced()
                    + " of " + events() + ")");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("The traffic could not write to Kafka: " + failure.get().getMessage(), failure.get());
        }
    }

    @Override
    public long acknowledgedAt(long eventId) {
        return ackedAt.getOrDefault(eventId, 0L);
    }

    @Override
    public void switchWriterVersion(String version) {
        writerVersion.set(version);
    }

    @Override
    public void close() {
        stopped = true;
        allowUpTo(0);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(10));
    }

    /** The field rules, as functions of the record's number. */
    static final class FieldRules {

        record Generated(ObjectNode record, boolean late) {}

        private FieldRules() {}

        static Generated record(Map<String, JsonNode> fields, long i, int keys, Random random) {
            ObjectNode record = RecordCodec.JSON.createObjectNode();
            boolean late = false;
            for (Map.Entry<String, JsonNode> f : fields.entrySet()) {
                JsonNode rule = f.getValue();
                String name = f.getKey();
                if (rule.has("sequence")) {
                    record.put(name, rule.get("sequence").asLong() + i - 1);
                } else if (rule.has("key")) {
                    JsonNode k = rule.get("key");
                    double skew = k.path("skew").asDouble(0);
                    int index = (int) Math.min(keys - 1, Math.floor(keys * Math.pow(random.nextDouble(), 1 + 2 * skew)));
                    record.put(name, k.path("prefix").asText("key-") + String.format("%04d", index));
                } else if (rule.has("choice")) {
                    JsonNode choices = rule.get("choice");
                    record.set(name, choices.get(random.nextInt(choices.size())));
                } else if (rule.has("number")) {
                    long min = rule.get("number").path("min").asLong(0);
                    long max = rule.get("number").path("max").asLong(1000);
                    record.put(name, min + (long) (random.nextDouble() * (max - min + 1)));
                } else if (rule.has("constant")) {
                    record.set(name, rule.get("constant"));
                } else if (rule.has("time")) {
                    JsonNode t = rule.get("time");
                    long start = Instant.parse(t.path("start").asText("2026-01-01T00:00:00Z")).toEpochMilli();
                    long step = t.path("step_ms").asLong(10);
                    long pauseEvery = t.path("pause_every").asLong(0);
                    long pause = t.path("pause_ms").asLong(0);
                    long time = start + (i - 1) * step + (pauseEvery > 0 ? (i - 1) / pauseEvery * pause : 0);
                    if (random.nextDouble() < t.path("late_share").asDouble(0)) {
                        time -= t.path("late_by_ms").asLong(60_000);
                        late = true;
                    }
                    record.put(name, time);
                } else {
                    throw new IllegalArgumentException("The field " + name + " has no rule the traffic knows: " + rule
                            + " (sequence, key, choice, number, constant or time)");
                }
            }
            return new Generated(record, late);
        }
    }

    /** Fails fast on an unreadable sample. */
    static void checkReadable(TrafficSpec.InputTraffic t) {
        if (t.replay() != null && !Files.isReadable(t.replay())) {
            throw new UncheckedIOException(new IOException("The sample " + t.replay() + " is not a readable file"));
        }
    }
}
