package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.userevents.verify.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: the key of keyed state never changes. Scenario keyby-changed: a variant of v2 keys the
 * window count by action instead of user_id. Both keys are Strings, so the state's serializers are
 * the same and Flink does NOT refuse the restore: the job runs and counts windows per action, next
 * to the restored per-user windows. Only the verifier catches it.
 *
 * <p>Scenario keyby-other-type: the half of the common belief that holds. A key of another type
 * (the reduce keyed by a Long) is refused at restore, rolled back, and predicted by check.
 *
 * <p>That change cannot be repaired offline: the state holds each user's count per window, not
 * each action's. Scenario keyby-qualified changes a key in a way the state can follow (the reduce
 * keyed by "default/" + user_id): unrepaired, every user's count restarts at its new key; repaired
 * with the State Processor API, every aggregate is moved to its new key and every count carries over.
 */
class KeyByChangedScenarioIT {

    @Test
    void aKeyOfAnotherTypeIsRefusedAndCheckSaysSoFirst(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("keyby-other-type", work), work, true);

        assertEquals(1, result.report().rollbacks().size(), "Flink refused the restore: " + result.report().markdown());
        String cause = result.report().rollbacks().get(0).cause();
        System.out.println("[test] the harness says:\n" + cause);
        assertTrue(cause.contains("v2 at parallelism 4 could not be restored"), cause);
        assertEquals(Outcome.PASS, result.outcome(), "the plan expects the refusal: " + result.report().markdown());
        assertEquals("INCOMPATIBLE", result.report().preflights().get(0).verdict(), result.report().preflights().toString());
        assertTrue(result.report().preflights().get(0).findings().contains("KEY_SERIALIZER_INCOMPATIBLE user-stats-reduce"),
                result.report().preflights().toString());
    }

    @Test
    void flinkRestoresAChangedKeyAndTheVerifierCatchesIt(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("keyby-changed", work), work, true);

        assertTrue(result.report().rollbacks().isEmpty(), "Flink accepted the restore: " + result.report().rollbacks());
        assertEquals("COMPATIBLE", result.report().preflights().get(0).verdict(),
                "no metadata shows which field a String key comes from: " + result.report().preflights());
        assertTrue(result.verdict().count(Violation.PHANTOM) > 0, "windows of 'users' named after actions: "
                + result.verdict().describe());
        assertTrue(result.verdict().count(Violation.WINDOW_MISMATCH) > 0, result.verdict().describe());
        assertEquals(0, result.verdict().count(Violation.LOST) + result.verdict().count(Violation.STATE_LOST),
                "user-stats, keyed as before, are fine: " + result.verdict().describe());
    }

    @Test
    void aQualifiedKeyFindsNoStateUntilTheSavepointIsRekeyed(@TempDir Path work) {
        UpgradeRunner.Result unrepaired = ScenarioRuns.run(ScenarioRuns.named("keyby-qualified", work.resolve("as-is")),
                work.resolve("as-is"), true);
        assertTrue(unrepaired.report().rollbacks().isEmpty(), "Flink accepted the restore: " + unrepaired.report().rollbacks());
        assertTrue(unrepaired.verdict().count(Violation.STATE_LOST) > 0,
                "every user's count restarts at its new key: " + unrepaired.verdict().describe());

        UpgradeRunner.Result repaired = ScenarioRuns.run(ScenarioRuns.named("keyby-qualified-repaired", work.resolve("repaired")),
                work.resolve("repaired"), true);
        assertEquals(Outcome.PASS, repaired.outcome(), repaired.report().markdown());
        assertEquals(List.of("v1", "v2"), repaired.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        assertTrue(repaired.report().rollbacks().isEmpty(), repaired.report().rollbacks().toString());
        Report.Hop hop = repaired.report().hops().get(0);
        assertTrue(hop.events().stream().anyMatch(e -> e.kind() == HopEvent.Kind.SAVEPOINT_REPAIRED
                && e.facts().get("repaired").equals(hop.savepointPath() + "-repaired")), hop.events().toString());
    }
}
