package com.example.upgrades.harness.junit;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.example.upgrades.harness.env.Directories;
import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.repair.SavepointRepair;
import com.example.upgrades.harness.run.PlanFile;
import com.example.upgrades.harness.run.Scenario;
import com.example.upgrades.harness.run.UpgradeRunner;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension for upgrade tests of your own job jars: a real Kafka broker and a real Flink
 * cluster (the embedded environment) started once for the test class and closed after it, and a
 * fluent plan that runs an upgrade on them and returns the verdict and the report.
 *
 * <pre>{@code
 * class MyUpgradeTest {
 *     @RegisterExtension
 *     static final UpgradeHarness HARNESS = UpgradeHarness.embedded(MY_PIPELINE, 10);
 *
 *     @Test
 *     void v1ToV2KeepsEveryCount() {
 *         UpgradeRunner.Result result = HARNESS.plan("v1-to-v2")
 *                 .deploy("v1", Path.of("target/my-job-v1.jar"), 4)
 *                 .then("v2", Path.of("target/my-job-v2.jar"), 4)
 *                 .traffic(20_000, 100, 2_000)
 *                 .run();
 *         // PASS only if v2 took (a rollback is ROLLED_BACK) and every output was checked and right.
 *         assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
 *     }
 * }
 * }</pre>
 *
 * Before each test the pipeline's topics and consumer groups are deleted and any job still running
 * is cancelled, so each test starts from an empty cluster. After the class, the environment's
 * folder is deleted, or kept (and its path printed) when a test failed.
 *
 * <p>Flink runs in the test JVM, so the test classpath is the cluster's {@code lib/}: run upgrade
 * tests without the job's own packaged Flink dependencies (the Kafka connector, flink-avro) on the
 * classpath, as a cluster's lib/ has none, or deploying the jar fails with a LinkageError. The pom
 * of a project generated from the archetype shows how (failsafe's classpathDependencyExcludes).
 */
public final class UpgradeHarness implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Pipeline pipeline;
    private final int slots;
    private final PrintStream out;
    private EmbeddedEnvironment env;
    private Path workDir;
    private boolean usedByATest;
    private boolean aTestFailed;

    private UpgradeHarness(Pipeline pipeline, int slots, PrintStream out) {
        this.pipeline = pipeline;
        this.slots = slots;
        this.out = out;
    }

    /** Kafka and a Flink cluster with this many task slots (the largest parallelism of your plans). */
    public static UpgradeHarness embedded(Pipeline pipeline, int slots) {
        return new UpgradeHarness(pipeline, slots, System.out);
    }

    /**
     * Kafka and a Flink cluster with this many task slots, for plans that describe their own
     * pipeline ({@link #runPlan}): no Java of yours beside the plan file.
     */
    public static UpgradeHarness embedded(int slots) {
        return new UpgradeHarness(null, slots, System.out);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("upgrade-harness-" + context.getRequiredTestClass().getSimpleName() + "-");
        env = EmbeddedEnvironment.start(workDir.resolve("env"), slots, out);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (usedByATest && pipeline != null) {
            emptyCluster(env, pipeline);
        }
        usedByATest = true;
    }

    /**
     * The cluster as a fresh one, for the next run on a cluster that tests share: every job still
     * running cancelled, the pipeline's topics and its jobs' consumer group deleted.
     */
    public static void emptyCluster(Environment env, Pipeline pipeline) {
        try (FlinkJobs flink = new FlinkJobs(env.flinkRestEndpoint())) {
            flink.cancelAllRunning();
        }
        pipeline.reset(env.kafka());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            aTestFailed = true;
        }
    }

    /**
     * Stops the environment. Its folder (Kafka's and Flink's data, savepoints, reports) is deleted
     * when every test passed, and kept, with its path printed, when one failed: its report.md and
     * savepoints are what you look at then.
     */
    @Override
    public void afterAll(ExtensionContext context) {
        if (env != null) {
            env.close();
        }
        if (workDir == null) {
            return;
        }
        if (aTestFailed || context.getExecutionException().isPresent()) {
            out.println("[harness] a test failed: its reports, savepoints and logs are kept in " + workDir);
        } else {
            Directories.delete(workDir);
        }
    }

    /** The environment, for what a test does beside the plan (its own producers, its own checks). */
    public Environment environment() {
        return env;
    }

    /** Where reports go: a folder per plan under the class's work folder. */
    public Path reportDir(String planName) {
        return workDir.resolve("reports").resolve(planName);
    }

    /** A new plan on this harness's pipeline and environment. */
    public Plan plan(String name) {
        return new Plan(name);
    }

    /**
     * Runs a whole scenario (for example a named one, or a plan file's) on this environment, on an
     * empty cluster: jobs still running are cancelled, the scenario's topics and consumer groups
     * deleted.
     */
    public UpgradeRunner.Result run(Scenario scenario, boolean rollback) {
        emptyCluster(env, scenario.pipeline());
        return new UpgradeRunner(env, out).withRollback(rollback).run(scenario, reportDir(scenario.name()));
    }

    /**
     * Reads a plan file (docs/plan.schema.json): jar paths, schemas and samples relative to its
     * folder. A plan may describe its pipeline itself, or name one built into the harness.
     *
     * @throws IllegalArgumentException when it is not a valid plan, naming the field
     */
    public static Scenario readPlan(Path planFile) throws java.io.IOException {
        return PlanFile.read(planFile, com.example.upgrades.harness.cli.HarnessCli::pipeline);
    }

    /** Reads a plan file and runs it, with rollback, on this environment. */
    public UpgradeRunner.Result runPlan(Path planFile) throws java.io.IOException {
        return run(readPlan(planFile), true);
    }

    /** An upgrade plan, built step by step: the first deployment, then each hop. */
    public final class Plan {
        private final String name;
        private final List<Scenario.Deployment> deployments = new ArrayList<>();
        private TrafficPlan traffic = new TrafficPlan(42L, 50, 20_000, 2_000, 0.01);
        private java.time.Duration windowSize = java.time.Duration.ofSeconds(10);
        private SavepointFormatType format = SavepointFormatType.CANONICAL;
        private boolean rollback = true;
        private boolean expectRollback;

        private Plan(String name) {
            this.name = name;
        }

        /** The first deployment, started fresh. */
        public Plan deploy(String version, Path jar, int parallelism) {
            if (!deployments.isEmpty()) {
                throw new IllegalStateException("deploy(...) starts a plan; add the next versions with then(...)");
            }
            deployments.add(Scenario.Deployment.of(version, jar, parallelism));
            return this;
        }

        /** The next deployment: a hop, through a savepoint of the one before. */
        public Plan then(String version, Path jar, int parallelism) {
            if (deployments.isEmpty()) {
                throw new IllegalStateException("then(...) follows deploy(...)");
            }
            deployments.add(Scenario.Deployment.of(version, jar, parallelism));
            return this;
        }

        /** Program arguments of the last deployment added. */
        public Plan withArgs(String... args) {
            int last = deployments.size() - 1;
            deployments.set(last, deployments.get(last).withJobArgs(args));
            return this;
        }

        /** Input format producers switch to once the last deployment added is healthy (default: its version). */
        public Plan writing(String writerVersion) {
            int last = deployments.size() - 1;
            deployments.set(last, deployments.get(last).writing(writerVersion));
            return this;
        }

        /**
         * The last deployment added restores from a repaired copy of the savepoint, e.g.
         * {@code SavepointRepair.changeUid("old-uid", "new-uid")} for a renamed uid.
         */
        public Plan restoringFromRepairedSavepoint(SavepointRepair repair) {
            int last = deployments.size() - 1;
            if (last < 1) {
                throw new IllegalStateException("restoringFromRepairedSavepoint(...) follows then(...): the first deployment "
                        + "restores nothing");
            }
            deployments.set(last, deployments.get(last).withSavepointRepair(repair));
            return this;
        }

        public Plan traffic(long events, int keys, int eventsPerSecond) {
            traffic = new TrafficPlan(traffic.seed(), keys, events, eventsPerSecond, traffic.badShare());
            return this;
        }

        public Plan traffic(TrafficPlan plan) {
            traffic = plan;
            return this;
        }

        public Plan windowSize(java.time.Duration size) {
            windowSize = size;
            return this;
        }

        public Plan savepointFormat(SavepointFormatType savepointFormat) {
            format = savepointFormat;
            return this;
        }

        /** Fail instead of rolling back a version that does not restore (default: roll back). */
        public Plan withoutRollback() {
            rollback = false;
            return this;
        }

        /**
         * The last deployment is meant to be refused (a rule broken on purpose): the run passes only
         * if it was, and the previous version was restored with nothing lost. Without this, a
         * rollback is the outcome ROLLED_BACK, never a pass.
         */
        public Plan expectingRollback() {
            expectRollback = true;
            return this;
        }

        public Scenario scenario() {
            Scenario.Builder b = Scenario.builder(name, pipeline).deployments(deployments).traffic(traffic)
                    .windowSize(windowSize).savepointFormat(format);
            return (expectRollback ? b.expectingRollback() : b).build();
        }

        /** Runs the plan: the verdict, and the report (written under {@link #reportDir}). */
        public UpgradeRunner.Result run() {
            return UpgradeHarness.this.run(scenario(), rollback);
        }
    }
}
