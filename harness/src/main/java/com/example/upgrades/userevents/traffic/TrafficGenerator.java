package com.example.upgrades.userevents.traffic;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.Traffic;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes user events to Kafka, deterministically for a given seed: the same users, actions, ids,
 * event times and bad records every run. It keeps producing while jobs are stopped and
 * restarted, as real producers do; the backlog is what the next job version reads first.
 *
 * <ul>
 *   <li>event_id: 1, 2, 3, ... unique and increasing;
 *   <li>event_time: {@code startEventTime + (event_id - 1) * eventTimeStep}, so it increases in
 *       every partition and windows fill at a known pace;
 *   <li>a share of extra records is deliberately bad, of every kind the jobs dead-letter, marked
 *       with the {@link BadRecord#HEADER} header;
 *   <li>with bad records, every {@link #LATE_EVERY}-th event is deliberately late: its event_time is
 *       {@code event_id} minutes before {@code startEventTime}, behind the watermark of any job that
 *       has read a few seconds of traffic. It is a good event (user-stats count it); the window
 *       count either dead-letters it LATE or, if it reaches a job whose watermark is not there yet
 *       (just after a restore: watermarks are not in savepoints), counts it in a window of its own.
 * </ul>
 *
 * <p>The runner can hold it back with {@link #allowUpTo}: it never writes more events than
 * allowed. The upgrade runner allows one phase at a time, so that however slowly a job version
 * starts, traffic is left for every version and flows during every hop.
 */
public final class TrafficGenerator implements Traffic {

    /**
     * @param eventsPerSecond 0 for as fast as possible
     * @param badShare the probability that a bad record is written next to a good event
     */
    public record Settings(
            long seed,
            int users,
            long totalEvents,
            int eventsPerSecond,
            double badShare,
            long startEventTime,
            long eventTimeStepMillis) {

        public Settings {
            if (users < 1 || totalEvents < 1 || eventsPerSecond < 0 || !(badShare >= 0 && badShare < 1)) {
                throw new IllegalArgumentException("Traffic settings out of range: " + this
                        + ". Use at least 1 user and 1 event, a rate >= 0 (0 = unthrottled) and a bad share in [0, 1).");
            }
        }
    }

    /**
     * Actions as producers really send them: mostly clean, some with stray case and spaces
     * (which a later job version learns to sanitize).
     */
    static final List<String> ACTIONS = List.of(
            "view", "view", "click", "click", "add_to_cart", "purchase", "search", "View", " click", "PURCHASE ");

    /** Devices, with the same kind of dirt; written only by schemas that have device_type. */
    static final List<String> DEVICES = List.of("mobile", "mobile", "desktop", "desktop", "tablet", "Mobile ", "DESKTOP");

    /** With bad records on, every this many events one is written late (see the class comment). */
    public static final long LATE_EVERY = 500;

    private final Settings settings;
    private final String topic;
    private final EventSchemas schemas;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Random random;
    private final AtomicReference<String> writerVersion;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong badProduced = new AtomicLong();
    private final Map<String, AtomicLong> producedPerWriter = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLongArray ackedAt;
    private final Thread thread;
    private final Object allowance = new Object();
    private long allowed;
    private long firstEvent = 1;
    private long lastEvent;
    private volatile boolean stopped;
    private volatile boolean heldBack;

    public TrafficGenerator(
            KafkaAccess kafka, String topic, EventSchemas schemas, Settings settings, String writerVersion) {
        this.settings = settings;
        this.topic = topic;
        this.schemas = schemas;
        this.writerVersion = new AtomicReference<>(writerVersion);
        this.allowed = settings.totalEvents();
        this.lastEvent = settings.totalEvents();
        this.random = new Random(settings.seed());
        if (settings.totalEvents() >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("At most " + (Integer.MAX_VALUE - 1) + " events per run, got "
                    + settings.totalEvents());
        }
        this.ackedAt = new AtomicLongArray((int) settings.totalEvents() + 1);
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "traffic-generator");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::produceAll, "traffic-generator");
        this.thread.setDaemon(true);
    }

    /**
     * Writes only events {@code first..last} of the traffic (and the bad records drawn next to
     * them), exactly as the whole traffic would have them: the parts of one traffic, written one
     * after the other, are that traffic. Call before {@link #start}.
     */
    public TrafficGenerator only(long first, long last) {
        if (first < 1 || last < first || last > settings.totalEvents()) {
            throw new IllegalArgumentException("Events " + first + ".." + last + " are not a part of a traffic of "
                    + settings.totalEvents() + " events.");
        }
        this.firstEvent = first;
        this.lastEvent = last;
        return this;
    }

    @Override
    public TrafficGenerator start() {
        thread.start();
        return this;
    }

    /** Write at most this many events in all until allowed more; never less than already written. */
    @Override
    public void allowUpTo(long events) {
        synchronized (allowance) {
            allowed = Math.min(events, settings.totalEvents());
            allowance.notifyAll();
        }
    }

    /** Waits until the event may be written; true if it had to wait. */
    private boolean awaitAllowance(long eventId) throws InterruptedException {
        boolean waited = false;
        synchronized (allowance) {
            while (eventId > allowed && !stopped) {
                heldBack = true;
                allowance.wait(100);
                waited = true;
            }
            heldBack = false;
        }
        return waited;
    }

    /** True while the generator waits for the runner to allow more events. */
    @Override
    public boolean heldBack() {
        return heldBack;
    }

    /** From now on, write events with this version's schema (older ones stay in the topic). */
    @Override
    public void switchWriterVersion(String version) {
        schemas.schema(version);
        writerVersion.set(version);
    }

    @Override
    public long produced() {
        return produced.get();
    }

    /** Events are written in id order and, but for the late ones, in event-time order: the last one's time. */
    @Override
    public long maxEventTimeWritten() {
        long n = produced.get();
        return n == 0 ? Long.MIN_VALUE : settings.startEventTime() + (n - 1) * settings.eventTimeStepMillis();
    }

    @Override
    public long badProduced() {
        return badProduced.get();
    }

    /** Good events written per writer schema version. */
    @Override
    public Map<String, Long> producedPerWriterVersion() {
        Map<String, Long> out = new java.util.TreeMap<>();
        producedPerWriter.forEach((v, n) -> out.put(v, n.get()));
        return out;
    }

    /**
     * When Kafka acknowledged the event (epoch ms): from then on a job can read it. The start of
     * its end-to-end latency. 0 if it was not (yet) acknowledged.
     */
    @Override
    public long acknowledgedAt(long eventId) {
        return eventId < 1 || eventId >= ackedAt.length() ? 0 : ackedAt.get((int) eventId);
    }

    @Override
    public boolean finished() {
        return !thread.isAlive();
    }

    public Settings settings() {
        return settings;
    }

    /** Waits until every event was written and acknowledged by Kafka; rethrows a send failure. */
    @Override
    public void awaitFinished(long timeoutMillis) throws InterruptedException {
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            throw new IllegalStateException("The traffic generator did not finish within " + timeoutMillis + " ms (produced "
                    + produced() + " of " + settings.totalEvents() + ")");
        }
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("The traffic generator could not write to Kafka: " + e.getMessage(), e);
        }
    }

    private void produceAll() {
        // The rate is kept from the last time the generator was held back, not from its start: after
        // a pause it goes on at the same rate instead of bursting to catch up with a schedule.
        long paceFromNanos = System.nanoTime();
        long paceFromId = firstEvent - 1;
        byte[] unknownSchemaValue = EventSchemas.encode(EventSchemas.UNKNOWN, unknownRecord());
        BadRecord[] kinds = BadRecord.DRAWN;
        try {
            for (long id = 1; id <= lastEvent && !stopped && failure.get() == null; id++) {
                boolean write = id >= firstEvent;
                if (write && awaitAllowance(id)) {
                    paceFromNanos = System.nanoTime();
                    paceFromId = id - 1;
                }
                String user = String.format("user-%04d", random.nextInt(settings.users()));
                String action = ACTIONS.get(random.nextInt(ACTIONS.size()));
                // Drawn for every event, so the sequence does not depend on when the writer switches.
                String device = DEVICES.get(random.nextInt(DEVICES.size()));
                if (!write) {
                    // Another part's event: the same draws, nothing written.
                    boolean oversized = settings.badShare() > 0 && id == (settings.totalEvents() + 1) / 2;
                    if (random.nextDouble() < settings.badShare() && !oversized) {
                        random.nextInt(kinds.length);
                    }
                    continue;
                }
                long eventTime = eventTime(id);
                String version = writerVersion.get();
                Schema schema = schemas.schema(version);
                GenericRecord event = new GenericData.Record(schema);
                event.put("event_id", id);
                event.put("user_id", user);
                event.put("action", action);
                event.put("event_time", eventTime);
                if (schema.getField("device_type") != null) {
                    event.put("device_type", device);
                }
                byte[] key = user.getBytes(StandardCharsets.UTF_8);
                byte[] value = EventSchemas.encode(schema, event);
                RecordHeaders lateMark = new RecordHeaders();
                if (isLate(id)) {
                    lateMark.add(new RecordHeader(BadRecord.LATE_HEADER, new byte[] {1}));
                }
                send(new ProducerRecord<>(topic, null, null, key, value, lateMark), (int) id);
                produced.incrementAndGet();
                producedPerWriter.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();

                // One oversized record half-way, with bad records at all; the others are drawn.
                boolean drawn = random.nextDouble() < settings.badShare();
                boolean oversized = settings.badShare() > 0 && id == (settings.totalEvents() + 1) / 2;
                if (drawn || oversized) {
                    BadRecord kind = oversized ? BadRecord.OVERSIZED : kinds[random.nextInt(kinds.length)];
                    byte[][] bad = kind.spoil(key, value, unknownSchemaValue, (field, changed) -> {
                        GenericRecord copy = new GenericData.Record(schema);
                        schema.getFields().forEach(f -> copy.put(f.pos(), event.get(f.pos())));
                        copy.put(field, changed);
                        return EventSchemas.encode(schema, copy);
                    });
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(new RecordHeader(BadRecord.HEADER, kind.name().getBytes(StandardCharsets.UTF_8)));
                    send(new ProducerRecord<>(topic, null, null, bad[0], bad[1], headers), 0);
                    badProduced.incrementAndGet();
                }
                throttle(paceFromNanos, id - paceFromId);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /** An event's event time: in step with its id, or {@code id} minutes back if it is one written late. */
    long eventTime(long id) {
        if (isLate(id)) {
            return settings.startEventTime() - id * 60_000L;
        }
        return settings.startEventTime() + (id - 1) * settings.eventTimeStepMillis();
    }

    /** Whether the event is one written late on purpose (with bad records on, every {@link #LATE_EVERY}-th). */
    boolean isLate(long id) {
        return settings.badShare() > 0 && id % LATE_EVERY == 0;
    }

    /** Sends a record; notes when Kafka acknowledged good event {@code eventId} (0 for a bad record). */
    private void send(ProducerRecord<byte[], byte[]> record, int eventId) {
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else if (eventId > 0) {
                ackedAt.set(eventId, System.currentTimeMillis());
            }
        });
    }

    private void throttle(long startNanos, long sentSinceStart) {
        if (settings.eventsPerSecond() <= 0) {
            return;
        }
        long dueNanos = startNanos + TimeUnit.SECONDS.toNanos(sentSinceStart) / settings.eventsPerSecond();
        long ahead = dueNanos - System.nanoTime();
        if (ahead > 0) {
            LockSupport.parkNanos(ahead);
        }
    }

    private static GenericRecord unknownRecord() {
        GenericRecord r = new GenericData.Record(EventSchemas.UNKNOWN);
        r.put("event_id", 0L);
        r.put("user_id", "user-unknown");
        r.put("action", "view");
        r.put("event_time", 0L);
        r.put("experiment", "b");
        return r;
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
}
