package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.Scenarios;

/** Runs a named scenario on an embedded environment shared by the scenario tests, with traffic sized for tests. */
final class ScenarioRuns {

    /**
     * 6,000 events at 2,000/s: 3 s of traffic. Every hop still happens under traffic whatever the
     * machine's speed (the runner holds the generator back at each hop's share, and lets the rest
     * of it through only once the old job is gone, so the next one always starts with a backlog);
     * 60 s of event time: six windows per user, those open at the hop spanning it; 12 events
     * written late on purpose, 2% bad records of every kind.
     */
    static final TrafficPlan TRAFFIC = new TrafficPlan(7L, 40, 6_000, 2_000, 0.02);

    private ScenarioRuns() {}

    /** Three deployments, two hops: 9,000 events at 2,000/s (4.5 s), the same share per deployment. */
    static final TrafficPlan THREE_VERSION_TRAFFIC = new TrafficPlan(11L, 40, 9_000, 2_000, 0.02);

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
        if (scenario.slotsNeeded() > SHARED_SLOTS) {
            try (EmbeddedEnvironment env = EmbeddedEnvironment.start(workDir.resolve("env"), scenario.slotsNeeded(), System.out)) {
                return new UpgradeRunner(env, System.out).withRollback(rollback).run(scenario, workDir.resolve("report"));
            }
        }
        return runOnSharedEnvironment(scenario, workDir, runner -> runner.withRollback(rollback));
    }

    /** The scenario on the shared environment, whatever the slots it needs (the runner's slot check is tested so). */
    static UpgradeRunner.Result runOnSharedEnvironment(Scenario scenario, Path workDir) {
        return runOnSharedEnvironment(scenario, workDir, runner -> runner);
    }

    /** As {@link #runOnSharedEnvironment(Scenario, Path)}, with the runner set up by {@code setUp}. */
    static UpgradeRunner.Result runOnSharedEnvironment(Scenario scenario, Path workDir,
            java.util.function.UnaryOperator<UpgradeRunner> setUp) {
        synchronized (ScenarioRuns.class) {
            return setUp.apply(new UpgradeRunner(sharedEnvironment(scenario), System.out)).run(scenario, workDir.resolve("report"));
        }
    }

    /**
     * A run that rolled back to v1 and is therefore no pass (ROLLED_BACK, exit status 3), with
     * nothing lost or duplicated; returns the rollback's cause, for the caller's own assertions.
     */
    static String assertRolledBackToV1WithNothingLost(UpgradeRunner.Result result) {
        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.report().markdown());
        assertEquals(3, result.outcome().exitStatus());
        assertFalse(result.report().passed());
        assertTrue(result.verdict().passed(),
                "nothing lost or duplicated: " + result.verdict().describe());
        assertEquals(List.of("v1", "v1"),
                result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        return result.report().rollbacks().get(0).cause();
    }

    /** The largest parallelism of the scenarios (v3 at 10); a scenario above it gets a cluster of its own. */
    static final int SHARED_SLOTS = 10;

    private static EmbeddedEnvironment shared;

    /** The shared environment as the last run left it (null before the first run). */
    static synchronized EmbeddedEnvironment shared() {
        return shared;
    }

    /**
     * One embedded environment for every scenario run of this test JVM: starting Kafka and Flink
     * costs about 8 s, a third of a short scenario. Before each run every job still running is
     * cancelled and the pipeline's topics and consumer group are deleted, so that each run starts
     * from an empty cluster, as on a fresh one. It is closed when the JVM exits. The fault scenarios
     * do not use it: they break their environment on purpose.
     */
    private static EmbeddedEnvironment sharedEnvironment(Scenario scenario) {
        if (shared == null) {
            Path dir;
            try {
                dir = java.nio.file.Files.createTempDirectory("scenario-runs-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            shared = EmbeddedEnvironment.start(dir.resolve("env"), SHARED_SLOTS, System.out);
            EmbeddedEnvironment env = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                env.close();
                com.example.upgrades.harness.env.Directories.delete(dir);
            }, "close-shared-environment"));
            return shared;
        }
        UpgradeHarness.emptyCluster(shared, scenario.pipeline());
        return shared;
    }
}
