package com.example.upgrades.harness.run;

import com.example.upgrades.harness.userevents.Scenarios;
import com.example.upgrades.harness.project.ProjectLayout;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.example.upgrades.harness.env.ExternalEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main scenario on the external environment, against the project's docker-compose.yml, as
 * the README tells a user to run it: compose up, then the harness with --env external.
 */
class ComposeScenarioIT {

    private static final String PROJECT = "upgrades-it";

    @Test
    void v1ToV2ToV3AgainstDockerComposeIsVerifiedClean(@TempDir Path work) throws Exception {
        List<String> compose = DockerRequirement.requireCompose();
        Path root = ProjectLayout.findProjectRoot();
        List<String> base = DockerRequirement.concat(compose, "-f", root.resolve("docker-compose.yml").toString(),
                "-p", PROJECT);
        try {
            run(DockerRequirement.concat(base, "up", "-d"), root);
            awaitCluster();
            ExternalEnvironment env = new ExternalEnvironment("localhost:9092", "kafka:19092",
                    URI.create("http://localhost:8081"), "file:///flink-data/savepoints", Optional.empty());
            Scenario scenario = Scenarios.named("upgrade", root, ScenarioRuns.THREE_VERSION_TRAFFIC);

            UpgradeRunner.Result result = new UpgradeRunner(env, System.out).run(scenario, work.resolve("report"));

            assertTrue(result.verdict().passed(), result.verdict().describe());
            assertEquals("external", result.report().environment());
            result.report().deployments().forEach(d -> assertTrue(d.userStatsRecords() > 0,
                    result.report().deployments().toString()));
        } finally {
            run(DockerRequirement.concat(base, "down", "-v"), root);
        }
    }

    /** Until Flink has its 10 slots and Kafka answers. */
    private static void awaitCluster() {
        HttpClient http = HttpClient.newHttpClient();
        await("Flink at localhost:8081 with 10 task slots").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:8081/overview")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"slots-total\":10"));
        await("Kafka at localhost:9092").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> {
                    try (Admin admin = Admin.create(Map.of("bootstrap.servers", "localhost:9092"))) {
                        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 1;
                    }
                });
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }
}
