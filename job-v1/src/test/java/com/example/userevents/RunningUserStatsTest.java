package com.example.userevents;

import static com.example.userevents.TestEvents.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import com.example.userevents.avro.UserEvent;
import com.example.userevents.avro.UserStats;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The user-stats reduce: one aggregate per event, one state entry per user, continued after restore. */
class RunningUserStatsTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, UserStats, UserStats> openHarness() throws Exception {
        return OperatorHarnesses.harnessFor(UserEventsJob::userStats);
    }

    /** The reduce is fed what the to-user-stats map makes of each event. */
    private static void process(KeyedOneInputStreamOperatorTestHarness<String, UserStats, UserStats> harness, UserEvent e)
            throws Exception {
        harness.processElement(RunningUserStats.ofEvent(e), e.getEventTime());
    }

    @Test
    void emitsTheRunningAggregateForEveryEventAndKeepsOneStateEntryPerUser() throws Exception {
        try (var harness = openHarness()) {
            harness.open();
            process(harness, event(1, "alice", "click", TestEvents.T_1S));
            process(harness, event(2, "bob", "view", TestEvents.T_2S));
            process(harness, event(3, "alice", "view", TestEvents.T_4S));
            process(harness, event(4, "alice", "click", TestEvents.T_5S));

            List<UserStats> out = harness.extractOutputValues();
            assertEquals(4, out.size());
            assertStats(out.get(0), "alice", 1, 1, Map.of("click", 1L));
            assertStats(out.get(1), "bob", 1, 2, Map.of("view", 1L));
            assertStats(out.get(2), "alice", 2, 3, Map.of("click", 1L, "view", 1L));
            assertStats(out.get(3), "alice", 3, 4, Map.of("click", 2L, "view", 1L));

            assertEquals(2, harness.numKeyedStateEntries(), "one aggregate per user");
            assertEquals(0, harness.numEventTimeTimers(), "a reduce registers no timers");
        }
    }

    @Test
    void countsContinueFromASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = openHarness()) {
            harness.open();
            process(harness, event(1, "alice", "click", TestEvents.T_1S));
            process(harness, event(2, "alice", "view", TestEvents.T_2S));
            snapshot = harness.snapshot(1L, 100L);
        }
        try (var restored = openHarness()) {
            restored.initializeState(snapshot);
            restored.open();
            assertEquals(1, restored.numKeyedStateEntries(), "alice's aggregate came back");
            process(restored, event(3, "alice", "click", TestEvents.T_4S));
            List<UserStats> out = restored.extractOutputValues();
            assertEquals(1, out.size());
            assertStats(out.get(0), "alice", 3, 3, Map.of("click", 2L, "view", 1L));
        }
    }

    @Test
    void aUsersMapHoldsAtMostMaxNamesAndCountsTheRestUnderOther() throws Exception {
        try (var harness = openHarness()) {
            harness.open();
            int events = RunningUserStats.MAX_NAMES + 50;
            for (int i = 1; i <= events; i++) {
                process(harness, event(i, "alice", "action-" + i, TestEvents.T_1S));
            }
            process(harness, event(events + 1, "alice", "action-1", TestEvents.T_2S));
            UserStats last = harness.extractOutputValues().get(events);
            assertEquals(RunningUserStats.MAX_NAMES + 1, last.getActionCounts().size(), "the first names and (other)");
            assertEquals(50L, last.getActionCounts().get(RunningUserStats.OTHER), "the names past the bound");
            assertEquals(2L, last.getActionCounts().get("action-1"), "a name already held keeps counting");
            assertEquals(events + 1, last.getActionCounts().values().stream().mapToLong(n -> n).sum(),
                    "every event is counted, under its name or under (other)");
        }
    }

    private static void assertStats(UserStats s, String user, long count, long lastEventId, Map<String, Long> actions) {
        assertEquals(user, s.getUserId());
        assertEquals(count, s.getEventCount(), "event_count of " + s);
        assertEquals(lastEventId, s.getLastEventId(), "last_event_id of " + s);
        assertEquals(actions, s.getActionCounts(), "action_counts of " + s);
    }
}
