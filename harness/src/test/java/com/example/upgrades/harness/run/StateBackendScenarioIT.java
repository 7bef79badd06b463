package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where keyed state lives is a job option, and a canonical savepoint carries it from one state
 * backend to the other and back; a native one only to the same backend.
 */
class StateBackendScenarioIT {

    @Test
    void aCanonicalSavepointCarriesEveryKindOfStateFromTheHeapToRocksDbAndBack(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run("state-backend-switch", work, ScenarioRuns.THREE_VERSION_TRAFFIC);

        assertTrue(result.report().passed(), result.verdict().describe() + result.report().problems());
        assertEquals(List.of("v2", "v3", "v3"), result.report().deployments().stream()
                .map(Report.DeploymentFigures::version).toList());
        assertEquals(2, result.report().hops().size(), "heap -> RocksDB, then RocksDB -> heap: " + result.report().rollbacks());
        result.report().hops().forEach(UpgradeScenarioIT::assertHopFiguresHold);
        assertTrue(result.report().windowsSpanningUpgrades() > 0, "open windows crossed both switches");
    }

    @Test
    void aNativeSavepointRestoresOnTheBackendThatWroteIt(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run("native-savepoint", work);

        assertTrue(result.report().passed(), result.verdict().describe() + result.report().problems());
        assertEquals(1, result.report().hops().size());
        UpgradeScenarioIT.assertHopFiguresHold(result.report().hops().get(0));
    }

    @Test
    void aNativeSavepointCannotChangeTheBackendAndIsRolledBack(@TempDir Path work) {
        UpgradeRunner.Result rolledBack = ScenarioRuns.run("native-savepoint-backend-switch", work.resolve("rollback"));
        assertTrue(rolledBack.report().passed(), rolledBack.verdict().describe());
        assertEquals(1, rolledBack.report().rollbacks().size());
        assertTrue(rolledBack.report().rollbacks().get(0).cause().contains(
                "This can mostly happen when a different StateBackend from the one that was used for taking a "
                        + "checkpoint/savepoint is used when restoring."), rolledBack.report().rollbacks().get(0).cause());

        UpgradeException refused = assertThrows(UpgradeException.class, () -> ScenarioRuns.run(
                ScenarioRuns.named("native-savepoint-backend-switch", work.resolve("refused")), work.resolve("refused"), false));
        assertTrue(refused.getMessage().contains("Unexpected state handle type") && refused.getMessage().contains("nothing is lost"),
                refused.getMessage());
    }
}
