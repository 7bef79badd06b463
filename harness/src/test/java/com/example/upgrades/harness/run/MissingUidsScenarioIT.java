package com.example.upgrades.harness.run;

import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.UserEventsPipeline;
import com.example.upgrades.harness.project.ProjectLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.userevents.variants.BrokenVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: every operator gets an explicit uid, stateless ones included. Variants of v2 and v3 with
 * every {@code .uid(...)} removed rely on ids that Flink generates from the shape of the graph.
 * Appending the sanitizer map after the reduce changes the generated ids of what comes after it:
 * the user-stats sink's committer state no longer has an operator, and the restore fails (and its
 * writer's old id now belongs to the sanitizer; see UpgradeCheckIT). With explicit uids the same
 * change restores fine (UpgradeScenarioIT, HopRestoreIT).
 */
class MissingUidsScenarioIT {

    @Test
    void theSameGraphWithGeneratedIdsRestores(@TempDir Path work) throws Exception {
        // The control: without the graph change, generated ids are stable and the restore works.
        Path v2 = BrokenVariant.V2_WITHOUT_UIDS.build(ProjectLayout.findProjectRoot(), work.resolve("v2"));
        Scenario scenario = Scenario.builder("missing-uids-same-graph", UserEventsPipeline.INSTANCE)
                .deploy(Deployment.of("v2", v2, 4)).then(Deployment.of("v2", v2, 4))
                .traffic(ScenarioRuns.TRAFFIC).windowSize(Scenarios.WINDOW_SIZE).build();

        UpgradeRunner.Result result = ScenarioRuns.run(scenario, work, false);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v2", "v2"), result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
    }

    @Test
    void appendingAMapToAJobWithGeneratedIdsBreaksTheRestore(@TempDir Path work) {
        Scenario scenario = ScenarioRuns.named("missing-uids", work);

        UpgradeException refused = assertThrows(UpgradeException.class, () -> ScenarioRuns.run(scenario, work, false));

        System.out.println("[test] the harness says:\n" + refused.getMessage());
        assertTrue(refused.getMessage().contains("v3 at parallelism 4 could not be restored")
                && refused.getMessage().contains("Cannot map checkpoint/savepoint state for operator")
                && refused.getMessage().contains("allowNonRestoredState"), refused.getMessage());
    }
}
