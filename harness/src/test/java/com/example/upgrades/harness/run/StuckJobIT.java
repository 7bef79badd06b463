package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.variants.BrokenVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's own machinery giving up: a job that neither fails nor answers (stuck, its checkpoints
 * held behind it) ends the run after the catch-up timeout, with that reason, and no verdict. A
 * verdict on half its output would blame it for records it may still write; waiting for ever would
 * hold a CI job until its own limit.
 */
class StuckJobIT {

    @Test
    void aJobThatNeitherAnswersNorFailsEndsTheRunWithThatReasonAndNoVerdict(@TempDir Path work) throws Exception {
        Scenario rescale = ScenarioRuns.named("rescale-v1", work);
        Scenario.Deployment v1 = rescale.deployments().get(0);
        Path stuck = BrokenVariant.STUCK.build(ProjectLayout.findProjectRoot(), work.resolve("variants"));
        Scenario plan = Scenario.builder("stuck-v2", rescale.pipeline())
                .deploy(v1)
                .then(Scenario.Deployment.of("v2", stuck, v1.parallelism()))
                .traffic(ScenarioRuns.TRAFFIC).windowSize(rescale.windowSize()).build();

        UpgradeException gaveUp = assertThrows(UpgradeException.class, () -> ScenarioRuns.runOnSharedEnvironment(plan, work,
                runner -> runner.withCatchUpTimeout(Duration.ofSeconds(20))));

        System.out.println("[test] the harness says:\n" + gaveUp.getMessage());
        assertTrue(gaveUp.getMessage().contains("(v2 at parallelism " + v1.parallelism() + ") neither gave the answer to the last event ("
                + ScenarioRuns.TRAFFIC.events() + ") nor went quiet within 20 s"), gaveUp.getMessage());
        assertTrue(gaveUp.getMessage().contains("What it means for the data: what it committed stays committed"),
                gaveUp.getMessage());
        try (FlinkJobs flink = new FlinkJobs(ScenarioRuns.shared().flinkRestEndpoint())) {
            await("the stuck job cancelled, not left running").atMost(Duration.ofSeconds(60))
                    .until(() -> flink.unfinishedJobs() == 0);
        }
    }
}
