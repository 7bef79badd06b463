package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import com.example.upgrades.userevents.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: an upgrade stops WITHOUT drain. Draining sends the final watermark first, so every window
 * that is open fires early with part of its events, and the next version starts a second window
 * record for the same (user, window). Every event is still counted exactly once in user-stats;
 * only the windows are wrong, and the verifier shows exactly that.
 */
class DrainOnUpgradeScenarioIT {

    @Test
    void drainingOnAnUpgradeSplitsTheOpenWindows(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run("drain-on-upgrade", work);

        Map<String, Long> counts = result.verdict().counts();
        assertTrue(counts.get(Violation.WINDOW_MISMATCH.name()) > 0, result.verdict().describe());
        counts.forEach((violation, n) -> {
            if (!violation.equals(Violation.WINDOW_MISMATCH.name())) {
                assertEquals(0L, n, violation + " " + result.verdict().describe());
            }
        });
        assertTrue(result.verdict().examples(Violation.WINDOW_MISMATCH).get(0).contains("2 user-windows records"),
                "a window fired twice: early at the drain, then again in the next version");
    }
}
