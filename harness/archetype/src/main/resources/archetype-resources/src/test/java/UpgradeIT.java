package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.run.Outcome;
import com.example.upgrades.harness.run.Scenario;
import com.example.upgrades.harness.run.UpgradeRunner;
import com.example.upgrades.harness.variants.JobVariants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade test, on the jar that gets deployed: src/test/upgrade/plan.yaml run on a real Kafka
 * broker and a real Flink cluster in this JVM. The jar you deploy today runs under traffic, is
 * stopped with a savepoint, and this build's jar is restored from it at another parallelism. The
 * harness checks every input against every output: each event answered exactly once, each key's
 * count carried over, each malformed record dead-lettered, and the output equal to that of the same
 * traffic through one uninterrupted run. Nothing in here describes what the job computes, so it
 * keeps passing when you change the job, as long as the upgrade keeps the state.
 */
class UpgradeIT {

    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(4);

    private static final Path PLAN = Path.of("src/test/upgrade/plan.yaml");

    /** The plan, with the deployed jar of -Dupgrade.deployed-jar in place of the first one. */
    private static Scenario plan(Path thisBuild) throws Exception {
        Scenario plan = UpgradeHarness.readPlan(PLAN);
        List<Scenario.Deployment> deployments = new ArrayList<>(plan.deployments());
        String deployed = System.getProperty("upgrade.deployed-jar", "");
        Scenario.Deployment first = deployments.get(0);
        if (!deployed.isBlank()) {
            deployments.set(0, Scenario.Deployment.of(first.version(), Path.of(deployed).toAbsolutePath(), first.parallelism()));
        }
        Scenario.Deployment last = deployments.get(deployments.size() - 1);
        deployments.set(deployments.size() - 1, Scenario.Deployment.of(last.version(), thisBuild, last.parallelism()));
        return plan.toBuilder().deployments(deployments).build();
    }

    @Test
    void thisBuildRestoresTheDeployedJobsStateWithNothingLostOrDuplicated() throws Exception {
        UpgradeRunner.Result result = HARNESS.run(plan(Path.of("target/job.jar").toAbsolutePath()), true);
        // PASS only if the new version took (a refused one is rolled back: ROLLED_BACK), every check
        // had something to check, and nothing was wrong.
        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
    }

    /**
     * The test above can fail: the same plan with a version of this job whose operators all have
     * new uids (so none of them finds its state in the savepoint) is refused, and rolled back.
     */
    @Test
    void aVersionThatCannotRestoreTheStateIsNotAPass(@TempDir Path work) throws Exception {
        Path renamed = JobVariants.build(Path.of("."), Path.of("target/job.jar"), "renamed-uids",
                List.of(new JobVariants.Edit("src/main/java/" + PipelineJob.class.getPackageName().replace('.', '/')
                        + "/PipelineJob.java", source -> source.replace(".uid(\"", ".uid(\"renamed-"))), work);
        UpgradeRunner.Result result = HARNESS.run(plan(renamed), true);
        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.report().markdown());
        assertEquals(true, Files.isRegularFile(result.reportJson()));
    }
}
