package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.example.upgrades.harness.junit.UpgradeHarness;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * v1 at parallelism 4 -> stop with savepoint under live traffic -> the same jar restored at
 * parallelism 2 -> final drain: nothing lost, nothing duplicated, every count continues, and the
 * report carries the figures of the hop.
 */
class RescaleScenarioIT {

    /** The project's own tests are the first users of the JUnit extension a team uses for its jars. */
    @RegisterExtension
    static final UpgradeHarness HARNESS = UpgradeHarness.embedded(UserEventsPipeline.INSTANCE, 4);

    @Test
    void rescaledRestoreKeepsEveryKindOfState() throws Exception {
        Path v1 = ProjectLayout.jar(ProjectLayout.findProjectRoot(), "v1");
        UpgradeRunner.Result result = HARNESS.plan("rescale-v1")
                .deploy("v1", v1, 4)
                .then("v1", v1, 2)
                .traffic(ScenarioRuns.TRAFFIC)
                .run();

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        Report report = result.report();
        assertEquals(List.of(), report.rollbacks());
        assertEquals(ScenarioRuns.TRAFFIC.events(), report.events().produced());
        assertTrue(report.events().badRecords() > 0, "bad records were written and dead-lettered");
        assertEquals(2, report.deployments().size());
        assertTrue(report.passed(), "no problem of the run itself: " + report.problems());
        // Both jobs are v1: only the writer-job-id header tells their records apart.
        assertNotEquals(report.deployments().get(0).jobId(), report.deployments().get(1).jobId());
        report.deployments().forEach(d -> assertTrue(d.answerRecords() > 0,
                "both jobs produced output, so the hop happened under live traffic: " + report.deployments()));
        assertEquals(report.events().produced(),
                report.deployments().stream().mapToLong(Report.DeploymentFigures::answerRecords).sum(),
                "every user-stats record is credited to exactly one of the two jobs");
        assertTrue(report.windowsSpanningUpgrades() > 0, "some windows were opened by v1@4 and fired by v1@2");

        Report.Hop hop = report.hops().get(0);
        assertEquals(4, hop.fromParallelism());
        assertEquals(2, hop.toParallelism());
        UpgradeScenarioIT.assertHopFiguresHold(hop);
        assertTrue(hop.savepointBytes() > 0, "savepoint size measured: " + hop);
        assertTrue(Files.isDirectory(Path.of(java.net.URI.create(hop.savepointPath()))), hop.savepointPath());

        // report.json follows the contract of docs/DESIGN.md; report.md is next to it.
        JsonNode json = new ObjectMapper().readTree(result.reportJson().toFile());
        for (String field : List.of("scenario", "environment", "verdict", "violations", "events", "hops",
                "windows_spanning_upgrades", "wall_ms")) {
            assertTrue(json.has(field), "report.json has " + field);
        }
        assertEquals("PASS", json.get("verdict").asText());
        assertEquals("embedded", json.get("environment").asText());
        assertTrue(Set.copyOf(iterable(json.get("violations").fieldNames())).containsAll(Set.of("LOST", "DUPLICATE",
                "STATE_LOST", "DOUBLE_COUNTED", "VERSION_REGRESSION", "PHANTOM", "WINDOW_MISMATCH", "DLQ_MISMATCH")));
        for (String field : List.of("produced", "bad_records", "per_version")) {
            assertTrue(json.get("events").has(field), "events." + field);
        }
        for (String field : List.of("from", "to", "from_parallelism", "to_parallelism", "savepoint_path",
                "savepoint_bytes", "stop_ms", "restore_ms", "output_gap_ms")) {
            assertTrue(json.get("hops").get(0).has(field), "hops[0]." + field);
        }
        assertTrue(Files.readString(result.reportJson().resolveSibling("report.md")).contains("**Verdict: PASS**"));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
