package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.example.upgrades.harness.env.ContainersEnvironment;
import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.UserEventsPipeline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's docker-compose.yml as the tutorial (docs/tutorial.md) tells a user to use it: the by-hand walkthrough
 * (the tutorial's bash block, run exactly as written: harness topics create and generate, Flink's own
 * CLI for every deployment, stop and restore, harness verify). The harness driving a running cluster
 * (--env external) is SecuredKafkaIT's; the three versions on Flink in Docker, ContainersScenarioIT's.
 */
class ComposeScenarioIT {

    /**
     * A project name and host ports of this run's own: two runs on one Docker host (two CI jobs, two
     * clones) collide on neither.
     */
    private static final String PROJECT = "upgrades-it-" + Long.toHexString(System.nanoTime());
    private static final int KAFKA_PORT = freePort();
    private static final int FLINK_REST_PORT = freePort();
    private static final String KAFKA = "localhost:" + KAFKA_PORT;
    /** Ports of this run's own, and the JVM options of the containers environment (the client compiler only). */
    private static final Map<String, String> ENVIRONMENT = Map.of("KAFKA_PORT", String.valueOf(KAFKA_PORT),
            "FLINK_REST_PORT", String.valueOf(FLINK_REST_PORT), "FLINK_JAVA_OPTS", ContainersEnvironment.JVM_OPTIONS);
    private static List<String> compose;
    private static Path root;

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void composeUp() throws Exception {
        root = ProjectLayout.findProjectRoot();
        for (String version : List.of("v1", "v2", "v3")) {
            // Compose mounts each jar into the JobManager; a jar that is missing would be mounted as
            // an empty directory, created in its place under target/.
            Path jar = ProjectLayout.jar(root, version);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " does not exist: build the jars first (./mvnw package -DskipTests). "
                        + "docker compose was not started.");
            }
        }
        compose = DockerRequirement.concat(DockerRequirement.requireCompose(), "-f",
                root.resolve("docker-compose.yml").toString(), "-p", PROJECT);
        run(DockerRequirement.concat(compose, "up", "-d"), root);
        awaitCluster();
    }

    @AfterAll
    static void composeDown() throws Exception {
        if (compose != null) {
            run(DockerRequirement.concat(compose, "down", "-v"), root);
        }
    }

    @BeforeEach
    void emptyTopics() {
        UserEventsPipeline.INSTANCE.reset(KafkaAccess.plain(KAFKA));
    }

    @Test
    void theReadmeWalkthroughRunsAsWrittenAndVerifiesClean(@TempDir Path work) throws Exception {
        String tutorial = Files.readString(root.resolve("docs/tutorial.md"));
        String block = tutorial.substring(tutorial.indexOf("<!-- walkthrough: begin -->"), tutorial.indexOf("<!-- walkthrough: end -->"));
        String script = block.substring(block.indexOf("```bash\n") + "```bash\n".length(), block.lastIndexOf("```"));
        Path file = work.resolve("walkthrough.sh");
        Files.writeString(file, script);

        ProcessBuilder walkthrough = new ProcessBuilder("bash", "-euo", "pipefail", file.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("walkthrough.out").toFile());
        walkthrough.environment().putAll(ENVIRONMENT);
        Process p = walkthrough.start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(6, TimeUnit.MINUTES);
        String output = Files.readString(work.resolve("walkthrough.out"));
        System.out.print(output);
        assertTrue(finished, "the walkthrough did not finish in 6 minutes:\n" + output);
        assertEquals(0, p.exitValue(), "the walkthrough failed:\n" + output);
        assertTrue(output.contains("Verdict: PASS"), output);

        // What verify found, from the topics alone: the three versions, in order, each with output.
        JsonNode report = new ObjectMapper().readTree(
                ProjectLayout.outputDir(root).resolve("reports/verify/report.json").toFile());
        assertEquals("PASS", report.get("verdict").asText());
        assertEquals(12_000, report.get("events").get("produced").asLong());
        assertEquals(3, report.get("deployments").size(), report.toString());
        for (JsonNode deployment : report.get("deployments")) {
            assertTrue(deployment.get("answer_records").asLong() > 0, report.toString());
        }
        assertEquals(12_000, report.get("deployments").findValues("answer_records").stream()
                .mapToLong(JsonNode::asLong).sum(), "each event answered once, by one of the three jobs");
    }

    /** FLINK_JAVA_OPTS, quoted in docker-compose.yml's FLINK_PROPERTIES, reach the JobManager's JVM. */
    @Test
    void theJavaOptionsGivenToComposeReachTheJobManagersJvm() throws Exception {
        ContainersScenarioIT.assertJobManagerRunsWith("http://localhost:" + FLINK_REST_PORT, ContainersEnvironment.JVM_OPTIONS);
    }

    /** Until Flink has its 10 slots and Kafka answers. */
    private static void awaitCluster() {
        HttpClient http = HttpClient.newHttpClient();
        await("Flink at localhost:" + FLINK_REST_PORT + " with 10 task slots").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + FLINK_REST_PORT + "/overview")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"slots-total\":10"));
        await("Kafka at " + KAFKA).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> {
                    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA))) {
                        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 1;
                    }
                });
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(ENVIRONMENT);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }
}
