package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's main scenario, as the README's first command runs it: v1 at 4 -> v2 at 4 -> v3 at
 * 10, each restored from the previous one's savepoint while traffic flows, the generator switching
 * to v2-format events at the v2 step. Verified as a whole: nothing lost or duplicated, every count
 * continues across both hops, job_version only moves forward, windows that span an upgrade are
 * exact, devices are counted from v2 on, and the dead-letter topic holds exactly the bad records.
 */
class UpgradeScenarioIT {

    @Test
    void v1ToV2ToV3UnderTrafficIsVerifiedClean(@TempDir Path work) throws Exception {
        // The main plan as data, as `harness run --plan docs/plans/upgrade.json` runs it (traffic sized for tests).
        Scenario plan = PlanFile.read(ProjectLayout.findProjectRoot().resolve("docs/plans/upgrade.json"), name -> UserEventsPipeline.INSTANCE)
                .toBuilder().traffic(ScenarioRuns.THREE_VERSION_TRAFFIC).build();
        UpgradeRunner.Result result = ScenarioRuns.run(plan, work, true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        Report report = result.report();
        assertEquals(List.of(), report.rollbacks());
        assertTrue(report.passed(), "no problem of the run itself: " + report.problems());
        assertEquals(List.of("v1", "v2", "v3"), report.deployments().stream().map(Report.DeploymentFigures::version).toList());
        // Each record is credited to the job that wrote it (writer-job-id), which for three distinct
        // versions must agree exactly with the job_version each record carries.
        report.deployments().forEach(d -> assertEquals(report.events().perVersion().get(d.version()), d.answerRecords(),
                "records credited to " + d + " vs records of its version " + report.events().perVersion()));
        assertEquals(report.events().produced(), report.events().perVersion().values().stream().mapToLong(n -> n).sum(),
                "one user-stats record per event, over the three versions");
        assertTrue(report.events().perWriterSchema().getOrDefault("v1", 0L) > 0
                && report.events().perWriterSchema().getOrDefault("v2", 0L) > 0, report.events().toString());
        assertTrue(result.verdict().checked().get("device counts") > 0, "v2 and v3 records had their devices checked");
        assertTrue(report.windowsSpanningUpgrades() > 0, "windows opened under one version fired under the next");

        assertEquals(2, report.hops().size());
        Report.Hop toV3 = report.hops().get(1);
        assertEquals("v2", toV3.from());
        assertEquals("v3", toV3.to());
        assertEquals(4, toV3.fromParallelism());
        assertEquals(10, toV3.toParallelism());
        report.hops().forEach(UpgradeScenarioIT::assertHopFiguresHold);
        assertTrue(Files.isRegularFile(result.reportJson().resolveSibling(Report.TIMELINE_SVG)), "the chart is written");
        assertEquals(List.of("COMPATIBLE", "COMPATIBLE"), report.preflights().stream().map(Report.Preflight::verdict).toList(),
                "harness check agrees with Flink on both hops: " + report.preflights());
    }

    /** What a reader of the report may take for granted of every hop's figures. */
    static void assertHopFiguresHold(Report.Hop h) {
        assertFigures(h);
        assertTrue(h.traffic().producedWhileNoJobRan() > 0, "events were written while no job ran: " + h.traffic());
    }

    /**
     * The same, for a hop whose traffic was let through before the old version went (a fault that
     * needs records in flight when it strikes): the new one still starts with a backlog, but
     * nothing was left to write once no job ran.
     */
    static void assertHopFiguresHoldWithTheTrafficLetThrough(Report.Hop h) {
        assertFigures(h);
    }

    private static void assertFigures(Report.Hop h) {
        assertTrue(h.savepointBytes() > 0 && h.stopMs() > 0 && h.restoreMs() > 0, h.toString());
        assertTrue(h.outputGapMs() >= h.restoreMs(),
                "the new job commits nothing before its tasks run: the gap includes the restore. " + h);
        Report.RestoreParts parts = h.restoreParts();
        assertEquals(h.restoreMs(), parts.jarRunMs() + parts.schedulingMs() + parts.stateRestoreMs(),
                "the restore is exactly its parts: " + h);
        assertTrue(parts.firstCheckpointMs() >= 0, "the new job's first checkpoint was seen: " + h);
        assertTrue(h.at().firstOutputOfNew() >= h.at().firstCheckpoint(),
                "nothing of the new job is visible before its first checkpoint completed: " + h);
        assertTrue(h.traffic().backlogAtRestore() > 0, "the hop happened under traffic: " + h.traffic());
        if (h.catchUpMs() >= 0) {
            assertTrue(h.at().stopRequested() + h.catchUpMs() >= h.at().firstOutputOfNew(),
                    "caught up no earlier than the new job's first output: " + h);
        }
        // "during" may hold no record at all: nothing is visible in the gap, and the new job's first
        // second may already be back at the level.
        assertTrue(h.latency().before().records() > 0, h.latency().toString());
    }
}
