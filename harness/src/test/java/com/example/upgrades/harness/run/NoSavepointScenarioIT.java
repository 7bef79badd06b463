package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.example.upgrades.userevents.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same hop, but the second job starts WITHOUT the savepoint: per-user counts restart from
 * zero and open windows lose what they had counted. The verifier must say so; this proves that
 * the whole chain (generator, jobs, verifier) can fail. The second job reads from the consumer
 * group's committed offsets (Flink's best-effort commits after each checkpoint), so the events after
 * the last commit that landed are answered twice, the second time with counts started again.
 */
class NoSavepointScenarioIT {

    @Test
    void startingWithoutTheSavepointIsReportedAsStateLoss(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run("no-savepoint", work);

        assertFalse(result.verdict().passed(), result.verdict().describe());
        assertEquals("FAIL", result.report().verdict());
        assertTrue(result.verdict().count(Violation.STATE_LOST) > 0, result.verdict().describe());
        assertTrue(result.verdict().count(Violation.WINDOW_MISMATCH) > 0, result.verdict().describe());
        assertEquals(result.verdict().count(Violation.STATE_LOST), result.report().violations().get(Violation.STATE_LOST.name()));
        // Where the second job started: the group's committed offsets, on every partition (the
        // runner waited for them), so it started mid-stream rather than replaying from the start.
        HopEvent started = result.report().hops().get(0).events().stream()
                .filter(e -> e.kind() == HopEvent.Kind.STARTED_WITHOUT_SAVEPOINT).findFirst().orElseThrow();
        assertEquals(12, started.number("partitions"), started.toString());
        assertEquals(12, started.number("partitions_with_committed_offset"), started.toString());
    }
}
