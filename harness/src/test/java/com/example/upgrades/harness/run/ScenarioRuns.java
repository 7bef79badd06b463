package com.example.upgrades.harness.run;

import com.example.upgrades.harness.userevents.Scenarios;
import com.example.upgrades.harness.project.ProjectLayout;
import java.nio.file.Path;

import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.pipeline.TrafficPlan;

/** Runs a named scenario on a fresh embedded environment, with traffic sized for tests. */
final class ScenarioRuns {

    /**
     * 16,000 events at 2,000/s: 8 s of traffic, long enough that every hop happens while the
     * generator is still writing, short enough for CI.
     */
    static final TrafficPlan TRAFFIC = new TrafficPlan(7L, 40, 16_000, 2_000, 0.02);

    private ScenarioRuns() {}

    /**
     * Three deployments, two hops: 24,000 events at 2,000/s (12 s), so that the second hop, too,
     * happens while the generator is still writing.
     */
    static final TrafficPlan THREE_VERSION_TRAFFIC = new TrafficPlan(11L, 40, 24_000, 2_000, 0.02);

    static UpgradeRunner.Result run(String scenarioName, Path workDir) {
        return run(scenarioName, workDir, TRAFFIC);
    }

    static UpgradeRunner.Result run(String scenarioName, Path workDir, TrafficPlan traffic) {
        return run(named(scenarioName, workDir, traffic), workDir, true);
    }

    /** The named scenario with test traffic; broken variants are built under {@code workDir}. */
    static Scenario named(String scenarioName, Path workDir) {
        return named(scenarioName, workDir, TRAFFIC);
    }

    private static Scenario named(String scenarioName, Path workDir, TrafficPlan traffic) {
        return Scenarios.named(scenarioName, ProjectLayout.findProjectRoot(), traffic, workDir.resolve("variants"));
    }

    static UpgradeRunner.Result run(Scenario scenario, Path workDir, boolean rollback) {
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(workDir.resolve("env"), scenario.maxParallelism(), System.out)) {
            return new UpgradeRunner(env, System.out).withRollback(rollback).run(scenario, workDir.resolve("report"));
        }
    }
}
