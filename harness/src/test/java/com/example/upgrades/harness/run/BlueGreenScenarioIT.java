package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.UserEventsPipeline;
import com.example.upgrades.userevents.variants.BrokenVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blue/green, three ways. Gated (docs/plans/strategies.yaml: v1 -> v2 by stop-and-restore, v2 ->
 * v3 by a gated cutover, side by side on the same traffic): exactly once, every window exact, the
 * cutover's steps in the report, each hop's wait measured. Without the gate (a deployment
 * operator's basic mode): the overlap emitted twice, each duplicate named. With a green that cannot
 * restore: aborted before the cutover, blue never stopped, nothing lost.
 */
class BlueGreenScenarioIT {

    private static final Path ROOT = ProjectLayout.findProjectRoot();

    @Test
    void aGatedCutoverIsExactlyOnceBesideAStopAndRestoreOnTheSameTraffic(@TempDir Path work) throws Exception {
        Scenario plan = PlanFile.read(ROOT.resolve("docs/plans/strategies.yaml"), name -> UserEventsPipeline.INSTANCE);
        UpgradeRunner.Result result = ScenarioRuns.run(plan.toBuilder().traffic(ScenarioRuns.THREE_VERSION_TRAFFIC).build(),
                work, true);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v1", "v2", "v3"), result.report().deployments().stream().map(Report.DeploymentFigures::version)
                .toList());
        Report.Hop stopAndRestore = result.report().hops().get(0);
        Report.Hop blueGreen = result.report().hops().get(1);
        assertEquals("stop-and-restore", stopAndRestore.strategy());
        assertEquals("blue-green", blueGreen.strategy());
        for (HopEvent.Kind step : List.of(HopEvent.Kind.SAVEPOINT_WITHOUT_STOP, HopEvent.Kind.CUTOVER_ANNOUNCED,
                HopEvent.Kind.GO_POSITION, HopEvent.Kind.GO_TIME)) {
            assertTrue(blueGreen.events().stream().anyMatch(e -> e.kind() == step), step + " in " + blueGreen.events());
        }
        // Both measured in this run, from the same consumer's point of view (report.md sets them side by side).
        assertTrue(stopAndRestore.outputGapMs() > 0 && stopAndRestore.longestQuietMs() > 0, stopAndRestore.toString());
        assertTrue(blueGreen.longestQuietMs() > 0 && blueGreen.outputGapMs() == blueGreen.longestQuietMs(), blueGreen.toString());
        assertTrue(blueGreen.traffic().producedDuringHop() > 0, "both versions ran under traffic: " + blueGreen.traffic());
    }

    @Test
    void withoutTheGateTheOverlapIsEmittedTwiceAndEachDuplicateIsNamed(@TempDir Path work) {
        Path v1 = ProjectLayout.jar(ROOT, "v1");
        Scenario ungated = Scenario.builder("blue-green-ungated", UserEventsPipeline.INSTANCE)
                .deploy(Scenario.Deployment.of("v1", v1, 2))
                .then(Scenario.Deployment.of("v1", v1, 2).by(Scenario.Strategy.BLUE_GREEN_UNGATED))
                .traffic(ScenarioRuns.TRAFFIC).build();

        UpgradeRunner.Result result = ScenarioRuns.run(ungated, work, true);

        assertEquals(Outcome.FAIL, result.outcome(), result.report().markdown());
        assertTrue(result.verdict().count("DUPLICATE") > 0, result.verdict().describe());
        assertEquals(0, result.verdict().count("LOST"), "at least once: nothing lost, " + result.verdict().describe());
        assertTrue(result.verdict().examples("DUPLICATE").get(0).startsWith("event "), result.verdict().examples("DUPLICATE")
                .toString());
        assertTrue(result.report().hops().get(0).events().stream().anyMatch(e -> e.kind() == HopEvent.Kind.UNGATED_OVERLAP));
    }

    @Test
    void aGreenThatCannotRestoreIsAbortedAndBlueGoesOnWithNothingLost(@TempDir Path work) throws Exception {
        Path broken = BrokenVariant.STATE_TYPE_CHANGED.build(ROOT, work.resolve("variant"));
        Scenario scenario = Scenario.builder("blue-green-abort", UserEventsPipeline.INSTANCE)
                .deploy(Scenario.Deployment.of("v1", ProjectLayout.jar(ROOT, "v1"), 2))
                .then(Scenario.Deployment.of("v2", broken, 2).by(Scenario.Strategy.BLUE_GREEN))
                .traffic(ScenarioRuns.TRAFFIC).build();

        UpgradeRunner.Result result = ScenarioRuns.run(scenario, work, true);

        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.report().markdown());
        assertTrue(result.verdict().clean(), "nothing lost or twice: " + result.verdict().describe());
        assertEquals(List.of("v1"), result.report().deployments().stream().map(Report.DeploymentFigures::version).toList(),
                "blue was never stopped: the only deployment");
        assertTrue(result.report().hops().get(0).events().stream().anyMatch(e -> e.kind() == HopEvent.Kind.CUTOVER_ABORTED),
                result.report().hops().get(0).events().toString());
    }

    @Test
    void aRefusedSavepointOfBlueAbortsBeforeGreenStartsWithNothingLost(@TempDir Path work) {
        Path v1 = ProjectLayout.jar(ROOT, "v1");
        Scenario scenario = Scenario.builder("blue-green-refused-savepoint", UserEventsPipeline.INSTANCE)
                .deploy(Scenario.Deployment.of("v1", v1, 2))
                .then(Scenario.Deployment.of("v1", v1, 2).by(Scenario.Strategy.BLUE_GREEN))
                .fault(1, Fault.SAVEPOINT_STORAGE_FAILURE, 0)
                .traffic(ScenarioRuns.TRAFFIC).build();

        UpgradeRunner.Result result = ScenarioRuns.run(scenario, work, true);

        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.report().markdown());
        assertTrue(result.verdict().clean(), "nothing lost or twice: " + result.verdict().describe());
        List<HopEvent> events = result.report().hops().get(0).events();
        assertTrue(events.stream().anyMatch(e -> e.kind() == HopEvent.Kind.FAULT), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.kind() == HopEvent.Kind.CUTOVER_ABORTED), events.toString());
    }

    /**
     * Green's TaskManager terminated during the overlap, before the cutover (here it runs blue too,
     * so both fail over from their own checkpoints). The hop ends in a clean cutover, or in a clean
     * abort if green does not come back; either way nothing is lost or emitted twice, and the report
     * says which, and where the fault struck.
     */
    @Test
    void aTaskManagerLostDuringTheOverlapEndsInACleanCutoverOrACleanAbort(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run("tm-kill-during-overlap", work);

        assertTrue(result.verdict().clean(), "nothing lost or twice: " + result.verdict().describe());
        List<HopEvent> events = result.report().hops().get(0).events();
        HopEvent fault = events.stream().filter(e -> e.kind() == HopEvent.Kind.FAULT).findFirst().orElseThrow(
                () -> new AssertionError("no fault noted: " + events));
        assertEquals(Fault.TM_KILL_DURING_OVERLAP.name(), fault.fault());
        assertTrue(fault.text().contains("during the blue/green overlap, before the cutover")
                && fault.text().contains("the job failed over"), fault.text());
        boolean cutOver = events.stream().anyMatch(e -> e.kind() == HopEvent.Kind.GO_TIME);
        boolean aborted = events.stream().anyMatch(e -> e.kind() == HopEvent.Kind.CUTOVER_ABORTED);
        assertTrue(cutOver != aborted, "a cutover or an abort, one of them: " + events);
        System.out.println("[test] the hop ended in " + (cutOver ? "a clean cutover" : "a clean abort"));
        assertEquals(cutOver ? Outcome.PASS : Outcome.ROLLED_BACK, result.outcome(), result.report().markdown());
        assertEquals(cutOver ? List.of("v1", "v2") : List.of("v1"), result.report().deployments().stream()
                .map(Report.DeploymentFigures::version).toList());
    }
}
