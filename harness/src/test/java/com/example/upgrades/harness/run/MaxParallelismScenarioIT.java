package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: max parallelism never changes, and parallelism never exceeds it. Keyed state is stored in
 * max-parallelism key groups; a job with another number cannot take them over, and Flink refuses.
 */
class MaxParallelismScenarioIT {

    private static UpgradeException refused(String scenarioName, Path work) {
        Scenario scenario = ScenarioRuns.named(scenarioName, work);
        UpgradeException refused = assertThrows(UpgradeException.class, () -> ScenarioRuns.run(scenario, work, false));
        System.out.println("[test] the harness says:\n" + refused.getMessage());
        return refused;
    }

    @Test
    void aChangedMaxParallelismIsRefused(@TempDir Path work) {
        UpgradeException refused = refused("max-parallelism-changed", work);

        assertTrue(refused.getMessage().contains("could not be restored")
                && refused.getMessage().contains("Max parallelism mismatch")
                && refused.getMessage().contains("with max parallelism 128 to new program with max parallelism 64"),
                refused.getMessage());
    }

    /**
     * A deployment wider than its cluster's task slots would wait for slots that never come, until
     * its deployment times out minutes later, with v1 already stopped. The runner refuses the plan
     * before anything is deployed, and says what to do.
     */
    @Test
    void aDeploymentWiderThanTheClustersSlotsIsRefusedBeforeAnythingIsDeployed(@TempDir Path work) {
        Scenario rescale = ScenarioRuns.named("rescale-v1", work);
        Scenario.Deployment v1 = rescale.deployments().get(0);
        Scenario tooWide = Scenario.builder("wider-than-the-cluster", rescale.pipeline())
                .deploy(v1)
                .then(Scenario.Deployment.of(v1.version(), v1.jar(), ScenarioRuns.SHARED_SLOTS + 2))
                .traffic(rescale.traffic()).windowSize(rescale.windowSize()).build();

        UpgradeException refused = assertThrows(UpgradeException.class, () -> ScenarioRuns.runOnSharedEnvironment(tooWide, work));

        assertTrue(refused.getMessage().contains("needs " + (ScenarioRuns.SHARED_SLOTS + 2) + " task slots, and its cluster has "
                + ScenarioRuns.SHARED_SLOTS) && refused.getMessage().contains("nothing was deployed, nothing was read or written")
                && refused.getMessage().contains("deploy it at " + ScenarioRuns.SHARED_SLOTS + " or less"), refused.getMessage());
    }

    /**
     * The same refusal, in a plan that does not expect it (a team's upgrade, not a rule shown on
     * purpose): the runner rolls back, nothing is lost, and the run ends ROLLED_BACK, exit status 3,
     * never PASS: a CI gate must not read a failed upgrade as a pass.
     */
    @Test
    void aParallelismAboveMaxParallelismIsRefusedAndARollbackIsNoPass(@TempDir Path work) {
        Scenario unexpected = ScenarioRuns.named("parallelism-above-max", work);
        Scenario.Builder plan = Scenario.builder("parallelism-above-max-unexpected", unexpected.pipeline())
                .deployments(unexpected.deployments()).traffic(unexpected.traffic()).windowSize(unexpected.windowSize());

        UpgradeRunner.Result result = ScenarioRuns.run(plan.build(), work, true);

        String cause = ScenarioRuns.assertRolledBackToV1WithNothingLost(result);
        assertTrue(cause.contains("could not be restored")
                && cause.contains("parallelism (200) is higher than the max parallelism (128)"), cause);
        assertTrue(result.report().because().get(0).startsWith("v2 did not take and v1 was restored from the same savepoint"),
                result.report().because().toString());
    }
}
