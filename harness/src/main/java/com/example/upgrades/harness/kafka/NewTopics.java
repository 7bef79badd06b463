package com.example.upgrades.harness.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Topics created for a run, ready to be written before anyone writes to them. */
public final class NewTopics {

    private NewTopics() {}

    /**
     * Creates the topics, then waits until the leader of every new partition answers for it. A
     * topic exists as soon as its creation returns, but its partitions may not have a serving leader
     * for a moment yet: a producer that writes then gets NOT_LEADER_OR_FOLLOWER, and an idempotent
     * one with several requests in flight may then retry OUT_OF_ORDER_SEQUENCE_NUMBER until its
     * delivery timeout expires the batches (seen here with Kafka 4.2, 2 minutes later). Asking each
     * partition's leader for its end offset is answered only by a serving leader; the admin client
     * retries until it is (at most its default.api.timeout.ms, 1 minute).
     */
    public static void create(Admin admin, List<NewTopic> topics) throws ExecutionException, InterruptedException {
        admin.createTopics(topics).all().get();
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (NewTopic topic : topics) {
            for (int p = 0; p < topic.numPartitions(); p++) {
                partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
        }
        admin.listOffsets(partitions).all().get();
    }
}
