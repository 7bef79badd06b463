package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.OutputProbe;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the pipeline's output (its {@link OutputProbe}) as a downstream read_committed consumer
 * would, while the scenario runs: it sees a record only once the job's transaction is committed
 * (at a checkpoint), and notes when it became visible, which job wrote it and which input event it
 * answers. That gives each deployment's first
 * and last visible output (the output gap of a hop), the health check of a new deployment (its
 * own first output, never its predecessor's), and the end-to-end latency of every event.
 *
 * <p>Visibility times are taken when a poll returns the record. The consumer asks the broker with
 * {@code fetch.max.wait.ms} = {@value #FETCH_MAX_WAIT_MS}, so a record is noted at most that long
 * (plus one poll's processing) after its commit made it readable: every visibility time, and so
 * every gap and latency, is late by at most that much.
 */
final class OutputTail implements AutoCloseable {

    static final int FETCH_MAX_WAIT_MS = 50;

    private final KafkaAccess kafka;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String outputTopic;
    private final OutputProbe probe;
    private final Thread thread;
    private final AtomicLong maxLastEventId = new AtomicLong(-1);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private volatile boolean stopped;

    // Guarded by this: one entry per visible output record, in the order the tail saw them.
    private final Map<String, Integer> writerIndex = new HashMap<>();
    private final List<String> writers = new ArrayList<>();
    private final List<Writer> perWriter = new ArrayList<>();
    private long[] visibleAt = new long[1 << 16];
    private long[] lastEventIds = new long[1 << 16];
    private int[] writerOf = new int[1 << 16];
    private int size;

    /** What one writing job has made visible so far. */
    private static final class Writer {
        long count;
    }

    OutputTail(KafkaAccess kafka, OutputProbe probe) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(FETCH_MAX_WAIT_MS));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "harness-output-tail");
        this.kafka = kafka;
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.outputTopic = probe.topic();
        this.probe = probe;
        this.thread = new Thread(this::follow, "output-tail");
        this.thread.setDaemon(true);
    }

    OutputTail start() {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(outputTopic).forEach(p -> partitions.add(new TopicPartition(outputTopic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    private void follow() {
        try {
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    note(r);
                }
                synchronized (positions) {
                    for (TopicPartition p : consumer.assignment()) {
                        positions.put(p, consumer.position(p));
                    }
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
        OutputProbe.Answer answer = probe.read(r);
        String writer = answer.writerJobId();
        long lastEventId = answer.eventId();
        synchronized (this) {
            int w = writerIndex.computeIfAbsent(writer, k -> {
                writers.add(k);
                perWriter.add(new Writer());
                return writers.size() - 1;
            });
            Writer figures = perWriter.get(w);
            figures.count++;
            if (size == visibleAt.length) {
                visibleAt = Arrays.copyOf(visibleAt, size * 2);
                lastEventIds = Arrays.copyOf(lastEventIds, size * 2);
                writerOf = Arrays.copyOf(writerOf, size * 2);
            }
            visibleAt[size] = now;
            lastEventIds[size] = lastEventId;
            writerOf[size] = w;
            size++;
        }
        maxLastEventId.accumulateAndGet(lastEventId, Math::max);
    }

    /** output records visible so far. */
    synchronized long answersSeen() {
        return size;
    }

    /** output records visible so far that the given job wrote. */
    synchronized long answersSeenOf(String jobId) {
        Integer w = writerIndex.get(jobId);
        return w == null ? 0 : perWriter.get(w).count;
    }

    /** The highest input event id answered so far. */
    long maxLastEventId() {
        return maxLastEventId.get();
    }

    /**
     * Waits until the tail has read everything committed on the output up to now: a barrier, so
     * that the counts and times it gives afterwards include every record committed before this
     * call (for example the last transaction of a job that just finished).
     */
    void awaitCaughtUpWithCommitted(Duration timeout) {
        // The end offsets of a read_committed consumer are the last stable offsets. Asked on a
        // consumer of its own: the tail's belongs to the tail's thread.
        Map<TopicPartition, Long> end;
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> ends = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = ends.partitionsFor(outputTopic).stream()
                    .map(p -> new TopicPartition(outputTopic, p.partition())).toList();
            end = ends.endOffsets(partitions);
        }
        await("the output tail has read every committed output record").atMost(timeout)
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    rethrowFailure();
                    synchronized (positions) {
                        return end.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
                    }
                });
    }

    /**
     * Every output record seen so far as (visible at, writing job, answered event id), in the order
     * the tail saw them; for the figures computed after the run.
     */
    synchronized Visible visible() {
        return new Visible(Arrays.copyOf(visibleAt, size), Arrays.copyOf(lastEventIds, size),
                Arrays.stream(writerOf, 0, size).mapToObj(writers::get).toArray(String[]::new));
    }

    /** Output records as the tail saw them: parallel arrays, one entry per record. */
    record Visible(long[] visibleAt, long[] lastEventId, String[] writerJobId) {}

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
