package com.example.upgrades.harness.env;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.example.upgrades.harness.kafka.KafkaAccess;

/**
 * Any running Kafka and Flink: the harness starts nothing and stops nothing. For the
 * docker-compose.yml of this project, or any other cluster.
 *
 * @param kafkaBootstrapServers Kafka as this machine reaches it
 * @param kafkaBootstrapServersForJobs Kafka as the Flink TaskManagers reach it (inside a container
 *     network often another name than from the host)
 * @param flinkRestEndpoint e.g. http://localhost:8081
 * @param savepointDirectory as the Flink cluster sees it, e.g. file:///flink-data/savepoints
 * @param localSavepointDirectory where that directory is visible on this machine, if it is (only
 *     used to measure savepoint sizes)
 * @param kafkaSettings Kafka client settings of a secured cluster, for the harness's clients (never
 *     printed); empty for none
 * @param kafkaPropertiesForJobs where the jobs read those settings, as the Flink cluster sees the
 *     path; null for none
 */
public record ExternalEnvironment(
        String kafkaBootstrapServers,
        String kafkaBootstrapServersForJobs,
        URI flinkRestEndpoint,
        String savepointDirectory,
        Optional<Path> localSavepointDirectory,
        Map<String, String> kafkaSettings,
        String kafkaPropertiesForJobs) implements Environment {

    /** A cluster whose Kafka needs no client settings. */
    public ExternalEnvironment(String kafkaBootstrapServers, String kafkaBootstrapServersForJobs, URI flinkRestEndpoint,
            String savepointDirectory, Optional<Path> localSavepointDirectory) {
        this(kafkaBootstrapServers, kafkaBootstrapServersForJobs, flinkRestEndpoint, savepointDirectory,
                localSavepointDirectory, Map.of(), null);
    }

    @Override
    public KafkaAccess kafka() {
        return new KafkaAccess(kafkaBootstrapServers, kafkaSettings);
    }

    @Override
    public String toString() {
        return "external environment: Kafka " + kafka() + ", Flink " + flinkRestEndpoint + ", savepoints "
                + savepointDirectory;
    }

    @Override
    public String name() {
        return "external";
    }

    @Override
    public Optional<Path> localPath(String clusterPath) {
        return SavepointPaths.mapToLocal(clusterPath, savepointDirectory, localSavepointDirectory);
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
