package com.example.upgrades.harness.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.example.upgrades.harness.traffic.BadRecord;
import com.example.upgrades.harness.verify.Records.DeadLetter;
import com.example.upgrades.harness.verify.Records.Event;
import com.example.upgrades.harness.verify.Records.Input;
import com.example.upgrades.harness.verify.Records.Stats;
import com.example.upgrades.harness.verify.Records.Window;
import org.junit.jupiter.api.Test;

/**
 * A verifier that cannot fail is worthless: each test hands it the outputs of a correct run with
 * one kind of violation planted, and asserts that exactly that violation is reported.
 *
 * <pre>
 * input user-events           user-stats (count, version)   user-windows (10 s)
 * p0@0 e1 alice  1 s          alice 1 v1                    alice [0,10) = 2
 * p0@1 e2 alice  2 s          alice 2 v1                    bob   [0,10) = 1
 * p1@0 e3 bob    3 s          bob   1 v1                    alice [10,20) = 1
 * p0@2 (bad: MISSING_KEY)     -                             -       -> one dead letter
 * p0@3 e4 alice 12 s          alice 3 v2
 * </pre>
 */
class VerifierTest {

    private static final long WINDOW = 10_000;
    private static final byte[] BAD_VALUE = {(byte) 0xC3, 0x01, 1, 2, 3};

    /** The outputs of a correct run; each test spoils a copy. */
    private static final class Run {
        final List<Input> inputs = new ArrayList<>(List.of(
                input(0, 0, event(1, "alice", 1_000)),
                input(0, 1, event(2, "alice", 2_000)),
                input(1, 0, event(3, "bob", 3_000)),
                new Input(0, 2, null, BAD_VALUE, BadRecord.MISSING_KEY, null),
                input(0, 3, event(4, "alice", 12_000))));
        final List<Stats> stats = new ArrayList<>(List.of(
                stats(0, "alice", 1, 1, "v1"),
                stats(1, "alice", 2, 2, "v1"),
                stats(2, "bob", 1, 3, "v1"),
                stats(3, "alice", 3, 4, "v2")));
        final List<Window> windows = new ArrayList<>(List.of(
                window(0, "alice", 0, 2),
                window(1, "bob", 0, 1),
                window(2, "alice", 10_000, 1)));
        final List<DeadLetter> deadLetters = new ArrayList<>(List.of(
                new DeadLetter(null, BAD_VALUE, "MISSING_KEY", "user-events-0@2")));

        Verdict verify() {
            return new Verifier(WINDOW).verify(new Records.Topics("user-events", inputs, stats, windows, deadLetters));
        }
    }

    private static Event event(long id, String user, long time) {
        return new Event(id, user, "click", time, null, "v1");
    }

    private static Input input(int partition, long offset, Event e) {
        return new Input(partition, offset, e.userId().getBytes(StandardCharsets.UTF_8), new byte[] {1}, null, e);
    }

    private static Stats stats(long offset, String user, long count, long lastEventId, String version) {
        return new Stats(0, offset, user, count, lastEventId, version, Map.of("click", count), null);
    }

    private static Window window(long offset, String user, long start, long count) {
        return new Window(0, offset, user, start, start + WINDOW, count, "v1");
    }

    /** Spoils a correct run and asserts that exactly {@code expected} is reported (all else zero). */
    private static Verdict assertFinds(Consumer<Run> spoil, Map<Violation, Long> expected) {
        Run run = new Run();
        spoil.accept(run);
        Verdict verdict = run.verify();
        Map<Violation, Long> want = new EnumMap<>(Violation.class);
        for (Violation v : Violation.values()) {
            want.put(v, expected.getOrDefault(v, 0L));
        }
        assertEquals(want, verdict.counts(), verdict.describe());
        assertFalse(verdict.passed());
        expected.keySet().forEach(v -> assertFalse(verdict.examples(v).isEmpty(), "an example of " + v));
        return verdict;
    }

    @Test
    void aCorrectRunPasses() {
        Verdict verdict = new Run().verify();
        assertTrue(verdict.passed(), verdict.describe());
        assertEquals(4L, verdict.checked().get("input events"));
        assertEquals(3L, verdict.checked().get("user windows"));
        assertEquals(1L, verdict.checked().get("bad input records"));
    }

    /** Alice's event 2 (at 2 s) reached the window count behind the watermark: her [0,10) window counted 1. */
    private static void lateEvent2(Run run) {
        run.windows.set(0, window(0, "alice", 0, 1));
        run.deadLetters.add(late(event(2, "alice", 2_000), "alice"));
    }

