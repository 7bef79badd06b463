package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.run.Outcome;
import com.example.upgrades.harness.run.Report;
import com.example.upgrades.harness.run.UpgradeRunner;
import com.example.upgrades.harness.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upgrade test of this pipeline, on the jar that gets deployed (target/job-v1.jar, built by
 * `mvn package`): a real Kafka broker and a real Flink cluster in this JVM, the job deployed at
 * parallelism 4 through Flink's REST API, traffic written to user-events, the job stopped with a
 * savepoint while the traffic goes on, the same jar restored from it at parallelism 2 (a rescale:
 * every key group of keyed state, window and timer moves to another subtask), then stopped with
 * drain. The verifier checks every input event against every output record: nothing lost, nothing
 * duplicated, every count continued across the savepoint, every window fired once, every bad
 * record dead-lettered.
 *
 * <p>When you change the job, keep the jar you deploy today (your artifact repository has it) and
 * add the upgrade as a hop: {@code .deploy("v1", previousJar, 4).then("v2", JAR, 4)}.
 */
class RescaleUpgradeIT {

    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 4);

    /** The shaded jar of this build, as JobJarIT finds it. */
    private static final Path JAR = Path.of("target", "job-" + UserEventsJob.JOB_VERSION + ".jar");

    @Test
    void rescaledRestoreKeepsEveryKindOfState() {
        UpgradeRunner.Result result = HARNESS.plan("rescale")
                .deploy(UserEventsJob.JOB_VERSION, JAR, 4)
                .then(UserEventsJob.JOB_VERSION, JAR, 2)
                .traffic(8_000, 20, 2_000)
                .run();

        // PASS only if the restored job took (a refused one is rolled back: ROLLED_BACK, never a pass)
        // and every output was checked and right.
        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of(UserEventsJob.JOB_VERSION, UserEventsJob.JOB_VERSION), result.report().deployments().stream()
                .map(Report.DeploymentFigures::version).toList(), "both deployments ran, none rolled back");
    }
}
