package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import com.example.userevents.avro.UserStats;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The user-stats gate in Flink's operator test harness, as blue (generation 0) and as green
 * (generation 1) of a cutover at event 3: what each emits, holds and drops, through ANNOUNCE, GO,
 * ABORT and a snapshot.
 */
class CutoverHoldTest {

    private static final String ANNOUNCE = "{\"kind\":\"ANNOUNCE\",\"generation\":1,\"first_event_id\":3,"
            + "\"cut_event_time\":1000000,\"cut_timestamp\":1000000}";
    private static final String GO = "{\"kind\":\"GO\",\"generation\":1,\"outputs\":\"POSITION\"}";
    private static final String ABORT = "{\"kind\":\"ABORT\",\"generation\":1}";

    private CutoverHold.Stats hold;

    private BroadcastOperatorTestHarness<UserStats, String, UserStats> gate(int generation) throws Exception {
        hold = new CutoverHold.Stats(JobConfig.fromArgs(new String[] {"--cutover-generation", String.valueOf(generation)}));
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(hold, Cutover.MESSAGES);
    }

    private static UserStats answer(long eventId) {
        return UserStats.newBuilder().setUserId("ann").setEventCount(eventId).setLastEventId(eventId)
                .setActionCounts(Map.of()).build();
    }

    private static List<Long> emitted(BroadcastOperatorTestHarness<UserStats, String, UserStats> h) {
        return h.extractOutputValues().stream().map(UserStats::getLastEventId).toList();
    }

    @Test
    void blueEmitsItsSideHoldsWhatIsPastTheCutAndDropsItAtGo() throws Exception {
        try (var blue = gate(0)) {
            blue.processElement(answer(1), 1);
            blue.processBroadcastElement(ANNOUNCE, 1);
            blue.processElement(answer(2), 2);
            blue.processElement(answer(3), 3);
            assertEquals(List.of(1L, 2L), emitted(blue), "event 3 is past the cut: held");
            assertEquals(1, hold.cutoverKnown());
            blue.processBroadcastElement(GO, 4);
            blue.processElement(answer(4), 5);
            assertEquals(List.of(1L, 2L), emitted(blue), "green's side: dropped at GO, and after it");
        }
    }

    @Test
    void anAbortReleasesWhatBlueHeldInOrderAndBlueGoesOnAlone() throws Exception {
        try (var blue = gate(0)) {
            blue.processBroadcastElement(ANNOUNCE, 1);
            blue.processElement(answer(2), 2);
            blue.processElement(answer(3), 3);
            blue.processElement(answer(4), 4);
            blue.processBroadcastElement(ABORT, 5);
            blue.processElement(answer(5), 6);
            assertEquals(List.of(2L, 3L, 4L, 5L), emitted(blue));
        }
    }

    @Test
    void greenHoldsEverythingUntilGoThenReleasesOnlyItsSideEvenAcrossASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var green = gate(1)) {
            green.processElement(answer(1), 1); // before it knows the cut: held
            green.processBroadcastElement(ANNOUNCE, 2);
            green.processElement(answer(2), 3); // blue's side: dropped
            green.processElement(answer(3), 4);
            assertEquals(List.of(), emitted(green));
            snapshot = green.snapshot(1, 5);
        }
        hold = new CutoverHold.Stats(JobConfig.fromArgs(new String[] {"--cutover-generation", "1"}));
        try (var green = new BroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator<>(hold, List.of(Cutover.MESSAGES)),
                1, 1, 0)) {
            green.initializeState(snapshot);
            green.open();
            green.processBroadcastElement(GO, 6);
            green.processElement(answer(4), 7);
            assertEquals(List.of(3L, 4L), emitted(green), "held through the snapshot, released at GO, in order");
        }
    }

    @Test
    void aCutAnnouncedAfterBlueHadEmittedPastItIsReportedTooLate() throws Exception {
        try (var blue = gate(0)) {
            blue.processElement(answer(5), 1);
            blue.processBroadcastElement(ANNOUNCE, 2);
            assertEquals(-2, hold.cutoverKnown(),
                    "event 5 was emitted before the cut at 3 was known: the cutover must be aborted");
        }
    }
}
