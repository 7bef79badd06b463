package com.example.upgrades.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Topics created on any cluster, ready to be written before anyone writes to them: for the
 * embedded broker and for every cluster the harness creates a pipeline's topics on.
 */
public final class NewTopics {

    private NewTopics() {}

    /**
     * Creates the topics, then waits until the leader of every new partition answers for it. A
     * topic exists as soon as its creation returns, but its partitions may not have a serving leader
     * for a moment yet: a producer that writes then gets NOT_LEADER_OR_FOLLOWER, and an idempotent
     * one with several requests in flight may then retry OUT_OF_ORDER_SEQUENCE_NUMBER until its
     * delivery timeout expires the batches (seen here with Kafka 4.2, 2 minutes later). Asking each
     * partition's leader for its end offset is answered only by a serving leader; the admin client
     * is asked again until it is (the topic may not even be in the metadata yet), for at most a
     * minute.
     */
    public static void create(Admin admin, List<NewTopic> topics) throws ExecutionException, InterruptedException {
        admin.createTopics(topics).all().get();
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (NewTopic topic : topics) {
            for (int p = 0; p < topic.numPartitions(); p++) {
                partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
        }
        awaitServed(admin, partitions);
    }

    /**
     * Until each partition's leader answers: a retriable error (the topic not yet in the metadata,
     * no leader yet, not the leader yet) is asked again, for at most a minute.
     */
    private static void awaitServed(Admin admin, Map<TopicPartition, OffsetSpec> partitions)
            throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
