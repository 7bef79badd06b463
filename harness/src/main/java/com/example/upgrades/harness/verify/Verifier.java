package com.example.upgrades.harness.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.example.upgrades.harness.verify.Records.DeadLetter;
import com.example.upgrades.harness.verify.Records.Event;
import com.example.upgrades.harness.verify.Records.Input;
import com.example.upgrades.harness.verify.Records.Stats;
import com.example.upgrades.harness.verify.Records.Window;

/**
 * The Verification contract of docs/DESIGN.md. For every input event e, the k-th event of its user in
 * partition order:
 *
 * <ul>
 *   <li>exactly one user-stats record has last_event_id = e.event_id (none: LOST; more: DUPLICATE);
 *   <li>its event_count is k (less: STATE_LOST; more: DOUBLE_COUNTED);
 *   <li>per user, job_version never goes backwards (VERSION_REGRESSION).
 * </ul>
 * For every (user, window) with events, exactly one user-windows record with the exact count
 * (WINDOW_MISMATCH), where an event the job dead-lettered as LATE (behind the watermark at the window
 * count) is in no window. No output record without a matching input (PHANTOM). Every dead letter
 * matches a bad record the generator wrote on purpose, with the right reason and the original
 * bytes, and every such bad record has exactly one dead letter; a LATE dead letter holds exactly
 * one input event, once, under its user's key (DLQ_MISMATCH). From v2 on, user-stats count
 * devices: each record's device_counts must hold the devices of exactly the user's events so far
 * that v2 or later processed, v1-written events under "unknown" (DEVICE_COUNT_MISMATCH); and every
 * record's action_counts the actions of all the user's events so far (ACTION_COUNT_MISMATCH); both
 * under the names as sent up to v2 and as the v3 sanitizer shows them from v3 on.
 */
public final class Verifier {

    /** The device of an event written without one, as v2 and later read it (their schema's default). */
    static final String UNKNOWN_DEVICE = "unknown";

    private final long windowSizeMillis;

    public Verifier(long windowSizeMillis) {
        this.windowSizeMillis = windowSizeMillis;
    }

    public Verdict verify(Records.Topics topics) {
        Verdict verdict = new Verdict();
        Map<Long, Position> positions = positionsOfEvents(topics.inputs());
        verdict.checked("input events", positions.size());
        verdict.checked("user-stats records", topics.stats().size());
        checkStats(topics.stats(), positions, verdict);
        checkVersionOrder(topics.stats(), verdict);
        Set<Long> late = lateEvents(topics.deadLetters(), positions, verdict);
        checkWindows(topics.windows(), positions, late, verdict);
        checkDeadLetters(topics, verdict);
        checkCounts(topics, verdict);
        return verdict;
    }

    /** An event and its place in its user's history: the k-th event of that user. */
    private record Position(Event event, long k) {}

    private static Map<Long, Position> positionsOfEvents(List<Input> inputs) {
        List<Input> ordered = new ArrayList<>(inputs);
        ordered.sort(Comparator.comparingInt(Input::partition).thenComparingLong(Input::offset));
        Map<String, Long> perUser = new HashMap<>();
        Map<Long, Position> positions = new HashMap<>();
        for (Input input : ordered) {
            if (input.event() != null && input.intendedBad() == null) {
                long k = perUser.merge(input.event().userId(), 1L, Long::sum);
                positions.put(input.event().eventId(), new Position(input.event(), k));
            }
        }
        return positions;
    }

