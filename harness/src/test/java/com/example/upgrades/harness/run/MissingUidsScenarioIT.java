package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.run.Scenario.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule: every operator gets an explicit uid, stateless ones included. Variants of v2 and v3 with
 * every {@code .uid(...)} removed rely on ids that Flink generates from the shape of the graph; the
 * generated id of the reduce depends on what is chained to it, so appending the sanitizer map
 * changes the reduce's id and its state cannot be found: the restore fails. With explicit uids
 * the same change restores fine (UpgradeScenarioIT, HopRestoreIT).
 */
class MissingUidsScenarioIT {

    private static String withoutUids(String source) {
        return source.replaceAll("\\s*\\.uid\\([A-Z_]+\\)", "");
    }

    @Test
    void theSameGraphWithGeneratedIdsRestores(@TempDir Path work) throws Exception {
        // The control: without the graph change, generated ids are stable and the restore works.
        Path v2 = JobVariants.build("v2", MissingUidsScenarioIT::withoutUids, work.resolve("v2"));
        Scenario scenario = new Scenario("missing-uids-same-graph",
                List.of(new Deployment("v2", v2, 4, "v2"), new Deployment("v2", v2, 4, "v2")),
                ScenarioRuns.TRAFFIC, Scenarios.WINDOW_SIZE, true);

        UpgradeRunner.Result result;
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 4, System.out)) {
            result = new UpgradeRunner(env, System.out).withRollback(false).run(scenario, work.resolve("report"));
        }

        assertTrue(result.verdict().passed(), result.verdict().describe());
    }

    @Test
    void appendingAMapToAJobWithGeneratedIdsBreaksTheRestore(@TempDir Path work) throws Exception {
        Path v2 = JobVariants.build("v2", MissingUidsScenarioIT::withoutUids, work.resolve("v2"));
        Path v3 = JobVariants.build("v3", MissingUidsScenarioIT::withoutUids, work.resolve("v3"));
        Scenario scenario = new Scenario("missing-uids",
                List.of(new Deployment("v2", v2, 4, "v2"), new Deployment("v3", v3, 4, "v2")),
                ScenarioRuns.TRAFFIC, Scenarios.WINDOW_SIZE, true);

        UpgradeException refused = assertThrows(UpgradeException.class, () -> {
            try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 4, System.out)) {
                new UpgradeRunner(env, System.out).withRollback(false).run(scenario, work.resolve("report"));
            }
        });

        System.out.println("[test] the harness says:\n" + refused.getMessage());
        assertTrue(refused.getMessage().contains("v3 at parallelism 4 could not be restored")
                && refused.getMessage().contains("Cannot map checkpoint/savepoint state for operator")
                && refused.getMessage().contains("allowNonRestoredState"), refused.getMessage());
    }
}
