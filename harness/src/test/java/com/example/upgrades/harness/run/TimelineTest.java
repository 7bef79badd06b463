package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** The figures a reader sees in the report, computed on series whose right answer is known. */
class TimelineTest {

    @Test
    void percentilesAreNearestRankValuesThatRecordsReallyHad() {
        assertEquals(new Timeline.Percentiles(100, 50, 99), Timeline.percentiles(LongStream.rangeClosed(1, 100).toArray()));
        assertEquals(new Timeline.Percentiles(1, 7, 7), Timeline.percentiles(new long[] {7}));
        assertEquals(new Timeline.Percentiles(4, 20, 400), Timeline.percentiles(new long[] {400, 10, 30, 20}));
        assertEquals(Timeline.Percentiles.NONE, Timeline.percentiles(new long[0]));
    }

    @Test
    void latencyIsTakenOverRecordsVisibleInTheHalfOpenSpanAndOfTheGivenWriter() {
        Timeline t = new Timeline(new long[] {1000, 1500, 2000, 2000, 3000}, new long[] {10, 20, 30, 40, 50},
                new String[] {"a", "a", "b", "a", "b"});
        assertEquals(new Timeline.Percentiles(2, 10, 20), t.latencyBetween(1000, 2000));
        assertEquals(new Timeline.Percentiles(4, 20, 40), t.latencyBetween(1000, 3000));
        assertEquals(new Timeline.Percentiles(2, 30, 50), t.latencyBetween(0, 5000, "b"));
        assertEquals(1000, t.firstVisibleOf("a"));
        assertEquals(2000, t.lastVisibleOf("a"));
        assertEquals(-1, t.firstVisibleOf("c"));
    }

    @Test
    void theOldJobsLastRecordBeforeTheNewStartIgnoresWhatTheNewOneCommittedForIt() {
        // "old" stops answering at 2000; the new job, started at 5000, commits old's pre-committed
        // records at 6000 (commit on restore), then its own from 7000.
        Timeline t = new Timeline(new long[] {1000, 2000, 6000, 6000, 7000}, new long[] {10, 10, 4000, 4000, 10},
                new String[] {"old", "old", "old", "old", "new"});
        assertEquals(2000, t.lastVisibleOfBefore("old", 5000));
        assertEquals(6000, t.lastVisibleOf("old"));
        assertEquals(-1, t.lastVisibleOfBefore("old", 1000), "nothing visible before the first record");
        assertEquals(-1, t.lastVisibleOfBefore("new", 7000));
    }

    @Test
    void caughtUpIsTheFirstSpanOfTheNewJobWhoseP99IsBackAtTheLevel() {
        // The new job's first output at 15 s answers the backlog (5 s and 4 s late); in the next
        // second one record is still 3 s late; from 17 s on every record is as fast as before (<= 200 ms).
        Timeline t = new Timeline(
                new long[] {9000, 9500, 15000, 15400, 16100, 16200, 17000, 17500, 18000},
                new long[] {150, 200, 5000, 4000, 3000, 150, 120, 130, 110},
                new String[] {"old", "old", "new", "new", "new", "new", "new", "new", "new"});
        assertEquals(17000, t.caughtUpAt("new", 15000, 200, 30000));
        assertEquals(-1, t.caughtUpAt("new", 15000, 200, 17000), "not before the span that qualifies");
        assertEquals(15000, t.caughtUpAt("new", 15000, 5000, 30000), "a level as slow as the backlog is met at once");
    }

    @Test
    void perSecondCountsEveryRecordOnce() {
        Timeline t = new Timeline(new long[] {0, 10, 999, 1000, 2500}, new long[] {1, 2, 3, 4, 5},
                new String[] {"a", "a", "a", "a", "a"});
        List<Timeline.Second> seconds = t.perSecond(0);
        assertEquals(List.of(3L, 1L, 1L), seconds.stream().map(Timeline.Second::records).toList());
        assertEquals(new Timeline.Second(0, 3, 2, 3), seconds.get(0));
    }

    @Test
    void refusesVisibilityTimesThatGoBack() {
        assertThrows(IllegalArgumentException.class,
                () -> new Timeline(new long[] {2, 1}, new long[] {0, 0}, new String[] {"a", "a"}));
    }

    @Test
    void theLongestQuietIsTheLongestWaitForNewOutputWhileAnEventWaitedForItsAnswer() {
        // Answers at 1000, 1200, 1300 (latency 100 each); nothing until 2800, whose event had waited
        // 1400 ms (a stop: events kept coming, none answered); then 3000; then the traffic pauses and
        // the answer at 9000 is to an event written just before (latency 50): no one waited for it.
        Timeline t = new Timeline(new long[] {1000, 1200, 1300, 2800, 3000, 9000}, new long[] {100, 100, 100, 1400, 300, 50},
                new String[] {"blue", "blue", "blue", "green", "green", "green"});
        assertEquals(1400, t.longestQuiet(1100, 3100), "1300 -> 2800, of which its event waited 1400 ms");
        assertEquals(100, t.longestQuiet(1000, 1300));
        assertEquals(50, t.longestQuiet(8000, 9500), "a pause in the traffic is no wait: 6000 ms quiet, 50 ms waited");
        assertEquals(-1, t.longestQuiet(0, 500), "nothing visible in the span");
    }
}
