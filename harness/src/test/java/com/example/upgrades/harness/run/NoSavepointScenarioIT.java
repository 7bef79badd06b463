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
        assertTrue(result.report().hops().get(0).notes().stream().anyMatch(n -> n.startsWith(
                "Without the savepoint, v1 at parallelism 4 reads from its consumer group's committed offsets: 12 of 12 "
                        + "input partitions have a committed offset")), result.report().hops().get(0).notes().toString());
    }
}
