package com.example.upgrades.harness.run;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the output topics as a downstream read_committed consumer would, while the scenario
 * runs: it sees a record only once the job's transaction is committed (at a checkpoint). It notes
 * when each record became visible and which deployment was current then, which gives the output
 * gap of each hop and the number of records each job produced.
 */
final class OutputTail implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a record was and under which deployment (index into the scenario) it became visible. */
    record Seen(String topic, int partition, long offset, int deployment) {}

    /** user-stats records of one deployment: how many, and when the first and the last became visible. */
    private static final class StatsOfDeployment {
        long count;
        long firstVisible = -1;
        long lastVisible = -1;
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Thread thread;
    private final AtomicInteger deployment = new AtomicInteger(0);
    private final AtomicLong maxLastEventId = new AtomicLong(-1);
    private final List<Seen> seen = new ArrayList<>();
    private final AtomicLong statsSeen = new AtomicLong();
    private final Map<Integer, StatsOfDeployment> statsPerDeployment = new HashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stopped;

    OutputTail(String bootstrapServers, String statsTopic, String windowsTopic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "harness-output-tail");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = List.of(statsTopic, windowsTopic);
        this.thread = new Thread(this::follow, "output-tail");
        this.thread.setDaemon(true);
    }

    OutputTail start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    /** Records that become visible from now on belong to this deployment. */
    void deploymentStarted(int index) {
        deployment.set(index);
    }

    private void follow() {
        try {
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    note(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private void note(ConsumerRecord<byte[], byte[]> r) throws IOException {
        long now = System.currentTimeMillis();
        int current = deployment.get();
        synchronized (seen) {
            seen.add(new Seen(r.topic(), r.partition(), r.offset(), current));
            if (r.topic().equals(topics.get(0))) {
                StatsOfDeployment stats = statsPerDeployment.computeIfAbsent(current, d -> new StatsOfDeployment());
                stats.count++;
                stats.firstVisible = stats.firstVisible < 0 ? now : stats.firstVisible;
                stats.lastVisible = now;
            }
        }
        if (r.topic().equals(topics.get(0))) {
            JsonNode json = JSON.readTree(r.value());
            maxLastEventId.accumulateAndGet(json.path("last_event_id").asLong(-1), Math::max);
            statsSeen.incrementAndGet();
        }
    }

    /** user-stats records visible so far. */
    long statsSeen() {
        return statsSeen.get();
    }

    long statsSeenOf(int deploymentIndex) {
        return statsOf(deploymentIndex).count;
    }

    private StatsOfDeployment statsOf(int deploymentIndex) {
        synchronized (seen) {
            return statsPerDeployment.getOrDefault(deploymentIndex, new StatsOfDeployment());
        }
    }

    /** The highest last_event_id in user-stats so far. */
    long maxLastEventId() {
        return maxLastEventId.get();
    }

    /** When the last user-stats record of a deployment became visible; -1 if none. */
    long lastVisibleOf(int deploymentIndex) {
        return statsOf(deploymentIndex).lastVisible;
    }

    /** When the first user-stats record of a deployment became visible; -1 if none yet. */
    long firstVisibleOf(int deploymentIndex) {
        return statsOf(deploymentIndex).firstVisible;
    }

    /** Which deployment produced the record at topic-partition@offset, or -1 if the tail never saw it. */
    Map<String, Integer> deploymentByPosition() {
        Map<String, Integer> out = new HashMap<>();
        synchronized (seen) {
            for (Seen s : seen) {
                out.put(s.topic() + "-" + s.partition() + "@" + s.offset(), s.deployment());
            }
        }
        return out;
    }

    void rethrowFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("The output tail stopped reading: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
    }
}
