package com.example.upgrades.userevents.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.PipelineContract;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline the benchmark holds job v1 against: the same work, written by hand with the Kafka
 * clients, no Flink. {@code parallelism} workers each own a share of the input partitions (as the
 * job's source subtasks do; a user's events are all in one partition, so a worker needs nobody
 * else's state, where the job shuffles by key). Each reads read_committed, decodes the Avro event,
 * keeps the same per-user state as the job (event count, last event, action counts of at most 100
 * names) and writes the same user-stats record for every event; counts each user's events per
 * tumbling event-time window and writes a user-windows record when its own watermark (the least of
 * its partitions' event time less the out-of-orderness) passes the window's end; and every
 * {@code commitInterval} (the job's checkpoint interval) commits the transaction together with its
 * input offsets (sendOffsetsToTransaction). What it does not do is what Flink adds: checkpoints of
 * its state (it would start from nothing after a failure), the shuffles, and the runtime's own work.
 * Its output is written with a streaming JSON generator, the cheapest way Jackson has.
 */
final class RawPipe implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();

    private final List<Thread> workers = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stopped;

    RawPipe(String bootstrapServers, String inputTopic, int inputPartitions, String statsTopic, String windowsTopic,
            int parallelism, Duration commitInterval, Duration windowSize, Duration outOfOrderness, String groupId) {
        for (int w = 0; w < parallelism; w++) {
            List<TopicPartition> owned = new ArrayList<>();
            for (int p = w; p < inputPartitions; p += parallelism) {
                owned.add(new TopicPartition(inputTopic, p));
            }
            Worker worker = new Worker(owned, statsTopic, windowsTopic, windowSize.toMillis(), outOfOrderness.toMillis());
            String transactionalId = groupId + "-" + w;
            Thread t = new Thread(() -> worker.run(bootstrapServers, commitInterval, groupId, transactionalId), "raw-pipe-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    RawPipe start() {
        workers.forEach(Thread::start);
        return this;
    }

    void rethrowFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("The raw pipe failed: " + e.getMessage(), e);
        }
    }

    /** One user's running aggregate, as the job's state holds it. */
    private static final class Stats {
        long count;
        long lastEventId;
        final Map<String, Long> actions = new HashMap<>();
    }

    /** One worker: its partitions, its users' state, its windows and its watermark. */
    private final class Worker {
        private final List<TopicPartition> partitions;
        private final String statsTopic;
        private final String windowsTopic;
        private final long windowSize;
        private final long outOfOrderness;
        private final Map<String, Stats> stats = new HashMap<>();
        /** Open windows by their end, then user: the count so far. */
        private final TreeMap<Long, Map<String, Long>> windows = new TreeMap<>();
        private final Map<Integer, Long> maxEventTime = new HashMap<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

        Worker(List<TopicPartition> partitions, String statsTopic, String windowsTopic, long windowSize, long outOfOrderness) {
            this.partitions = partitions;
            this.statsTopic = statsTopic;
            this.windowsTopic = windowsTopic;
            this.windowSize = windowSize;
            this.outOfOrderness = outOfOrderness;
        }

        void run(String bootstrapServers, Duration commitInterval, String groupId, String transactionalId) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            EventSchemas schemas = new EventSchemas();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                producer.initTransactions();
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                long lastCommit = System.nanoTime();
                while (!stopped) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        process(schemas, r, producer);
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    fireWindows(producer);
                    if (System.nanoTime() - lastCommit >= commitInterval.toNanos() && !offsets.isEmpty()) {
                        producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(groupId));
                        producer.commitTransaction();
                        producer.beginTransaction();
                        offsets.clear();
                        lastCommit = System.nanoTime();
                    }
                }
                // Stopped once the measured output was committed: what came after it is aborted here.
                // Left open, the producer's close() waited about 30 s for it (per worker, one after another).
                producer.abortTransaction();
            } catch (Exception e) {
                if (!stopped) {
                    failure.compareAndSet(null, e);
                }
            }
        }

        private void process(EventSchemas schemas, ConsumerRecord<byte[], byte[]> r, KafkaProducer<byte[], byte[]> producer)
                throws IOException {
            Optional<EventSchemas.Decoded> decoded = r.value() == null ? Optional.empty() : schemas.decode(r.value());
            if (decoded.isEmpty()) {
                return; // the bench writes no bad record
            }
            GenericRecord event = decoded.get().record();
            String user = event.get("user_id").toString();
            String action = event.get("action").toString();
            long eventId = (Long) event.get("event_id");
            long eventTime = (Long) event.get("event_time");

            Stats s = stats.computeIfAbsent(user, u -> new Stats());
            s.count++;
            s.lastEventId = eventId;
            boolean fits = s.actions.containsKey(action)
                    || s.actions.size() - (s.actions.containsKey(PipelineContract.OTHER) ? 1 : 0) < PipelineContract.MAX_NAMES;
            s.actions.merge(fits ? action : PipelineContract.OTHER, 1L, Long::sum);
            producer.send(new ProducerRecord<>(statsTopic, r.key(), statsJson(user, s)));

            maxEventTime.merge(r.partition(), eventTime, Math::max);
            long start = eventTime - Math.floorMod(eventTime, windowSize);
            if (start + windowSize - 1 > watermark()) {
                windows.computeIfAbsent(start + windowSize, end -> new HashMap<>()).merge(user, 1L, Long::sum);
            }
        }

        /** The least event time of its partitions less the out-of-orderness, as a Flink source's watermark. */
        private long watermark() {
            if (maxEventTime.size() < partitions.size()) {
                return Long.MIN_VALUE;
            }
            return maxEventTime.values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE) - outOfOrderness - 1;
        }

        private void fireWindows(KafkaProducer<byte[], byte[]> producer) throws IOException {
            long watermark = watermark();
            while (!windows.isEmpty() && windows.firstKey() - 1 <= watermark) {
                Map.Entry<Long, Map<String, Long>> fired = windows.pollFirstEntry();
                long end = fired.getKey();
                for (Map.Entry<String, Long> w : fired.getValue().entrySet()) {
                    producer.send(new ProducerRecord<>(windowsTopic, w.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            windowJson(w.getKey(), end - windowSize, end, w.getValue())));
                }
            }
        }

        private byte[] statsJson(String user, Stats s) throws IOException {
            buffer.reset();
            try (JsonGenerator g = JSON.createGenerator(buffer)) {
                g.writeStartObject();
                g.writeStringField("user_id", user);
                g.writeNumberField("event_count", s.count);
                g.writeNumberField("last_event_id", s.lastEventId);
                g.writeObjectFieldStart("action_counts");
                for (Map.Entry<String, Long> a : new TreeMap<>(s.actions).entrySet()) {
                    g.writeNumberField(a.getKey(), a.getValue());
                }
                g.writeEndObject();
                g.writeStringField("job_version", "raw");
                g.writeEndObject();
            }
            return buffer.toByteArray();
        }

        private byte[] windowJson(String user, long start, long end, long count) throws IOException {
            buffer.reset();
            try (JsonGenerator g = JSON.createGenerator(buffer)) {
                g.writeStartObject();
                g.writeStringField("user_id", user);
                g.writeNumberField("window_start", start);
                g.writeNumberField("window_end", end);
                g.writeNumberField("event_count", count);
                g.writeStringField("job_version", "raw");
                g.writeEndObject();
            }
            return buffer.toByteArray();
        }
    }

    @Override
    public void close() {
        stopped = true;
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