    private static void checkStats(List<Stats> stats, Map<Long, Position> positions, Verdict verdict) {
        Map<Long, List<Stats>> byEvent = new HashMap<>();
        for (Stats s : stats) {
            Position p = positions.get(s.lastEventId());
            if (p == null || !p.event().userId().equals(s.userId())) {
                verdict.add(Violation.PHANTOM, "user-stats " + s.userId() + " last_event_id=" + s.lastEventId()
                        + " at " + s.partition() + "@" + s.offset() + " matches no input event of that user");
            } else {
                byEvent.computeIfAbsent(s.lastEventId(), id -> new ArrayList<>()).add(s);
            }
        }
        positions.values().stream().sorted(Comparator.comparingLong(p -> p.event().eventId())).forEach(p -> {
            Event e = p.event();
            List<Stats> records = byEvent.getOrDefault(e.eventId(), List.of());
            if (records.isEmpty()) {
                verdict.add(Violation.LOST, "event " + e.eventId() + " of " + e.userId() + " has no user-stats record");
                return;
            }
            if (records.size() > 1) {
                verdict.add(Violation.DUPLICATE, "event " + e.eventId() + " of " + e.userId() + " has "
                        + records.size() + " user-stats records (" + versions(records) + ")");
            }
            if (records.stream().anyMatch(s -> s.eventCount() < p.k())) {
                verdict.add(Violation.STATE_LOST, "event " + e.eventId() + " is event #" + p.k() + " of " + e.userId()
                        + " but user-stats says event_count=" + counts(records));
            }
            if (records.stream().anyMatch(s -> s.eventCount() > p.k())) {
                verdict.add(Violation.DOUBLE_COUNTED, "event " + e.eventId() + " is event #" + p.k() + " of "
                        + e.userId() + " but user-stats says event_count=" + counts(records));
            }
        });
    }

    private static String versions(List<Stats> records) {
        return records.stream().map(Stats::jobVersion).toList().toString();
    }

    private static String counts(List<Stats> records) {
        return records.stream().map(s -> s.eventCount() + " (" + s.jobVersion() + ")").toList().toString();
    }

    /** Per user (one output partition each, as the key is user_id), in log order. */
    private static void checkVersionOrder(List<Stats> stats, Verdict verdict) {
        List<Stats> ordered = new ArrayList<>(stats);
        ordered.sort(Comparator.comparingInt(Stats::partition).thenComparingLong(Stats::offset));
        Map<String, String> newest = new HashMap<>();
        for (Stats s : ordered) {
            String before = newest.get(s.userId());
            if (before != null && compareVersions(s.jobVersion(), before) < 0) {
                verdict.add(Violation.VERSION_REGRESSION, s.userId() + " went from " + before + " back to "
                        + s.jobVersion() + " at user-stats " + s.partition() + "@" + s.offset());
            } else {
                newest.put(s.userId(), s.jobVersion());
            }
        }
    }

    /** "v2" > "v1", "v10" > "v9". */
    static int compareVersions(String a, String b) {
        return Integer.compare(number(a), number(b));
    }

