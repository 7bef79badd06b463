package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.variants.BrokenVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's own machinery giving up on a job that neither fails nor answers (stuck, its
 * checkpoints held behind it). Once it has answered, the run ends after the catch-up timeout with
 * that reason and no verdict: a verdict on half its output would blame it for records it may still
 * write; waiting for ever would hold a CI job until its own limit. Before its first output, a new
 * version counts as failed, as one that cannot restore: it is cancelled and the old one rolled back.
 */
class StuckJobIT {

    /**
     * Slow enough that the stuck version's first commit comes long before the last event: the
     * traffic after the hop (3,750 events) lasts 7.5 s, and a restored job commits within a
     * checkpoint interval or two of running.
     */
    private static final TrafficPlan SLOW = new TrafficPlan(7L, 40, 6_000, 500, 0.02);

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void aJobThatNeitherAnswersNorFailsEndsTheRunWithThatReasonAndNoVerdict(@TempDir Path work) throws Exception {
        Scenario plan = v1Then(BrokenVariant.STUCK, SLOW, work);

        UpgradeException gaveUp = assertThrows(UpgradeException.class, () -> ScenarioRuns.runOnSharedEnvironment(plan, work,
                runner -> runner.withCatchUpTimeout(TIMEOUT)));

        System.out.println("[test] the harness says:\n" + gaveUp.getMessage());
        assertTrue(gaveUp.getMessage().contains("(v2 at parallelism " + plan.deployments().get(1).parallelism()
                + ") neither gave the answer to the last event (" + SLOW.events() + ") nor went quiet within 20 s"),
                gaveUp.getMessage());
        assertTrue(gaveUp.getMessage().contains("What it means for the data: what it committed stays committed"),
                gaveUp.getMessage());
        assertNoJobLeftRunning();
    }

    @Test
    void aNewVersionStuckBeforeItsFirstOutputIsCancelledAndRolledBack(@TempDir Path work) throws Exception {
        // Stuck at its first event: the speed of the traffic makes no difference, the default will do.
        Scenario plan = v1Then(BrokenVariant.STUCK_FROM_THE_START, ScenarioRuns.TRAFFIC, work);

        UpgradeRunner.Result result = ScenarioRuns.runOnSharedEnvironment(plan, work, runner -> runner.withCatchUpTimeout(TIMEOUT));

        String cause = ScenarioRuns.assertRolledBackToV1WithNothingLost(result);
        assertTrue(cause.contains("neither gave its first committed output nor failed within 20 s")
                && cause.contains("is cancelled"), cause);
        assertNoJobLeftRunning();
    }

    /** v1 at the rescale scenario's parallelism, then {@code next} in its place, under {@code traffic}. */
    private static Scenario v1Then(BrokenVariant next, TrafficPlan traffic, Path work) throws Exception {
        Scenario rescale = ScenarioRuns.named("rescale-v1", work);
        Scenario.Deployment v1 = rescale.deployments().get(0);
        Path jar = next.build(ProjectLayout.findProjectRoot(), work.resolve("variants"));
        return Scenario.builder(next.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), rescale.pipeline())
                .deploy(v1)
                .then(Scenario.Deployment.of("v2", jar, v1.parallelism()))
                .traffic(traffic).windowSize(rescale.windowSize()).build();
    }

    private static void assertNoJobLeftRunning() throws Exception {
        try (FlinkJobs flink = new FlinkJobs(ScenarioRuns.shared().flinkRestEndpoint())) {
            await("the stuck job cancelled, not left running").atMost(Duration.ofSeconds(60))
                    .until(() -> flink.unfinishedJobs() == 0);
        }
    }
}
