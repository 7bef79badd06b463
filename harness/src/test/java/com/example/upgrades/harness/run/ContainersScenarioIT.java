package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.example.upgrades.harness.env.ContainerImages;
import com.example.upgrades.harness.env.ContainersEnvironment;
import com.example.upgrades.harness.env.Directories;
import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.UserEventsPipeline;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containers environment: Kafka and a Flink session cluster in Docker containers
 * (Testcontainers), the same runner, verifier and report as the embedded environment, started once
 * for the class: the main scenario with a real fault on the containers at every hop (the broker's
 * container stopped with SIGTERM and started again; the TaskManager's container killed and
 * replaced; the mounted savepoint folder made unwritable on this machine). docker-compose.yml runs
 * the README's by-hand walkthrough ({@code ComposeScenarioIT}).
 */
class ContainersScenarioIT {

    private static Path workDir;
    private static ContainersEnvironment env;

    @BeforeAll
    static void startContainers() throws Exception {
        DockerRequirement.requireDocker();
        workDir = Files.createTempDirectory("containers-scenario-");
        env = ContainersEnvironment.start(ContainerImages.resolve(ProjectLayout.findProjectRoot()), workDir.resolve("env"),
                10, System.out);
    }

    @AfterAll
    static void stopContainers() {
        if (env != null) {
            env.close();
        }
        if (workDir != null) {
            Directories.delete(workDir);
        }
    }

    @BeforeEach
    void emptyCluster() {
        UpgradeHarness.emptyCluster(env, UserEventsPipeline.INSTANCE);
    }

    /**
     * Unauthenticated Kafka and Flink's REST API (a jar upload runs code) are published on
     * 127.0.0.1 only, as the other environments listen; the folder the containers share with this
     * machine is no one else's (not 777).
     */
    @Test
    void theContainersListenOnLoopbackOnlyAndShareNoWorldWritableFolder() throws Exception {
        List<String> published = env.publishedPorts();
        assertEquals(2, published.size(), "Kafka and the REST API: " + published);
        assertTrue(published.stream().allMatch(p -> p.startsWith("127.0.0.1:")), published.toString());
        for (Path dir : List.of(env.sharedFolder(), env.sharedFolder().resolve("savepoints"))) {
            String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
            assertTrue(mode.endsWith("---"), dir + " is " + mode);
        }
    }

    /**
     * The JVM options the environment asks for (env.java.opts.all in FLINK_PROPERTIES) reach the
     * JobManager's JVM, as Flink's own scripts pass them (the image's entrypoint reads them).
     */
    @Test
    void theJobManagersJvmRunsWithTheConfiguredOptions() throws Exception {
        assertJobManagerRunsWith(env.flinkRestEndpoint().toString(), ContainersEnvironment.JVM_OPTIONS);
    }

    /** Each of {@code options} is among the JVM options the JobManager at {@code restEndpoint} reports. */
    static void assertJobManagerRunsWith(String restEndpoint, String options) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(restEndpoint + "/jobmanager/environment")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> given = new ArrayList<>();
        new ObjectMapper().readTree(response.body()).path("jvm").path("options").forEach(o -> given.add(o.asText()));
        for (String option : options.split(" ")) {
            assertTrue(given.contains(option), option + " not among the JobManager's JVM options: " + given);
        }
    }

    /**
     * The main scenario on Kafka and Flink in Docker, v1 -> v2 -> v3 at parallelism 10, with a real
     * fault on the containers at each moment of its hops: at v1 -> v2 the broker's container
     * stopped with SIGTERM and started again while v1 stops and v2 starts; at v2 -> v3 the mounted
     * savepoint folder made unwritable on this machine when the stop is asked (refused, then asked
     * again), and the TaskManager's container killed and replaced after v3's first output. A clean
     * verdict, no rollback, output from every job, the savepoints' sizes read through the shared
     * folder.
     */
    @Test
    void theMainScenarioOnContainersWithAFaultAtEveryHop(@TempDir Path work) {
        Scenario scenario = Scenarios.named("upgrade", ProjectLayout.findProjectRoot(), ScenarioRuns.THREE_VERSION_TRAFFIC,
                work.resolve("variants")).toBuilder()
                .fault(1, Fault.BROKER_RESTART_DURING_HOP, 0)
                .fault(2, Fault.SAVEPOINT_STORAGE_FAILURE, 0)
                .fault(2, Fault.CRASH_AFTER_HEALTHY, 0)
                .build();

        UpgradeRunner.Result result = new UpgradeRunner(env, System.out).run(scenario, work.resolve("report"));

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v1", "v2", "v3"), result.report().deployments().stream().map(Report.DeploymentFigures::version)
                .toList(), "every version took");
        assertEquals(List.of(), result.report().rollbacks(), "no rollback");
        assertEquals("containers", result.report().environment());
        result.report().deployments().forEach(d -> assertTrue(d.answerRecords() > 0, result.report().deployments().toString()));
        result.report().hops().forEach(hop -> assertTrue(hop.savepointBytes() > 0,
                "the shared savepoint folder is visible on this machine: " + hop));

        List<HopEvent> first = result.report().hops().get(0).events();
        assertTrue(first.stream().anyMatch(e -> e.kind() == HopEvent.Kind.FAULT
                && Fault.BROKER_RESTART_DURING_HOP.name().equals(e.fault())), first.toString());
        List<HopEvent> second = result.report().hops().get(1).events();
        assertTrue(second.stream().anyMatch(e -> e.kind() == HopEvent.Kind.STOP_FAILED && e.number("attempt") == 1
                && "RUNNING".equals(e.facts().get("job_status"))), second.toString());
        assertTrue(second.stream().anyMatch(e -> e.kind() == HopEvent.Kind.STOP_SUCCEEDED_AFTER_RETRY
                && e.number("attempt") == 2), second.toString());
        assertTrue(second.stream().anyMatch(e -> e.kind() == HopEvent.Kind.FAULT
                && Fault.CRASH_AFTER_HEALTHY.name().equals(e.fault())), second.toString());
    }
}
