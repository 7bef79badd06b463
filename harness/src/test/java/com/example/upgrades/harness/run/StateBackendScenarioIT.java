package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where keyed state lives is a job option, and a canonical savepoint carries it from one state
 * backend to the other and back; a native one only to the same backend.
 */
class StateBackendScenarioIT {

    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 10);

    private static Scenario named(String name, Path work, TrafficPlan traffic) {
        return Scenarios.named(name, ProjectLayout.findProjectRoot(), traffic, work.resolve("variants"));
    }

    @Test
    void aCanonicalSavepointCarriesEveryKindOfStateFromTheHeapToRocksDbAndBack(@TempDir Path work) {
        UpgradeRunner.Result result = HARNESS.run(named("state-backend-switch", work, ScenarioRuns.THREE_VERSION_TRAFFIC), true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v2", "v3", "v3"), result.report().deployments().stream()
                .map(Report.DeploymentFigures::version).toList());
        assertEquals(2, result.report().hops().size(), "heap -> RocksDB, then RocksDB -> heap: " + result.report().rollbacks());
        result.report().hops().forEach(UpgradeScenarioIT::assertHopFiguresHold);
        assertTrue(result.report().windowsSpanningUpgrades() > 0, "open windows crossed both switches");
    }

    /**
     * The scenarios native-savepoint and native-savepoint-backend-switch in one run: v2 at 4 on
     * RocksDB -> v3 at 10 on RocksDB through a NATIVE savepoint (RocksDB's own files: restores on the
     * same backend), then -> v3 at 10 on the heap through a NATIVE savepoint, which the heap backend
     * cannot read: refused, rolled back to v3 on RocksDB, as the plan expects.
     */
    @Test
    void aNativeSavepointRestoresOnTheBackendThatWroteItAndNoOther(@TempDir Path work) {
        Scenario same = named("native-savepoint", work, ScenarioRuns.THREE_VERSION_TRAFFIC);
        Scenario other = named("native-savepoint-backend-switch", work, ScenarioRuns.THREE_VERSION_TRAFFIC);
        Scenario plan = same.toBuilder().then(other.deployments().get(1)).expectingRollback().build();
        UpgradeRunner.Result result = HARNESS.run(plan, true);

        assertEquals(Outcome.PASS, result.outcome(), "the plan expects the second refusal: " + result.report().markdown());
        assertEquals(List.of("v2", "v3", "v3"), result.report().deployments().stream().map(Report.DeploymentFigures::version)
                .toList(), "v3 on RocksDB took, the heap's v3 was refused and RocksDB's v3 restored");
        assertEquals(1, result.report().hops().size(), "one hop took: " + result.report().hops());
        UpgradeScenarioIT.assertHopFiguresHold(result.report().hops().get(0));
        assertEquals(1, result.report().rollbacks().size());
        // The harness's message (without --rollback the run ends with it): Flink's cause, and that nothing is lost.
        String cause = result.report().rollbacks().get(0).cause();
        assertTrue(cause.contains("This can mostly happen when a different StateBackend from the one that was used for "
                + "taking a checkpoint/savepoint is used when restoring.") && cause.contains("Unexpected state handle type")
                && cause.contains("nothing is lost"), cause);
    }
}
