package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.userevents.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: a stateful operator's uid never changes. Scenario uid-changed: v1 -> v2 whose reduce is
 * renamed from "user-stats-reduce" to "user-stats-aggregate". Flink cannot map the savepoint's
 * state of the old uid to any operator and refuses the restore; the runner rolls back to v1 from
 * the same savepoint, and nothing is lost. With allowNonRestoredState Flink starts the variant,
 * drops the reduce's state, and the verifier reports the loss.
 */
class UidChangedScenarioIT {

    @Test
    void flinkRefusesTheRestoreAndTheRunnerRollsBack(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("uid-changed", work), work, true);

        assertEquals(1, result.report().rollbacks().size(), result.report().toString());
        Report.Rollback rollback = result.report().rollbacks().get(0);
        // The refusal as the harness gives it, to the console and into the report (without --rollback
        // the run ends with exactly this message): what happened, what it means for the data, what to do.
        System.out.println("[test] the harness says:\n" + rollback.cause());
        assertTrue(rollback.cause().contains("could not be restored from the savepoint")
                && rollback.cause().contains("allowNonRestoredState")
                && rollback.cause().contains("What it means for the data: nothing is lost")
                && rollback.cause().contains("What to do"), rollback.cause());
        assertEquals(List.of("v1", "v1"),
                result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        assertTrue(result.verdict().passed(), "rolled back, nothing lost or duplicated: " + result.verdict().describe());
        assertEquals(Outcome.PASS, result.outcome(), "the plan expects the refusal: " + result.report().markdown());
        assertTrue(result.report().because().get(0).contains("v2 was refused, as the plan expects"), result.report().because().toString());
        assertEquals(List.of(new Report.Preflight("v1", "v2", 4, rollback.savepointPath(), "INCOMPATIBLE",
                        List.of("STATE_WITHOUT_OPERATOR user-stats-reduce"))), result.report().preflights(),
                "harness check would have caught it before deploy");
    }

    /**
     * Scenario uid-changed-repaired: the same variant, restored from a copy of the savepoint in which
     * the State Processor API gave the old uid's state to the new uid. Every count carries over.
     */
    @Test
    void repairedWithTheStateProcessorApiEveryCountCarriesOver(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("uid-changed-repaired", work), work, true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertTrue(result.report().rollbacks().isEmpty(), result.report().rollbacks().toString());
        assertEquals(List.of("v1", "v2"),
                result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        Report.Hop hop = result.report().hops().get(0);
        String repaired = hop.savepointPath() + "-repaired";
        assertTrue(hop.events().stream().anyMatch(e -> e.kind() == HopEvent.Kind.SAVEPOINT_REPAIRED
                && e.facts().get("repaired").equals(repaired)), hop.events().toString());
        // harness check, on the copy the variant restored from: nothing left without an operator.
        assertEquals(List.of(new Report.Preflight("v1", "v2", 4, repaired, "COMPATIBLE", List.of())),
                result.report().preflights());
    }

    @Test
    void withAllowNonRestoredStateTheStateIsDroppedAndTheVerifierSaysSo(@TempDir Path work) {
        Scenario scenario = ScenarioRuns.named("uid-changed", work).toBuilder().allowingNonRestoredState().build();

        UpgradeRunner.Result result = ScenarioRuns.run(scenario, work, true);

        assertTrue(result.report().rollbacks().isEmpty());
        assertTrue(result.verdict().count(Violation.STATE_LOST) > 0, result.verdict().describe());
        assertEquals(0, result.verdict().count(Violation.LOST), "events are processed, only the counts restarted");
        assertEquals(0, result.verdict().count(Violation.WINDOW_MISMATCH), "the window state kept its uid");
    }
}
