package com.example.upgrades.harness.run;

import com.example.upgrades.harness.userevents.Scenarios;
import com.example.upgrades.harness.userevents.UserEventsPipeline;
import com.example.upgrades.harness.project.ProjectLayout;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.variants.BrokenVariant;
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
        Scenario scenario = new Scenario("missing-uids-same-graph", UserEventsPipeline.INSTANCE,
                List.of(new Deployment("v2", v2, 4, "v2"), new Deployment("v2", v2, 4, "v2")),
                ScenarioRuns.TRAFFIC, Scenarios.WINDOW_SIZE, true);

        UpgradeRunner.Result result = ScenarioRuns.run(scenario, work, false);

        assertTrue(result.verdict().passed(), result.verdict().describe());
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
