package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.example.upgrades.harness.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same hop, but the second job starts WITHOUT the savepoint: per-user counts restart from
 * zero and open windows lose what they had counted. The verifier must say so; this proves that
 * the whole chain (generator, jobs, verifier) can fail.
 */
class NoSavepointScenarioIT {

    @Test
    void startingWithoutTheSavepointIsReportedAsStateLoss(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run("no-savepoint", work);

        assertFalse(result.verdict().passed(), result.verdict().describe());
        assertEquals("FAIL", result.report().verdict());
        assertTrue(result.verdict().count(Violation.STATE_LOST) > 0, result.verdict().describe());
        assertTrue(result.verdict().count(Violation.WINDOW_MISMATCH) > 0, result.verdict().describe());
        assertEquals(result.verdict().count(Violation.STATE_LOST), result.report().violations().get(Violation.STATE_LOST));
    }
}