    private static DeadLetter late(Event e, String key) {
        return DeadLetter.late(key.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x01}, e);
    }

    @Test
    void anEventDeadLetteredLateIsInNoWindowAndAccountedFor() {
        Run run = new Run();
        lateEvent2(run);
        Verdict verdict = run.verify();
        assertTrue(verdict.passed(), verdict.describe());
        assertEquals(1L, verdict.checked().get("late events, dead-lettered (in no window)"));
    }

    @Test
    void anEventWrittenWithoutADeviceIsTheSameEventReEncodedByV2WithTheDefault() {
        Run run = new Run();
        run.windows.set(0, window(0, "alice", 0, 1));
        run.deadLetters.add(late(new Event(2, "alice", "click", 2_000, "unknown", "v2"), "alice"));
        assertTrue(run.verify().passed(), run.verify().describe());
        assertFinds(r -> {
            r.windows.set(0, window(0, "alice", 0, 1));
            r.deadLetters.add(late(new Event(2, "alice", "click", 2_000, "mobile", "v2"), "alice"));
        }, Map.of(Violation.DLQ_MISMATCH, 1L, Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void aLateEventThatIsAlsoInItsWindowIsAWindowMismatch() {
        assertFinds(run -> run.deadLetters.add(late(event(2, "alice", 2_000), "alice")),
                Map.of(Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void aLateEventThatNoLetterAccountsForIsAWindowMismatch() {
        assertFinds(run -> run.windows.set(0, window(0, "alice", 0, 1)), Map.of(Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void aLateDeadLetterMustHoldAnInputEventOnceUnderItsUsersKey() {
        assertFinds(run -> {
            lateEvent2(run);
            run.deadLetters.add(late(event(2, "alice", 2_000), "alice"));
        }, Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> {
            run.windows.set(0, window(0, "alice", 0, 1));
            run.deadLetters.add(late(event(2, "alice", 2_000), "bob"));
        }, Map.of(Violation.DLQ_MISMATCH, 1L, Violation.WINDOW_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.add(late(event(9, "alice", 2_000), "alice")), Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.add(late(event(2, "alice", 7_000), "alice")), Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.add(DeadLetter.late(new byte[0], new byte[] {1}, null)),
                Map.of(Violation.DLQ_MISMATCH, 1L));
    }

    @Test
    void anEventWithoutStatsIsLost() {
        Verdict v = assertFinds(run -> run.stats.remove(1), Map.of(Violation.LOST, 1L));
        assertTrue(v.examples(Violation.LOST).get(0).contains("event 2"), v.describe());
    }

    @Test
    void anEventWithTwoStatsRecordsIsDuplicated() {
        assertFinds(run -> run.stats.add(stats(4, "bob", 1, 3, "v1")), Map.of(Violation.DUPLICATE, 1L));
    }

    @Test
    void aCountThatRestartedIsStateLost() {
        assertFinds(run -> run.stats.set(3, stats(3, "alice", 1, 4, "v2")), Map.of(Violation.STATE_LOST, 1L));
    }

    @Test
    void aCountTooHighIsDoubleCounted() {
        assertFinds(run -> run.stats.set(3, stats(3, "alice", 5, 4, "v2")), Map.of(Violation.DOUBLE_COUNTED, 1L));
    }

    @Test
    void aReprocessedEventWithRestartedStateIsBothDuplicateAndStateLost() {
        assertFinds(run -> run.stats.add(stats(4, "alice", 1, 4, "v2")),
                Map.of(Violation.DUPLICATE, 1L, Violation.STATE_LOST, 1L));
    }

    @Test
    void anOlderVersionAfterANewerOneIsARegression() {
        assertFinds(run -> {
            run.stats.set(1, stats(1, "alice", 2, 2, "v2"));
            run.stats.set(3, stats(3, "alice", 3, 4, "v1"));
        }, Map.of(Violation.VERSION_REGRESSION, 1L));
    }

    @Test
    void outputsWithoutInputArePhantoms() {
        assertFinds(run -> {
            run.stats.add(stats(4, "alice", 4, 99, "v2"));
            run.stats.add(stats(5, "carol", 1, 3, "v2")); // event 3 is bob's, not carol's
            run.windows.add(window(3, "carol", 0, 1));
        }, Map.of(Violation.PHANTOM, 3L));
    }

    @Test
    void windowsMustBeExactAndUnique() {
        assertFinds(run -> run.windows.set(0, window(0, "alice", 0, 1)), Map.of(Violation.WINDOW_MISMATCH, 1L));
        assertFinds(run -> run.windows.remove(1), Map.of(Violation.WINDOW_MISMATCH, 1L));
        assertFinds(run -> run.windows.add(window(3, "bob", 0, 1)), Map.of(Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void deadLettersMustMatchTheBadRecordsExactly() {
        assertFinds(run -> run.deadLetters.clear(), Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.set(0, new DeadLetter(null, BAD_VALUE, "CORRUPT_DATUM", "user-events-0@2")),
                Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.set(0, new DeadLetter(null, new byte[] {9}, "MISSING_KEY", "user-events-0@2")),
                Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.add(run.deadLetters.get(0)), Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.add(new DeadLetter(new byte[] {1}, new byte[] {1}, "BAD_MARKER", "user-events-0@0")),
                Map.of(Violation.DLQ_MISMATCH, 1L));
    }

    @Test
    void aDeadLetterCutToFitCarriesTheStartOfTheOriginalAndItsSizes() {
        // The bad record is 5 bytes with no key; a dead letter of its first 3 bytes says so.
        byte[] start = java.util.Arrays.copyOf(BAD_VALUE, 3);
        Run cut = new Run();
        cut.deadLetters.set(0, new DeadLetter(null, start, "MISSING_KEY", "user-events-0@2", 0, BAD_VALUE.length));
        assertTrue(cut.verify().passed(), cut.verify().describe());

        assertFinds(run -> run.deadLetters.set(0, new DeadLetter(null, start, "MISSING_KEY", "user-events-0@2", 0, 4)),
                Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.set(0, new DeadLetter(null, new byte[] {9, 9, 9}, "MISSING_KEY", "user-events-0@2",
                0, BAD_VALUE.length)), Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(run -> run.deadLetters.set(0, new DeadLetter(null, BAD_VALUE, "MISSING_KEY", "user-events-0@2",
                0, BAD_VALUE.length)), Map.of(Violation.DLQ_MISMATCH, 1L));
    }

    @Test
    void deviceCountsStartWithV2AndCountV1WrittenEventsAsUnknown() {
        Run run = new Run();
        run.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v2", Map.of("click", 3L), Map.of("unknown", 1L)));
        assertTrue(run.verify().passed(), run.verify().describe());

        assertFinds(r -> r.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v2", Map.of("click", 3L), Map.of("mobile", 1L))),
                Map.of(Violation.DEVICE_COUNT_MISMATCH, 1L));
        assertFinds(r -> r.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v2", Map.of("click", 3L), Map.of("unknown", 3L))),
                Map.of(Violation.DEVICE_COUNT_MISMATCH, 1L));
    }

    @Test
    void deviceNamesCompareAsTheSanitizerShowsThem() {
        Run run = new Run();
        run.inputs.set(4, input(0, 3, new Event(4, "alice", "click", 12_000, "Mobile ", "v2")));
        run.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v3", Map.of("click", 3L), Map.of("mobile", 1L)));
        assertTrue(run.verify().passed(), run.verify().describe());
    }

    @Test
    void upToV2NamesAreShownAsSentSoASanitizedNameIsAMismatch() {
        Run run = new Run();
        run.inputs.set(4, input(0, 3, new Event(4, "alice", " Click", 12_000, "Mobile ", "v2")));
        run.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v2", Map.of("click", 2L, " Click", 1L), Map.of("Mobile ", 1L)));
        assertTrue(run.verify().passed(), run.verify().describe());

        assertFinds(r -> {
            r.inputs.set(4, input(0, 3, new Event(4, "alice", " Click", 12_000, "Mobile ", "v2")));
            r.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v2", Map.of("click", 2L, " Click", 1L), Map.of("mobile", 1L)));
        }, Map.of(Violation.DEVICE_COUNT_MISMATCH, 1L));
        assertFinds(r -> {
            r.inputs.set(4, input(0, 3, new Event(4, "alice", " Click", 12_000, "Mobile ", "v2")));
            r.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v2", Map.of("click", 3L), Map.of("Mobile ", 1L)));
        }, Map.of(Violation.ACTION_COUNT_MISMATCH, 1L));
    }

    @Test
    void fromV3TheSanitizerMergesSpellingsOfEveryEventSoFar() {
        Run run = new Run();
        run.inputs.set(4, input(0, 3, new Event(4, "alice", " Click", 12_000, "Mobile ", "v2")));
        run.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v3", Map.of("click", 3L), Map.of("mobile", 1L)));
        assertTrue(run.verify().passed(), run.verify().describe());

        assertFinds(r -> {
            r.inputs.set(4, input(0, 3, new Event(4, "alice", " Click", 12_000, "Mobile ", "v2")));
            r.stats.set(3, new Stats(0, 3, "alice", 3, 4, "v3", Map.of("click", 2L, " Click", 1L), Map.of("mobile", 1L)));
        }, Map.of(Violation.ACTION_COUNT_MISMATCH, 1L));
    }

    @Test
    void actionCountsMustCountEveryEventOfTheUserSoFar() {
        assertFinds(r -> r.stats.set(1, new Stats(0, 1, "alice", 2, 2, "v1", Map.of("click", 1L), null)),
                Map.of(Violation.ACTION_COUNT_MISMATCH, 1L));
    }

    @Test
    void versionsCompareByNumber() {
        assertTrue(Verifier.compareVersions("v10", "v9") > 0);
        assertTrue(Verifier.compareVersions("v1", "v2") < 0);
        assertEquals(0, Verifier.compareVersions("v3", "v3"));
    }
}
