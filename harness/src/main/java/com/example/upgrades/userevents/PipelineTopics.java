package com.example.upgrades.userevents;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.kafka.NewTopics;
import com.example.upgrades.harness.run.UpgradeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** The pipeline's topics (the contract of docs/DESIGN.md), declared once. */
public final class PipelineTopics {

    public static final String INPUT = "user-events";
    public static final String STATS = "user-stats";
    public static final String WINDOWS = "user-windows";
    public static final String DLQ = "user-events-dlq";
    /** The cutover messages of a blue/green upgrade, read by every job as broadcast state. */
    public static final String CONTROL = "user-events-control";

    public static final int INPUT_PARTITIONS = 12;
    public static final int OUTPUT_PARTITIONS = 4;

    private PipelineTopics() {}

    /**
     * Creates the four topics. A scenario verifies every record in them, so they must not exist
     * yet: an {@link UpgradeException} says so, before anything is deployed.
     */
    public static void create(KafkaAccess kafka) {
        String bootstrapServers = kafka.bootstrapServers();
        List<NewTopic> topics = List.of(
                new NewTopic(INPUT, INPUT_PARTITIONS, (short) 1),
                new NewTopic(STATS, OUTPUT_PARTITIONS, (short) 1),
                new NewTopic(WINDOWS, OUTPUT_PARTITIONS, (short) 1),
                new NewTopic(DLQ, 1, (short) 1),
                new NewTopic(CONTROL, 1, (short) 1));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> clash = topics.stream().map(NewTopic::name).filter(existing::contains).toList();
            if (!clash.isEmpty()) {
                throw new UpgradeException("The topics " + clash + " already exist on " + bootstrapServers
                        + ". A scenario verifies every record in them, so it needs new, empty topics. Nothing was "
                        + "deployed. Either run again with --recreate-topics (deletes them and the jobs' consumer group "
                        + "" + UserEventsPipeline.JOBS_GROUP_ID + "), or delete them yourself: kafka-topics.sh "
                        + "--bootstrap-server " + bootstrapServers + " --delete --topic '" + String.join("|", clash)
                        + "', or point the harness at a fresh cluster.");
            }
            NewTopics.create(admin, topics);
        } catch (ExecutionException e) {
            throw new UpgradeException("Cannot create the topics on Kafka at " + bootstrapServers + ": "
                    + e.getCause().getMessage() + ". Nothing was deployed; check that Kafka is reachable.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("Interrupted while creating topics", e);
        }
    }
}
