package com.example.upgrades.harness.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import com.example.upgrades.harness.pipeline.CouldNotVerifyException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every committed record of a topic, as a read_committed consumer sees it, up to its end offsets
 * (the last stable offset), partition by partition in offset order. A topic that is missing, a read
 * that stops making progress, or a transaction still open at the end of the topic (records a
 * read_committed reader cannot see yet: whatever was concluded would be premature) is a {@link
 * CouldNotVerifyException}, never an empty list.
 */
public final class CommittedRecords {

    /** How long a read may go without reaching further before it gives up. */
    static final Duration NO_PROGRESS_TIMEOUT = Duration.ofSeconds(60);

    /** How long a transaction still open at the end of a topic is waited for. */
    static final Duration OPEN_TRANSACTION_TIMEOUT = Duration.ofSeconds(30);

    private CommittedRecords() {}

    /** Every record of the topic, in a list. */
    public static List<ConsumerRecord<byte[], byte[]>> of(KafkaAccess kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        read(kafka, topic, out::add);
        return out;
    }

    /** Every record of the topic, to {@code each}; returns the number of partitions. */
    public static int read(KafkaAccess kafka, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        return read(kafka, topic, each, OPEN_TRANSACTION_TIMEOUT);
    }

    /** As {@link #read(KafkaAccess, String, Consumer)}, waiting {@code openTransactionTimeout} for an open transaction. */
    static int read(KafkaAccess kafka, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each,
            Duration openTransactionTimeout) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
            } catch (org.apache.kafka.common.KafkaException e) {
                throw new CouldNotVerifyException("The topic " + topic + " cannot be read on " + kafka.bootstrapServers()
                        + ": " + e.getMessage(), e);
            }
            if (partitions.isEmpty()) {
                throw new CouldNotVerifyException("The topic " + topic + " does not exist on " + kafka.bootstrapServers()
                        + ": there is nothing to verify. Run the upgrade first, or give the topics' names.");
            }
            awaitNoOpenTransaction(kafka, topic, partitions, openTransactionTimeout);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
            long lastProgress = System.nanoTime();
            Map<TopicPartition, Long> positions = new HashMap<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(p)) {
                        byPartition.computeIfAbsent(p, k -> new ArrayList<>()).add(r);
                    }
                }
                Map<TopicPartition, Long> now = new HashMap<>();
                partitions.forEach(p -> now.put(p, consumer.position(p)));
                if (!now.equals(positions)) {
                    positions = now;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > NO_PROGRESS_TIMEOUT.toNanos()) {
                    throw new CouldNotVerifyException("The topic " + topic + " could not be read to its end: no progress "
                            + "for " + NO_PROGRESS_TIMEOUT.toSeconds() + " s at " + now + " of " + end
                            + ". A verdict on part of it would be wrong. Check the broker, then verify again.");
                }
            }
            partitions.stream().sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
                    .forEach(p -> byPartition.getOrDefault(p, List.of()).forEach(each));
            return partitions.size();
        }
    }

    /**
     * A read_committed reader sees a partition up to its last stable offset: the first record of a
     * transaction still open. Records after it are neither committed nor aborted yet, so a
     * verification now would call them lost (or their records phantoms later). Waits a while for
     * such a transaction to end (the run's last checkpoint commits), then refuses.
     */
    private static void awaitNoOpenTransaction(KafkaAccess kafka, String topic, List<TopicPartition> partitions,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            while (true) {
                List<String> open = openTransactions(admin, partitions);
                if (open.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new CouldNotVerifyException("The topic " + topic + " has a transaction still open on partition(s) "
                            + open + ": a read_committed reader cannot see past it until it is committed or aborted (at "
                            + "the latest when its transaction.timeout.ms runs out). Verifying now would call records lost "
                            + "that may still appear. Finish or stop the job that writes it (stop with a savepoint commits), "
                            + "then verify again.");
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CouldNotVerifyException("Interrupted while reading " + topic, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CouldNotVerifyException("The end offsets of " + topic + " cannot be read: " + e.getCause(), e);
        }
    }

    /** Every partition of the topic, as the broker describes it. */
    public static List<TopicPartition> partitions(Admin admin, String topic)
            throws java.util.concurrent.ExecutionException, InterruptedException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /**
     * The partitions whose last stable offset is below their end: they hold records of a
     * transaction neither committed nor aborted yet, which a read_committed reader cannot see past.
     * Each as "partition (stable up to S of E)"; empty when there is none.
     */
    public static List<String> openTransactions(Admin admin, java.util.Collection<TopicPartition> partitions)
            throws java.util.concurrent.ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, Long> stable = offsets(admin, latest, IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, Long> high = offsets(admin, latest, IsolationLevel.READ_UNCOMMITTED);
        return partitions.stream().filter(p -> stable.get(p) < high.get(p))
                .map(p -> p.partition() + " (stable up to " + stable.get(p) + " of " + high.get(p) + ")").toList();
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Map<TopicPartition, OffsetSpec> specs, IsolationLevel level)
            throws java.util.concurrent.ExecutionException, InterruptedException {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(specs, new ListOffsetsOptions(level)).all().get().forEach((p, info) -> out.put(p, info.offset()));
        return out;
    }
}
