package com.example.upgrades.userevents.verify;

import com.example.upgrades.harness.pipeline.Verdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.example.upgrades.userevents.traffic.BadRecord;
import com.example.upgrades.userevents.verify.Records.DeadLetter;
import com.example.upgrades.userevents.verify.Records.Event;
import com.example.upgrades.userevents.verify.Records.Input;
import com.example.upgrades.userevents.verify.Records.Stats;
import com.example.upgrades.userevents.verify.Records.Window;
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
                // v2 counts devices from its first event on: event 4 was written without one.
                new Stats(0, 3, "alice", 3, 4, "v2", Map.of("click", 3L), Map.of("unknown", 1L))));
        final List<Window> windows = new ArrayList<>(List.of(
                window(0, "alice", 0, 2),
                window(1, "bob", 0, 1),
                window(2, "alice", 10_000, 1)));
        final List<DeadLetter> deadLetters = new ArrayList<>(List.of(
                new DeadLetter(null, BAD_VALUE, "MISSING_KEY", "user-events-0@2")));

        Map<String, Integer> partitions = Map.of();
        Map<String, String> writers = Map.of();

        Verdict verify() {
            return new Verifier(Verifier.Contract.of(java.time.Duration.ofMillis(WINDOW)), writers)
                    .verify(new Records.Topics("user-events", inputs, stats, windows, deadLetters, partitions));
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
        Map<String, Long> want = new java.util.LinkedHashMap<>();
        for (Violation v : Violation.values()) {
            want.put(v.name(), expected.getOrDefault(v, 0L));
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

    /** Event 2 as the generator writes an event late on purpose: with the header that says so. */
    private static void writtenLate(Run run) {
        Input e2 = run.inputs.get(1);
        run.inputs.set(1, new Input(e2.partition(), e2.offset(), e2.key(), e2.value(), null, e2.event(), -1, true));
    }

    @Test
    void anEventWrittenLateOnPurposeAndDeadLetteredLateIsInNoWindowAndAccountedFor() {
        Run run = new Run();
        writtenLate(run);
        lateEvent2(run);
        Verdict verdict = run.verify();
        assertTrue(verdict.passed(), verdict.describe());
        assertEquals(1L, verdict.checked().get("late events, dead-lettered (in no window)"));
    }

    /**
     * The attack that once passed: events the job dead-lettered LATE though nothing made them late
     * (an event dated in the future had moved the watermark). Event 2 came right after event 1 (1 s)
     * in its partition: its window [0, 10) was nowhere near closed.
     */
    @Test
    void aLateDeadLetterNothingExplainsIsAWindowTheJobLost() {
        Verdict v = assertFinds(VerifierTest::lateEvent2, Map.of(Violation.WINDOW_MISMATCH, 2L));
        assertTrue(v.examples(Violation.WINDOW_MISMATCH).get(0).contains("event 2 of alice was dead-lettered LATE, but nothing "
                + "explains it"), v.describe());
    }

    /** An event behind its partition's event time by more than the out-of-orderness may be late: alice's e5 at 5 s after e4 at 12 s. */
    @Test
    void aLateDeadLetterOfAnEventBehindItsPartitionsProgressIsExplained() {
        Run run = new Run();
        run.inputs.add(input(0, 4, event(5, "alice", 5_000)));
        run.stats.add(new Stats(0, 4, "alice", 4, 5, "v2", Map.of("click", 4L), Map.of("unknown", 2L)));
        run.deadLetters.add(late(event(5, "alice", 5_000), "alice"));
        assertTrue(run.verify().passed(), run.verify().describe());
        assertEquals(1L, run.verify().checked().get("late events, dead-lettered (in no window)"));

        // At 11 s its window [10, 20) ends at 20 s, not behind 12 s - 2 s: nothing explains it being late.
        assertFinds(r -> {
            r.inputs.add(input(0, 4, event(5, "alice", 11_000)));
            r.stats.add(new Stats(0, 4, "alice", 4, 5, "v2", Map.of("click", 4L), Map.of("unknown", 2L)));
            r.deadLetters.add(late(event(5, "alice", 11_000), "alice"));
        }, Map.of(Violation.WINDOW_MISMATCH, 2L));
    }

    @Test
    void anEventWrittenWithoutADeviceIsTheSameEventReEncodedByV2WithTheDefault() {
        Run run = new Run();
        writtenLate(run);
        run.windows.set(0, window(0, "alice", 0, 1));
        run.deadLetters.add(late(new Event(2, "alice", "click", 2_000, "unknown", "v2"), "alice"));
        assertTrue(run.verify().passed(), run.verify().describe());
        assertFinds(r -> {
            writtenLate(r);
            r.windows.set(0, window(0, "alice", 0, 1));
            r.deadLetters.add(late(new Event(2, "alice", "click", 2_000, "mobile", "v2"), "alice"));
        }, Map.of(Violation.DLQ_MISMATCH, 1L, Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void aLateEventThatIsAlsoInItsWindowIsAWindowMismatch() {
        assertFinds(run -> {
            writtenLate(run);
            run.deadLetters.add(late(event(2, "alice", 2_000), "alice"));
        }, Map.of(Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void aLateEventThatNoLetterAccountsForIsAWindowMismatch() {
        assertFinds(run -> run.windows.set(0, window(0, "alice", 0, 1)), Map.of(Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void aLateDeadLetterMustHoldAnInputEventOnceUnderItsUsersKey() {
        assertFinds(run -> {
            writtenLate(run);
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
            run.stats.set(1, new Stats(0, 1, "alice", 2, 2, "v2", Map.of("click", 2L), Map.of("unknown", 1L)));
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

    /** When the records were written; a well-formed event may be at most 5 minutes ahead of it. */
    private static final long WRITTEN = java.time.Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    @Test
    void aWellFormedEventTheContractRefusesMustBeDeadLetteredNotCounted() {
        // Nobody marked it: the verifier judges it by the contract, as the job must.
        Input future = new Input(1, 1, "mallory".getBytes(StandardCharsets.UTF_8), new byte[] {7}, null,
                new Event(9, "mallory", "click", WRITTEN + 5 * 60_000 + 1, null, "v1"), WRITTEN, false);
        Run run = new Run();
        run.inputs.add(future);
        run.deadLetters.add(new DeadLetter("mallory".getBytes(StandardCharsets.UTF_8), new byte[] {7}, "FUTURE_EVENT_TIME",
                "user-events-1@1"));
        assertTrue(run.verify().passed(), run.verify().describe());
        assertEquals(2L, run.verify().checked().get("bad input records"));

        assertFinds(r -> r.inputs.add(future), Map.of(Violation.DLQ_MISMATCH, 1L));
        assertFinds(r -> {
            r.inputs.add(future);
            r.deadLetters.add(new DeadLetter("mallory".getBytes(StandardCharsets.UTF_8), new byte[] {7}, "FUTURE_EVENT_TIME",
                    "user-events-1@1"));
            r.stats.add(stats(4, "mallory", 1, 9, "v1"));
        }, Map.of(Violation.PHANTOM, 1L));
        // 5 minutes ahead is allowed clock skew: a good event.
        Input skewed = new Input(1, 1, "bob".getBytes(StandardCharsets.UTF_8), new byte[] {7}, null,
                new Event(9, "bob", "click", WRITTEN + 5 * 60_000, null, "v1"), WRITTEN, false);
        assertFinds(r -> r.inputs.add(skewed), Map.of(Violation.LOST, 1L, Violation.WINDOW_MISMATCH, 1L));
    }

    @Test
    void everyReasonTheContractGivesAWellFormedEvent() {
        Verifier v = new Verifier(WINDOW);
        byte[] alice = "alice".getBytes(StandardCharsets.UTF_8);
        assertEquals("FIELD_TOO_LONG", v.expectedDeadLetter(new Input(0, 0, alice, new byte[1], null,
                new Event(1, "alice", "x".repeat(65), 1_000, null, "v1"))));
        assertEquals(null, v.expectedDeadLetter(new Input(0, 0, alice, new byte[1], null,
                new Event(1, "alice", "x".repeat(64), 1_000, null, "v1"))));
        assertEquals("KEY_MISMATCH", v.expectedDeadLetter(new Input(0, 0, "bob".getBytes(StandardCharsets.UTF_8), new byte[1],
                null, new Event(1, "alice", "click", 1_000, null, "v1"))));
        assertEquals("EVENT_TIME_OUT_OF_RANGE", v.expectedDeadLetter(new Input(0, 0, alice, new byte[1], null,
                new Event(1, "alice", "click", -1, null, "v1"))));
        assertEquals("FUTURE_EVENT_TIME", v.expectedDeadLetter(new Input(0, 0, alice, new byte[1], null,
                new Event(1, "alice", "click", Long.MAX_VALUE, null, "v1"), WRITTEN, false)));
    }

    @Test
    void everyOutputRecordIsWrittenByAJobOfTheRunWithTheVersionItWasDeployedAs() {
        Run run = new Run();
        run.writers = Map.of("job-a", "v1", "job-b", "v2");
        run.stats.replaceAll(s -> new Stats(s.partition(), s.offset(), s.userId(), s.eventCount(), s.lastEventId(),
                s.jobVersion(), s.actionCounts(), s.deviceCounts(), s.jobVersion().equals("v1") ? "job-a" : "job-b", s.userId()));
        run.windows.replaceAll(w -> new Window(w.partition(), w.offset(), w.userId(), w.windowStart(), w.windowEnd(),
                w.eventCount(), "v2", "job-b", w.userId()));
        run.deadLetters.replaceAll(d -> new DeadLetter(d.key(), d.value(), d.reason(), d.source(), -1, -1, null, "job-a"));
        assertTrue(run.verify().passed(), run.verify().describe());

        // v2's jar deployed as v3: its records say v2.
        run.writers = Map.of("job-a", "v1", "job-b", "v3");
        Verdict verdict = run.verify();
        assertEquals(1L + run.windows.size(), verdict.count(Violation.VERSION_MISMATCH), verdict.describe());
        assertTrue(verdict.examples(Violation.VERSION_MISMATCH).get(0).contains("was deployed as v3"), verdict.describe());
        // A record of a job the run never started.
        run.writers = Map.of("job-a", "v1");
        assertTrue(run.verify().examples(Violation.VERSION_MISMATCH).get(0).contains("which this run did not deploy"));
    }

    @Test
    void outputRecordsAreKeyedByTheirUserInThePartitionTheKeyDecides() {
        assertFinds(r -> r.stats.set(0, new Stats(0, 0, "alice", 1, 1, "v1", Map.of("click", 1L), null, null, "bob")),
                Map.of(Violation.OUTPUT_KEY_MISMATCH, 1L));
        assertFinds(r -> r.windows.set(0, new Window(0, 0, "alice", 0, WINDOW, 2, "v1", null, null)),
                Map.of(Violation.OUTPUT_KEY_MISMATCH, 1L));
        // With 4 partitions, records in partition 0 are right only for keys whose hash says 0.
        Run run = new Run();
        run.partitions = Map.of("stats", 4, "windows", 4);
        long wrong = run.stats.stream().filter(s -> Verifier.partitionOf(s.userId(), 4) != 0).count()
                + run.windows.stream().filter(w -> Verifier.partitionOf(w.userId(), 4) != 0).count();
        assertTrue(wrong > 0, "the test needs a key that belongs elsewhere");
        assertEquals(wrong, run.verify().count(Violation.OUTPUT_KEY_MISMATCH), run.verify().describe());
    }

    @Test
    void aV2RecordWithoutDeviceCountsIsAMismatchNotSkipped() {
        assertFinds(r -> r.stats.set(3, stats(3, "alice", 3, 4, "v2")), Map.of(Violation.DEVICE_COUNT_MISMATCH, 1L));
    }

    @Test
    void aUsersActionsPastTheBoundAreCountedUnderOther() {
        Run run = new Run();
        run.inputs.clear();
        run.stats.clear();
        run.windows.clear();
        run.deadLetters.clear();
        Map<String, Long> actions = new java.util.HashMap<>();
        int events = com.example.upgrades.userevents.PipelineContract.MAX_NAMES + 3;
        for (int i = 1; i <= events; i++) {
            run.inputs.add(new Input(0, i, "carol".getBytes(StandardCharsets.UTF_8), new byte[] {1}, null,
                    new Event(i, "carol", "a" + i, 1_000, null, "v1")));
            actions.merge(i <= com.example.upgrades.userevents.PipelineContract.MAX_NAMES ? "a" + i : "(other)", 1L, Long::sum);
            run.stats.add(new Stats(0, i, "carol", i, i, "v1", Map.copyOf(actions), null));
        }
        run.windows.add(window(0, "carol", 0, events));
        assertTrue(run.verify().passed(), run.verify().describe());

        run.stats.set(events - 1, new Stats(0, events, "carol", events, events, "v1",
                java.util.stream.Stream.concat(actions.entrySet().stream().filter(e -> !e.getKey().equals("(other)")),
                        java.util.stream.Stream.of(Map.entry("a" + events, 3L))).collect(
                                java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), null));
        assertEquals(1, run.verify().count(Violation.ACTION_COUNT_MISMATCH), run.verify().describe());
    }

    @Test
    void verifyingNothingIsNoPass() {
        Verdict nothing = new Verifier(WINDOW).verify(new Records.Topics("user-events", List.of(), List.of(), List.of(), List.of()));
        assertTrue(nothing.clean());
        assertFalse(nothing.passed(), nothing.describe());
        assertEquals(List.of("input events", "user-stats records", "user windows", "action counts"), nothing.nothingChecked());
        assertTrue(nothing.describe().startsWith("COULD_NOT_VERIFY"), nothing.describe());
    }

    @Test
    void aWindowSizeThatIsNotPositiveIsAUsageErrorNotADivisionByZero() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Verifier(0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Verifier(-10_000));
    }

    @Test
    void versionsCompareByNumber() {
        assertTrue(Verifier.compareVersions("v10", "v9") > 0);
        assertTrue(Verifier.compareVersions("v1", "v2") < 0);
        assertEquals(0, Verifier.compareVersions("v3", "v3"));
    }
}