    private static int number(String version) {
        try {
            return Integer.parseInt(version.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private record WindowKey(String userId, long start) {}

    /**
     * The ids of the events the job found late. A LATE dead letter must hold an input event as it
     * was written (any field changed: it is not that event), under its user's key, and only once.
     */
    private static Set<Long> lateEvents(List<DeadLetter> letters, Map<Long, Position> positions, Verdict verdict) {
        Set<Long> late = new HashSet<>();
        for (DeadLetter letter : letters) {
            if (!letter.isLate()) {
                continue;
            }
            Event e = letter.lateEvent();
            Position p = e == null ? null : positions.get(e.eventId());
            if (p == null || !sameEvent(p.event(), e)) {
                verdict.add(Violation.DLQ_MISMATCH, "LATE dead letter " + (e == null ? "that holds no decodable event"
                        : "of event " + e.eventId() + " (" + e.userId() + ")") + " matches no input event");
            } else if (late.contains(e.eventId())) {
                verdict.add(Violation.DLQ_MISMATCH, "event " + e.eventId() + " of " + e.userId() + " was dead-lettered LATE twice");
            } else if (!Arrays.equals(letter.key(), e.userId().getBytes(StandardCharsets.UTF_8))) {
                verdict.add(Violation.DLQ_MISMATCH, "LATE dead letter of event " + e.eventId() + " is not keyed by its user " + e.userId());
            } else {
                late.add(e.eventId());
            }
        }
        verdict.checked("late events, dead-lettered (in no window)", late.size());
        return late;
    }

    /**
     * The same event, whichever schema the job re-encoded it with: a v1-written event (no device)
     * re-encoded by v2 or later carries the v2 schema's default, "unknown".
     */
    private static boolean sameEvent(Event written, Event late) {
        boolean sameDevice = written.deviceType() == null
                ? late.deviceType() == null || UNKNOWN_DEVICE.equals(late.deviceType())
                : written.deviceType().equals(late.deviceType());
        return written.eventId() == late.eventId() && written.userId().equals(late.userId())
                && written.action().equals(late.action()) && written.eventTime() == late.eventTime() && sameDevice;
    }

    private void checkWindows(List<Window> windows, Map<Long, Position> positions, Set<Long> late, Verdict verdict) {
        Map<WindowKey, Long> expected = new HashMap<>();
        for (Position p : positions.values()) {
            if (late.contains(p.event().eventId())) {
                continue;
            }
            long time = p.event().eventTime();
            expected.merge(new WindowKey(p.event().userId(), time - Math.floorMod(time, windowSizeMillis)), 1L, Long::sum);
        }
        verdict.checked("user windows", expected.size());
        Map<WindowKey, List<Window>> actual = new HashMap<>();
        for (Window w : windows) {
            actual.computeIfAbsent(new WindowKey(w.userId(), w.windowStart()), k -> new ArrayList<>()).add(w);
        }
        expected.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getKey().start())).forEach(e -> {
            WindowKey key = e.getKey();
            List<Window> records = actual.getOrDefault(key, List.of());
            String which = key.userId() + " [" + key.start() + ", " + (key.start() + windowSizeMillis) + ")";
            if (records.size() != 1) {
                verdict.add(Violation.WINDOW_MISMATCH, which + " has " + e.getValue() + " events and "
                        + records.size() + " user-windows records");
            } else if (records.get(0).eventCount() != e.getValue()
                    || records.get(0).windowEnd() != key.start() + windowSizeMillis) {
                Window w = records.get(0);
                verdict.add(Violation.WINDOW_MISMATCH, which + " has " + e.getValue() + " events but user-windows says "
                        + w.eventCount() + " in [" + w.windowStart() + ", " + w.windowEnd() + ") (" + w.jobVersion() + ")");
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> verdict.add(Violation.PHANTOM,
                "user-windows " + k.userId() + " window_start=" + k.start() + " but that user has no event in it"));
    }

    /**
     * The counts in each user-stats record, exactly as its version shows them. action_counts: every
     * event of the user so far (the state carries them across versions). device_counts appear with
     * v2; the state restored from v1 had none, so counting starts there, v1-written events under
     * "unknown". Up to v2 the names are shown as producers sent them; from v3 on the sanitizer shows
     * them trimmed and lower case, merged ({@link #sanitizes}).
     */
    private static void checkCounts(Records.Topics topics, Verdict verdict) {
        Map<Long, List<Stats>> byEvent = new HashMap<>();
        topics.stats().forEach(s -> byEvent.computeIfAbsent(s.lastEventId(), id -> new ArrayList<>()).add(s));
        List<Input> ordered = new ArrayList<>(topics.inputs());
        ordered.sort(Comparator.comparingInt(Input::partition).thenComparingLong(Input::offset));
        Map<String, Map<String, Long>> actionsSoFar = new HashMap<>();
        Map<String, Map<String, Long>> devicesSoFar = new HashMap<>();
        long checkedActions = 0;
        long checkedDevices = 0;
        for (Input input : ordered) {
            Event e = input.event();
            if (e == null || input.intendedBad() != null) {
                continue;
            }
            Map<String, Long> actions = actionsSoFar.computeIfAbsent(e.userId(), u -> new HashMap<>());
            actions.merge(e.action(), 1L, Long::sum);
            List<Stats> records = byEvent.getOrDefault(e.eventId(), List.of());
            if (records.size() != 1) {
                continue; // LOST or DUPLICATE already; the history of this user is unknowable
            }
            Stats s = records.get(0);
            Map<String, Long> devices = devicesSoFar.computeIfAbsent(e.userId(), u -> new HashMap<>());
            if (s.deviceCounts() != null) {
                devices.merge(e.deviceType() == null ? UNKNOWN_DEVICE : e.deviceType(), 1L, Long::sum);
            }
            long soFar = actions.values().stream().mapToLong(n -> n).sum();
            if (s.eventCount() != soFar) {
                continue; // STATE_LOST or DOUBLE_COUNTED already: the counts in it are wrong for the same reason
            }
            boolean sanitized = sanitizes(s.jobVersion());
            checkedActions++;
            Map<String, Long> expectedActions = shown(actions, sanitized);
            if (!expectedActions.equals(s.actionCounts())) {
                verdict.add(Violation.ACTION_COUNT_MISMATCH, "event " + e.eventId() + " of " + e.userId() + " ("
                        + s.jobVersion() + "): action_counts " + s.actionCounts() + ", expected " + expectedActions);
            }
            if (s.deviceCounts() == null) {
                continue; // written by a version that does not count devices
            }
            checkedDevices++;
            Map<String, Long> expectedDevices = shown(devices, sanitized);
            if (!expectedDevices.equals(s.deviceCounts())) {
                verdict.add(Violation.DEVICE_COUNT_MISMATCH, "event " + e.eventId() + " of " + e.userId() + " ("
                        + s.jobVersion() + "): device_counts " + s.deviceCounts() + ", expected " + expectedDevices);
            }
        }
        verdict.checked("action counts", checkedActions);
        verdict.checked("device counts", checkedDevices);
    }

    /** From v3 on, the sanitizer after the reduce shows names trimmed and lower case. */
    static boolean sanitizes(String jobVersion) {
        return compareVersions(jobVersion, "v3") >= 0;
    }

    private static Map<String, Long> shown(Map<String, Long> counts, boolean sanitized) {
        if (!sanitized) {
            return counts;
        }
        Map<String, Long> clean = new HashMap<>();
        counts.forEach((name, n) -> clean.merge(normalize(name), n, Long::sum));
        return clean;
    }

    /** A name as the v3 sanitizer shows it: trimmed, lower case; "unknown" if nothing is left. */
    static String normalize(String name) {
        String clean = name.strip().toLowerCase(java.util.Locale.ROOT);
        return clean.isEmpty() ? "unknown" : clean;
    }

    /**
     * The dead letter holds the original key and value; or, cut to fit the topic, their start, with
     * the original sizes, and only when the original did not fit.
     */
    static boolean carriesOriginal(DeadLetter letter, Input input) {
        if (!letter.cut()) {
            return Arrays.equals(input.key(), letter.key()) && Arrays.equals(input.value(), letter.value());
        }
        return letter.originalKeySize() == length(input.key()) && letter.originalValueSize() == length(input.value())
                && startsWith(input.key(), letter.key()) && startsWith(input.value(), letter.value())
                && length(letter.key()) + length(letter.value()) < length(input.key()) + length(input.value());
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static boolean startsWith(byte[] whole, byte[] start) {
        return length(start) <= length(whole)
                && Arrays.equals(Arrays.copyOf(whole == null ? new byte[0] : whole, length(start)),
                        start == null ? new byte[0] : start);
    }

    private static void checkDeadLetters(Records.Topics topics, Verdict verdict) {
        Map<String, Input> bad = new HashMap<>();
        for (Input input : topics.inputs()) {
            if (input.intendedBad() != null) {
                bad.put(input.source(topics.inputTopic()), input);
            }
        }
        verdict.checked("bad input records", bad.size());
        Map<String, Integer> seen = new HashMap<>();
        for (DeadLetter letter : topics.deadLetters()) {
            if (letter.isLate()) {
                continue; // an event, not a bad record: see lateEvents
            }
            Input input = bad.get(letter.source());
            if (input == null) {
                verdict.add(Violation.DLQ_MISMATCH, "dead letter from " + letter.source() + " (" + letter.reason()
                        + ") matches no bad record written on purpose");
                continue;
            }
            int times = seen.merge(letter.source(), 1, Integer::sum);
            if (times > 1) {
                verdict.add(Violation.DLQ_MISMATCH, "bad record " + letter.source() + " was dead-lettered " + times + " times");
            } else if (!input.intendedBad().expectedReason().equals(letter.reason())) {
                verdict.add(Violation.DLQ_MISMATCH, "bad record " + letter.source() + " is " + input.intendedBad()
                        + " (reason " + input.intendedBad().expectedReason() + ") but the dead letter says " + letter.reason());
            } else if (!carriesOriginal(letter, input)) {
                verdict.add(Violation.DLQ_MISMATCH, "dead letter of " + letter.source() + " does not carry the original bytes"
                        + (letter.cut() ? " (cut to fit: not the start of the original, or wrong original sizes)" : ""));
            }
        }
        bad.keySet().stream().filter(source -> !seen.containsKey(source)).sorted().forEach(source -> verdict.add(
                Violation.DLQ_MISMATCH, "bad record " + source + " (" + bad.get(source).intendedBad() + ") has no dead letter"));
    }
}
