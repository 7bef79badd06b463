package com.example.userevents;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Before the job is submitted: the topic it reads exists and may be read, every topic it writes
 * exists, may be written, and takes the largest record the job writes there. Otherwise the job
 * would look healthy until its first record for that topic (for the dead-letter topic: the first
 * bad input, maybe days later), then fail on it at every restart. Refused here, nothing has been
 * read or written.
 */
final class TopicsCheck {

    /**
     * True where a job's graph is built only to be looked at, not run (a preflight check, which may
     * have no Kafka to reach): the upgrade harness's {@code check} sets it in the configuration it
     * builds the graph with, and the topics are not checked then.
     */
    static final ConfigOption<Boolean> PREFLIGHT = ConfigOptions.key("upgrade-harness.preflight")
            .booleanType().defaultValue(false)
            .withDescription("The graph is built for a preflight check only: skip the checks that reach Kafka.");

    /** Room for a record's headers and its batch's overhead, above its key and value. */
    static final int HEADROOM_BYTES = 4_096;

    private static final long TIMEOUT_SECONDS = 30;

    private TopicsCheck() {}

    /** @throws IllegalStateException naming every problem, what it means, and what to do */
    static void check(JobConfig config) {
        Properties props = config.kafkaClientProperties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.groupId() + "-topics-check");
        List<String> problems = new ArrayList<>();
        Map<String, Integer> written = new java.util.LinkedHashMap<>();
        written.merge(config.statsTopic(), OutputRecords.MAX_OUTPUT_BYTES, Math::max);
        written.merge(config.windowsTopic(), OutputRecords.MAX_OUTPUT_BYTES, Math::max);
        written.merge(config.deadLetterTopic(), config.deadLetterMaxBytes(), Math::max);
        try (Admin admin = Admin.create(props)) {
            checkAccess(admin, config.inputTopic(), AclOperation.READ, problems);
            checkAccess(admin, config.controlTopic(), AclOperation.READ, problems);
            for (Map.Entry<String, Integer> out : written.entrySet()) {
                if (checkAccess(admin, out.getKey(), AclOperation.WRITE, problems)) {
                    checkRecordSize(admin, out.getKey(), out.getValue(), out.getKey().equals(config.deadLetterTopic())
                            ? ", or give the job a smaller --dlq-max-bytes" : "", problems);
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not answer within "
                    + TIMEOUT_SECONDS + " s, so the job's topics could not be checked. The job was not started: nothing "
                    + "was read or written. Check --bootstrap-servers and the cluster, then submit it again.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the job's topics; the job was not started.", e);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The job's topics are not ready:\n  - " + String.join("\n  - ", problems)
                    + "\nWhat it means for the data: the job was not started, so nothing was read or written, and "
                    + "every event waits in " + config.inputTopic() + ".\nWhat to do: create the topics (or give the job "
                    + "the rights or limits named above), then submit it again.");
        }
    }

    /** Whether the topic exists and this client may do {@code operation} on it; else a problem is added. */
    private static boolean checkAccess(Admin admin, String topic, AclOperation operation, List<String> problems)
            throws TimeoutException, InterruptedException {
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .topicNameValues().get(topic).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                problems.add("the topic " + topic + " does not exist (the job creates no topic)");
            } else if (e.getCause() instanceof TopicAuthorizationException) {
                problems.add("this job's Kafka user may not " + verb(operation) + " the topic " + topic);
            } else {
                problems.add("the topic " + topic + " cannot be described: " + e.getCause());
            }
            return false;
        }
        Set<AclOperation> allowed = description.authorizedOperations();
        // null: the broker says nothing about rights (no authorizer), so anything is allowed.
        if (allowed != null && !allowed.contains(operation) && !allowed.contains(AclOperation.ALL)) {
            problems.add("this job's Kafka user may not " + verb(operation) + " the topic " + topic + " (it may "
                    + allowed + ")");
            return false;
        }
        return true;
    }

    /** Whether the topic takes records of {@code payloadBytes} plus headers; else a problem is added. */
    private static void checkRecordSize(Admin admin, String topic, int payloadBytes, String orElse, List<String> problems)
            throws TimeoutException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config;
        try {
            config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
        } catch (ExecutionException e) {
            problems.add("the configuration of the topic " + topic + " cannot be read: " + e.getCause());
            return;
        }
        var entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        long limit = entry == null || entry.value() == null ? Long.MAX_VALUE : Long.parseLong(entry.value());
        if (limit < (long) payloadBytes + HEADROOM_BYTES) {
            problems.add("the topic " + topic + " takes records of at most " + limit + " bytes (max.message.bytes), but "
                    + "the job writes up to " + payloadBytes + " bytes of key and value there, plus headers: raise its "
                    + "max.message.bytes to at least " + ((long) payloadBytes + HEADROOM_BYTES) + orElse);
        }
    }

    private static String verb(AclOperation operation) {
        return operation == AclOperation.READ ? "read" : "write to";
    }
}
