package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.run.Scenario.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: max parallelism never changes, and parallelism never exceeds it. Keyed state is stored in
 * max-parallelism key groups; a job with another number cannot take them over, and Flink refuses.
 */
class MaxParallelismScenarioIT {

    private static UpgradeException refusedHop(Deployment next, Path work) {
        Scenario scenario = new Scenario("max-parallelism", List.of(
                        new Deployment("v1", Scenarios.jar(Scenarios.findProjectRoot(), "v1"), 4, "v1"), next),
                ScenarioRuns.TRAFFIC, Scenarios.WINDOW_SIZE, true);
        return assertThrows(UpgradeException.class, () -> {
            try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 4, System.out)) {
                new UpgradeRunner(env, System.out).withRollback(false).run(scenario, work.resolve("report"));
            }
        });
    }

    @Test
    void aChangedMaxParallelismIsRefused(@TempDir Path work) throws Exception {
        Path variant = JobVariants.build("v2",
                Map.of("MAX_PARALLELISM = 128;", "MAX_PARALLELISM = 64;"), work.resolve("variant"));

        UpgradeException refused = refusedHop(new Deployment("v2", variant, 4, "v2"), work);

        System.out.println("[test] the harness says:\n" + refused.getMessage());
        assertTrue(refused.getMessage().contains("could not be restored")
                && refused.getMessage().contains("Max parallelism mismatch")
                && refused.getMessage().contains("with max parallelism 128 to new program with max parallelism 64"),
                refused.getMessage());
    }

    @Test
    void aParallelismAboveMaxParallelismIsRefused(@TempDir Path work) {
        Path v2 = Scenarios.jar(Scenarios.findProjectRoot(), "v2");

        UpgradeException refused = refusedHop(new Deployment("v2", v2, 200, "v2"), work);

        System.out.println("[test] the harness says:\n" + refused.getMessage());
        assertTrue(refused.getMessage().contains("could not be restored")
                && refused.getMessage().contains("parallelism (200) is higher than the max parallelism (128)"),
                refused.getMessage());
    }
}
