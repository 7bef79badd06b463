package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.env.ContainerImages;
import com.example.upgrades.harness.env.ContainersEnvironment;
import com.example.upgrades.harness.env.Directories;
import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.userevents.Scenarios;
import com.example.upgrades.harness.userevents.UserEventsPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containers environment: Kafka and a Flink session cluster in Docker containers
 * (Testcontainers), the same runner, verifier and report as the embedded environment, started once
 * for the class: three upgrades, each with a real fault on the containers (the broker's container
 * stopped with SIGTERM and started again; the TaskManager's container killed and replaced; the
 * mounted savepoint folder made unwritable on this machine). The main scenario's three versions on
 * Flink in Docker, v3 at parallelism 10, run against docker-compose.yml ({@code ComposeScenarioIT}).
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

    @Test
    void aBrokerContainerRestartedDuringTheHopLosesNothing(@TempDir Path work) {
        Report.Hop hop = faultScenario("broker-restart-during-hop", work);
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("FAULT during the hop: the Kafka broker was restarted")),
                hop.notes().toString());
    }

    @Test
    void aTaskManagerContainerKilledDuringTheSavepointIsReplacedAndTheStopRetried(@TempDir Path work) {
        Report.Hop hop = faultScenario("tm-kill-during-savepoint", work);
        assertTrue(hop.notes().stream().anyMatch(n -> n.contains("failed (attempt 1)")), hop.notes().toString());
        assertTrue(hop.notes().stream().anyMatch(n -> n.startsWith("The stop with savepoint succeeded at attempt ")),
                hop.notes().toString());
    }

    @Test
    void anUnwritableSavepointFolderOnTheMountIsRefusedThenRetried(@TempDir Path work) {
        Report.Hop hop = faultScenario("savepoint-storage-failure", work);
        assertTrue(hop.notes().stream().anyMatch(n -> n.contains("failed (attempt 1)") && n.contains("The job is RUNNING")),
                hop.notes().toString());
        assertTrue(hop.notes().stream().anyMatch(n -> n.equals("The stop with savepoint succeeded at attempt 2.")),
                hop.notes().toString());
    }

    /**
     * A fault scenario on the containers, each a whole upgrade (v1 -> v2) on Kafka and Flink in
     * Docker: a clean verdict, no rollback, output from both jobs, the savepoint's size read through
     * the shared folder, and its one hop.
     */
    private static Report.Hop faultScenario(String name, Path work) {
        Scenario scenario = Scenarios.named(name, ProjectLayout.findProjectRoot(), ScenarioRuns.TRAFFIC, work.resolve("variants"));

        UpgradeRunner.Result result = new UpgradeRunner(env, System.out).run(scenario, work.resolve("report"));

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v1", "v2"), result.report().deployments().stream().map(Report.DeploymentFigures::version)
                .distinct().toList(), "v2 took");
        assertEquals(List.of(), result.report().rollbacks(), "no rollback");
        assertEquals(1, result.report().hops().size());
        assertEquals("containers", result.report().environment());
        result.report().deployments().forEach(d -> assertTrue(d.userStatsRecords() > 0, result.report().deployments().toString()));
        Report.Hop hop = result.report().hops().get(0);
        assertTrue(hop.savepointBytes() > 0, "the shared savepoint folder is visible on this machine: " + hop);
        return hop;
    }
}
