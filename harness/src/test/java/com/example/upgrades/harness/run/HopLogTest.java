package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.run.Scenario.Deployment;
import org.junit.jupiter.api.Test;

/**
 * A hop's figures from the moments the runner noted and the output a consumer saw, on a hop whose
 * every figure can be worked out by hand.
 */
class HopLogTest {

    private static final Deployment V1 = Deployment.of("v1", Path.of("job-v1.jar"), 4);
    private static final Deployment V2 = Deployment.of("v2", Path.of("job-v2.jar"), 4);

    @Test
    void everyFigureIsTakenBetweenTheMomentsItNames() {
        HopLog log = hop();
        // old job: ten records of 110..200 ms from 8 s to 9.8 s, its last one at 10.2 s; new job:
        // first output at 16 s (3 s late), then 250 ms, then back to 150 ms from 18 s on.
        Timeline t = new Timeline(
                new long[] {8_000, 8_200, 8_400, 8_600, 8_800, 9_000, 9_200, 9_400, 9_600, 9_800,
                        10_200, 16_000, 17_100, 18_000, 18_500},
                new long[] {110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 180, 3_000, 250, 150, 140},
                new String[] {"old", "old", "old", "old", "old", "old", "old", "old", "old", "old",
                        "old", "new", "new", "new", "new"});

        Report.Hop hop = log.figures(t, 0, 40_000);

        assertEquals(1_000, hop.stopMs(), "stop requested at 10 s, old job FINISHED at 11 s");
        assertEquals(new Report.RestoreParts(500, 300, 1_200, 1_500), hop.restoreParts());
        assertEquals(2_000, hop.restoreMs(), "run requested at 11.5 s, last task RUNNING at 13.5 s");
        assertEquals(5_800, hop.outputGapMs(), "last output of the old job 10.2 s, first of the new job 16 s");
        assertTrue(hop.outputGapMs() >= hop.restoreMs());
        // level: p99 of the records visible in [0, 10 s) = 200 ms (the 10th of 10). Span [16 s, 17 s) has 3 s;
        // [17 s, 18 s) has 250 ms; [18 s, 19 s) is back at <= 200 ms.
        assertEquals(8_000, hop.catchUpMs(), "stop at 10 s -> caught up at 18 s");
        assertEquals(new Timeline.Percentiles(10, 150, 200), hop.latency().before());
        assertEquals(200, hop.longestQuietBeforeMs(), "records 200 ms apart before the stop, none waited longer than 200 ms");
        assertEquals(new Timeline.Percentiles(3, 250, 3_000), hop.latency().during());
        assertEquals(new Timeline.Percentiles(2, 140, 150), hop.latency().after());
        assertEquals(new Report.HopTraffic(700, 400, 900), hop.traffic());
        assertEquals("old", hop.fromJobId());
        assertEquals("new", hop.toJobId());
    }

    /**
     * Blue/green: the new version runs (at 13.5 s) before the old one finishes (at 20 s), so no event
     * was written while no job ran; what was written during the hop is the whole overlap.
     */
    @Test
    void inABlueGreenHopAJobAlwaysRan() {
        HopLog log = hop(V2.by(Scenario.Strategy.BLUE_GREEN));
        log.oldFinished = 20_000;
        log.answersCommittedAtOldFinished = 1_500;
        log.producedAtOldFinished = 3_000;
        Timeline t = new Timeline(new long[] {9_000, 16_000}, new long[] {100, 100}, new String[] {"old", "new"});

        assertEquals(new Report.HopTraffic(2_000, 0, 200), log.figures(t, 0, 40_000).traffic());
    }

    @Test
    void aHopWithoutBacklogIsAProblemOfTheRun() {
        HopLog log = hop();
        Timeline t = new Timeline(new long[] {9_000, 16_000}, new long[] {100, 100}, new String[] {"old", "new"});
        Report.Hop withTraffic = log.figures(t, 0, 40_000);
        assertEquals(List.of(), RunLog.problems(List.of(withTraffic)));

        log.answersCommittedAtOldFinished = log.producedAtNewRunning; // everything answered: nothing waited
        List<String> problems = RunLog.problems(List.of(log.figures(t, 0, 40_000)));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("The hop v1 -> v2 happened without traffic"), problems.get(0));
    }

    @Test
    void trafficIsSplitSoThatEveryHopStartsWithABacklog() {
        UpgradeRunner.TrafficPhases phases = new UpgradeRunner.TrafficPhases(30_000, 3);
        assertEquals(5_000, phases.hopAt(1), "the first stop is asked half-way through the first phase");
        assertEquals(7_500, phases.beforeStopFinishes(1), "up to three quarters are written while it stops");
        assertEquals(10_000, phases.endOfPhase(1), "the last quarter once the old job is gone");
        assertEquals(15_000, phases.hopAt(2));
        assertEquals(30_000, phases.beforeStopFinishes(3), "the last deployment may have everything");
    }

    private static HopLog hop() {
        return hop(V2);
    }

    /** A hop from v1 to {@code to}, stop requested at 10 s, the new job's tasks RUNNING at 13.5 s. */
    private static HopLog hop(Deployment to) {
        HopLog log = new HopLog(V1, to, "old");
        log.toJob = "new";
        log.stopRequested = 10_000;
        log.oldFinished = 11_000;
        log.runRequested = 11_500;
        log.runReturned = 12_000;
        log.taskStarts = new FlinkJobs.TaskStartTimes(12_300, 13_500);
        log.allRunningSeen = 13_600;
        log.firstCheckpoint = 15_000;
        log.producedAtStop = 1_000;
        log.producedAtOldFinished = 1_300;
        log.producedAtNewRunning = 1_700;
        log.answersCommittedAtOldFinished = 800;
        return log;
    }
}
