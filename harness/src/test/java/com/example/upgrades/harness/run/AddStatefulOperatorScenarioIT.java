package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.userevents.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new stateful operator: v2 whose running aggregate is a KeyedProcessFunction under a new uid,
 * user-stats-process, in place of the reduce. Nothing in the savepoint belongs to it, so it starts
 * empty: restored with allowNonRestoredState (the reduce's state has no operator any more), every
 * user's count starts again at the hop. Bootstrapped with the State Processor API from the reduce's
 * state, in a copy of the savepoint, every count carries over.
 */
class AddStatefulOperatorScenarioIT {

    @Test
    void aNewOperatorStartsEmptyAndEveryCountRestarts(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("add-stateful-operator", work), work, true);

        assertTrue(result.report().rollbacks().isEmpty(), result.report().rollbacks().toString());
        assertTrue(result.report().preflights().get(0).findings().contains("STATE_WITHOUT_OPERATOR user-stats-reduce"),
                "harness check names the state the new operator does not take over: " + result.report().preflights());
        var verdict = result.verdict();
        assertTrue(verdict.count(Violation.STATE_LOST) > 0, "each user's count restarts: " + verdict.describe());
        for (Violation v : List.of(Violation.LOST, Violation.DUPLICATE, Violation.WINDOW_MISMATCH, Violation.DLQ_MISMATCH)) {
            assertEquals(0, verdict.count(v), v + " (only the aggregate started empty):\n" + verdict.describe());
        }
    }

    @Test
    void bootstrappedFromTheOldOperatorsStateEveryCountCarriesOver(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("add-stateful-operator-bootstrapped", work), work, true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertTrue(result.report().rollbacks().isEmpty(), result.report().rollbacks().toString());
        assertEquals(List.of("v1", "v2"), result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        Report.Hop hop = result.report().hops().get(0);
        String repaired = hop.savepointPath() + "-repaired";
        assertTrue(hop.events().stream().anyMatch(e -> e.kind() == HopEvent.Kind.SAVEPOINT_REPAIRED
                && e.facts().get("repaired").equals(repaired)), hop.events().toString());
        assertEquals(List.of(new Report.Preflight("v1", "v2", 4, repaired, "COMPATIBLE", List.of())),
                result.report().preflights(), "the copy has no state without an operator");
    }
}
