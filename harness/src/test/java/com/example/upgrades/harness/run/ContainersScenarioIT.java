package com.example.upgrades.harness.run;

import com.example.upgrades.harness.userevents.Scenarios;
import com.example.upgrades.harness.project.ProjectLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.example.upgrades.harness.env.ContainerImages;
import com.example.upgrades.harness.env.ContainersEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main scenario on the containers environment: Kafka and a Flink session cluster in Docker
 * containers (Testcontainers), the same runner, verifier and report as the embedded environment.
 */
class ContainersScenarioIT {

    @Test
    void v1ToV2ToV3InContainersIsVerifiedClean(@TempDir Path work) {
        DockerRequirement.requireDocker();
        Scenario scenario = Scenarios.named("upgrade", ProjectLayout.findProjectRoot(), ScenarioRuns.THREE_VERSION_TRAFFIC);

        UpgradeRunner.Result result;
        try (ContainersEnvironment env = ContainersEnvironment.start(
                ContainerImages.resolve(ProjectLayout.findProjectRoot()), work.resolve("env"), scenario.maxParallelism(),
                System.out)) {
            result = new UpgradeRunner(env, System.out).run(scenario, work.resolve("report"));
        }

        assertTrue(result.verdict().passed(), result.verdict().describe());
        assertEquals("containers", result.report().environment());
        result.report().deployments().forEach(d -> assertTrue(d.userStatsRecords() > 0, result.report().deployments().toString()));
        result.report().hops().forEach(h -> assertTrue(h.savepointBytes() > 0,
                "the shared savepoint folder is visible on this machine: " + h));
    }
}
