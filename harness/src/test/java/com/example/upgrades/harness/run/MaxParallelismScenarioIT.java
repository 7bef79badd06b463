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

    @Test
    void aParallelismAboveMaxParallelismIsRefused(@TempDir Path work) {
        UpgradeException refused = refused("parallelism-above-max", work);

        assertTrue(refused.getMessage().contains("could not be restored")
                && refused.getMessage().contains("parallelism (200) is higher than the max parallelism (128)"),
                refused.getMessage());
    }
}
