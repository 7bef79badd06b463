package com.example.upgrades.harness.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.example.upgrades.harness.traffic.EventSchemas;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The baseline the benchmark holds job v1 against: the same exactly-once contract written by hand
 * with the Kafka clients, no Flink. {@code parallelism} workers each own a share of the input
 * partitions (as the job's source subtasks do); each reads read_committed, decodes the Avro event,
 * writes one JSON record per input in a transaction, and every {@code commitInterval} (the job's
 * checkpoint interval) commits the transaction together with its input offets
 * (sendOffsetsToTransaction). What it does not do is what the job adds: keyed state, two keyBy
 * shuffles, windows, timers and checkpoints of all of it.
 */
final class RawPipe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Thread> workers = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean stopped;

    RawPipe(String bootstrapServers, String inputTopic, int inputPartitions, String outputTopic, int parallelism,
            Duration commitInterval, String groupId) {
        for (int w = 0; w < parallelism; w++) {
            List<TopicPartition> owned = new ArrayList<>();
            for (int p = w; p < inputPartitions; p += parallelism) {
                owned.add(new TopicPartition(inputTopic, p));
            }
            String transactionalId = groupId + "-" + w;
            Thread t = new Thread(() -> work(bootstrapServers, owned, outputTopic, commitInterval, groupId, transactionalId),
                    "raw-pipe-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    RawPipe start() {
        workers.forEach(Thread::start);
        return this;
    }

    /** Output records written (not necessarily committed yet). */
    long written() {
        return written.get();
    }

    void rethrowFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("The raw pipe failed: " + e.getMessage(), e);
        }
    }

    private void work(String bootstrapServers, List<TopicPartition> partitions, String outputTopic, Duration commitInterval,
            String groupId, String transactionalId) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
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
                    producer.send(new ProducerRecord<>(outputTopic, r.key(), json(schemas, r.value())));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    written.incrementAndGet();
                }
                if (System.nanoTime() - lastCommit >= commitInterval.toNanos() && !offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(groupId));
                    producer.commitTransaction();
                    producer.beginTransaction();
                    offsets.clear();
                    lastCommit = System.nanoTime();
                }
            }
        } catch (Exception e) {
            if (!stopped) {
                failure.compareAndSet(null, e);
            }
        }
    }

    /** The per-record work of the job's decoder, then one JSON record: the event, or why it could not be read. */
    private static byte[] json(EventSchemas schemas, byte[] value) {
        ObjectNode node = JSON.createObjectNode();
        Optional<EventSchemas.Decoded> decoded = value == null ? Optional.empty() : schemas.decode(value);
        if (decoded.isPresent()) {
            GenericRecord event = decoded.get().record();
            node.put("event_id", (Long) event.get("event_id"));
            node.put("user_id", event.get("user_id").toString());
            node.put("action", event.get("action").toString());
            node.put("event_time", (Long) event.get("event_time"));
            Object device = event.hasField("device_type") ? event.get("device_type") : null;
            node.put("device_type", device == null ? null : device.toString());
        } else {
            node.put("undecodable", true);
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
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
            }
        }
    }
}
