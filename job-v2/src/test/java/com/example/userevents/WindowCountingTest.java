package com.example.userevents;

import static com.example.userevents.TestEvents.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import com.example.userevents.avro.UserEvent;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The window count: state and one timer per (user, open window); fires once when the watermark passes. */
class WindowCountingTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, UserEvent, WindowCount> openHarness() throws Exception {
        // Default window size: 10 s.
        return OperatorHarnesses.harnessFor(events -> UserEventsJob.windowCounts(events, JobConfig.defaults()));
    }

    private static void process(KeyedOneInputStreamOperatorTestHarness<String, UserEvent, WindowCount> h, UserEvent e)
            throws Exception {
        h.processElement(e, e.getEventTime());
    }

    @Test
    void keepsACountAndATimerPerUserAndWindowAndFiresAtTheWatermark() throws Exception {
        try (var harness = openHarness()) {
            harness.open();
            process(harness, event(1, "alice", "click", TestEvents.T_1S));
            process(harness, event(2, "bob", "view", TestEvents.T_2S));
            process(harness, event(3, "alice", "view", TestEvents.T_4S));
            process(harness, event(4, "alice", "click", TestEvents.T_12S));

            assertEquals(3, harness.numEventTimeTimers(), "alice [0,10), bob [0,10), alice [10,20)");
            assertTrue(harness.extractOutputValues().isEmpty(), "nothing fires before the watermark");

            harness.processWatermark(9_999L);
            assertEquals(
                    Set.of(new WindowCount("alice", 0, 10_000, 2), new WindowCount("bob", 0, 10_000, 1)),
                    Set.copyOf(harness.extractOutputValues()));
            assertEquals(1, harness.numEventTimeTimers(), "only alice's second window is still open");
            assertEquals(1, harness.numKeyedStateEntries(), "fired windows are cleared");

            harness.processWatermark(19_999L);
            assertEquals(new WindowCount("alice", 10_000, 20_000, 1), harness.extractOutputValues().get(2));
            assertEquals(0, harness.numEventTimeTimers());
            assertEquals(0, harness.numKeyedStateEntries());
        }
    }

    @Test
    void anOpenWindowAndItsTimerSurviveASnapshot() throws Exception {
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
            assertEquals(1, restored.numEventTimeTimers(), "the window's end-of-window timer came back");
            process(restored, event(3, "alice", "click", TestEvents.T_5S));
            restored.processWatermark(10_000L);
            List<WindowCount> out = restored.extractOutputValues();
            assertEquals(List.of(new WindowCount("alice", 0, 10_000, 3)), out, "counted before and after the snapshot");
        }
    }

    @Test
    void anEventBehindTheWatermarkIsInNoWindowAndGoesToTheLateSideOutput() throws Exception {
        try (var harness = openHarness()) {
            harness.open();
            process(harness, event(1, "alice", "click", TestEvents.T_1S));
            harness.processWatermark(9_999L);
            assertEquals(List.of(new WindowCount("alice", 0, 10_000, 1)), harness.extractOutputValues());

            UserEvent late = event(2, "alice", "view", TestEvents.T_4S);
            process(harness, late);
            harness.processWatermark(19_999L);
            assertEquals(1, harness.extractOutputValues().size(), "the fired window does not fire again");
            assertEquals(0, harness.numKeyedStateEntries(), "and no window is opened for the late event");
            assertEquals(List.of(late), harness.getSideOutput(WindowCounting.LATE_EVENTS).stream()
                    .map(StreamRecord::getValue).toList());
        }
    }

    @Test
    void aLateEventBecomesADeadLetterThatCarriesTheEventAndTheWatermark() throws Exception {
        UserEvent late = event(2, "alice", "view", TestEvents.T_4S);
        try (var harness = ProcessFunctionTestHarnesses.forProcessFunction(new WindowCounting.LateEventsToDeadLetters())) {
            harness.processWatermark(19_999L);
            harness.processElement(late, late.getEventTime());
            DeadLetter letter = harness.extractOutputValues().get(0);
            assertEquals(DeadLetter.Reason.LATE, letter.reason);
            assertEquals("alice", new String(letter.key, StandardCharsets.UTF_8));
            assertEquals(late, UserEvent.fromByteBuffer(ByteBuffer.wrap(letter.value)), "the event, replayable as it is");
            assertTrue(letter.detail.contains("1970-01-01T00:00:04Z is behind the watermark 1970-01-01T00:00:19.999Z"),
                    letter.detail);
            assertTrue(!letter.hasSource(), "a late event's input position is not known");
        }
    }
}
