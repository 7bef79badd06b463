package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.userevents.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario remove-operator: v1 -> v2 without the window count (a decision, not a mistake). Its
 * state in the savepoint has no operator, so Flink refuses the restore unless told to drop it
 * (the refusal and the rollback are those of uid-changed, see {@link UidChangedScenarioIT}).
 * With allowNonRestoredState the windows open at the hop are dropped on purpose and user-windows
 * stops there; everything else carries over.
 */
class RemoveOperatorScenarioIT {

    @Test
    void withAllowNonRestoredStateTheWindowsAreDroppedOnPurposeAndNothingElse(@TempDir Path work) {
        Scenario scenario = ScenarioRuns.named("remove-operator", work).toBuilder().allowingNonRestoredState().build();

        UpgradeRunner.Result result = ScenarioRuns.run(scenario, work, true);

        assertTrue(result.report().rollbacks().isEmpty(), "started with the window state dropped: " + result.report());
        Report.Preflight check = result.report().preflights().get(0);
        assertEquals("INCOMPATIBLE", check.verdict(), check.toString());
        assertTrue(check.findings().contains("STATE_WITHOUT_OPERATOR user-windows-count"),
                "harness check names the state that would be dropped: " + check.findings());

        var verdict = result.verdict();
        for (Violation v : List.of(Violation.LOST, Violation.DUPLICATE, Violation.STATE_LOST, Violation.DOUBLE_COUNTED,
                Violation.PHANTOM, Violation.DLQ_MISMATCH, Violation.DEVICE_COUNT_MISMATCH, Violation.ACTION_COUNT_MISMATCH)) {
            assertEquals(0, verdict.count(v), v + " (every other state carried over):\n" + verdict.describe());
        }
        long windows = verdict.checked().get("user windows");
        long missing = verdict.count(Violation.WINDOW_MISMATCH);
        // How many windows v1 fired before the stop depends on how far its watermark got on this
        // machine; that every window left open at the hop, and every later one, is missing does not.
        assertTrue(missing > 0 && missing <= windows, "the windows open at the hop and after were not written: " + missing
                + " of " + windows);
        assertTrue(result.report().deployments().get(1).answerRecords() > 0, "v2 ran and answered: "
                + result.report().deployments());
        verdict.examples(Violation.WINDOW_MISMATCH).forEach(e -> assertTrue(e.endsWith(" and 0 user-windows records"),
                "a window is missing, never miscounted: " + e));
    }
}
