package com.example.upgrades.harness.env;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

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
 */
public record ExternalEnvironment(
        String kafkaBootstrapServers,
        String kafkaBootstrapServersForJobs,
        URI flinkRestEndpoint,
        String savepointDirectory,
        Optional<Path> localSavepointDirectory) implements Environment {

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
