package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Rule: the key of keyed state never changes. A variant of v2 keys the window count by action
 * instead of user_id. Both keys are Strings, so the state's serializers are the same and Flink
 * does NOT refuse the restore: the job runs and counts windows per action, next to the restored
 * per-user windows. Only the verifier catches it.
 */
class KeyByChangedScenarioIT {

    @Test
    void flinkRestoresAChangedKeyAndTheVerifierCatchesIt(@TempDir Path work) throws Exception {
        Path variant = JobVariants.build("v2",
                Map.of("return events.keyBy(UserEvent::getUserId, Types.STRING)",
                        "return events.keyBy(UserEvent::getAction, Types.STRING)"),
                work.resolve("variant"));
        Path root = Scenarios.findProjectRoot();
        Scenario scenario = new Scenario("keyby-changed", List.of(
                        new Deployment("v1", Scenarios.jar(root, "v1"), 4, "v1"),
                        new Deployment("v2", variant, 4, "v2")),
                ScenarioRuns.TRAFFIC, Scenarios.WINDOW_SIZE, true);

        UpgradeRunner.Result result;
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 4, System.out)) {
            result = new UpgradeRunner(env, System.out).run(scenario, work.resolve("report"));
        }

        assertTrue(result.report().rollbacks().isEmpty(), "Flink accepted the restore: " + result.report().rollbacks());
        assertTrue(result.verdict().count(Violation.PHANTOM) > 0, "windows of 'users' named after actions: "
                + result.verdict().describe());
        assertTrue(result.verdict().count(Violation.WINDOW_MISMATCH) > 0, result.verdict().describe());
        assertEquals(0, result.verdict().count(Violation.LOST) + result.verdict().count(Violation.STATE_LOST),
                "user-stats, keyed as before, are fine: " + result.verdict().describe());
    }
}
