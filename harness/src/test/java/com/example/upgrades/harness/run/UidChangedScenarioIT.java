package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: a stateful operator's uid never changes. Here v2's reduce is renamed from
 * "user-stats-reduce" to "user-stats-aggregate" (a broken variant built by the test). Flink cannot
 * map the savepoint's state of the old uid to any operator and refuses the restore; the runner
 * rolls back to v1 from the same savepoint, and nothing is lost. With allowNonRestoredState Flink
 * starts the variant, drops the reduce's state, and the verifier reports the loss.
 */
class UidChangedScenarioIT {

    private static final Map<String, String> RENAME_REDUCE =
            Map.of("STATS_REDUCE_UID = \"user-stats-reduce\"", "STATS_REDUCE_UID = \"user-stats-aggregate\"");

    private static Scenario scenario(Path variantJar, boolean allowNonRestoredState) {
        Path root = Scenarios.findProjectRoot();
        return new Scenario("uid-changed", List.of(
                        new Deployment("v1", Scenarios.jar(root, "v1"), 4, "v1"),
                        new Deployment("v2", variantJar, 4, "v2", allowNonRestoredState)),
                ScenarioRuns.TRAFFIC, Scenarios.WINDOW_SIZE, true);
    }

    private static UpgradeRunner.Result run(Scenario scenario, Path work, boolean rollback) {
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 4, System.out)) {
            return new UpgradeRunner(env, System.out).withRollback(rollback).run(scenario, work.resolve("report"));
        }
    }

    @Test
    void flinkRefusesTheRestoreAndTheRunnerRollsBack(@TempDir Path work) throws Exception {
        Path variant = JobVariants.build("v2", RENAME_REDUCE, work.resolve("variant"));

        UpgradeRunner.Result result = run(scenario(variant, false), work, true);

        assertEquals(1, result.report().rollbacks().size(), result.report().toString());
        Report.Rollback rollback = result.report().rollbacks().get(0);
        assertTrue(rollback.cause().contains("allowNonRestoredState"), "Flink's refusal: " + rollback.cause());
        assertEquals(List.of("v1", "v1"),
                result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        assertTrue(result.verdict().passed(), "rolled back, nothing lost or duplicated: " + result.verdict().describe());
    }

    @Test
    void withoutRollbackTheRefusalSaysWhatItMeansAndWhatToDo(@TempDir Path work) throws Exception {
        Path variant = JobVariants.build("v2", RENAME_REDUCE, work.resolve("variant"));

        UpgradeException refused = assertThrows(UpgradeException.class, () -> run(scenario(variant, false), work, false));
        System.out.println("[test] the harness says:\n" + refused.getMessage());

        assertTrue(refused.getMessage().contains("could not be restored from the savepoint")
                && refused.getMessage().contains("allowNonRestoredState")
                && refused.getMessage().contains("What it means for the data: nothing is lost")
                && refused.getMessage().contains("What to do"), refused.getMessage());
    }

    @Test
    void withAllowNonRestoredStateTheStateIsDroppedAndTheVerifierSaysSo(@TempDir Path work) throws Exception {
        Path variant = JobVariants.build("v2", RENAME_REDUCE, work.resolve("variant"));

        UpgradeRunner.Result result = run(scenario(variant, true), work, true);

        assertTrue(result.report().rollbacks().isEmpty());
        assertTrue(result.verdict().count(Violation.STATE_LOST) > 0, result.verdict().describe());
        assertEquals(0, result.verdict().count(Violation.LOST), "events are processed, only the counts restarted");
        assertEquals(0, result.verdict().count(Violation.WINDOW_MISMATCH), "the window state kept its uid");
    }
}
