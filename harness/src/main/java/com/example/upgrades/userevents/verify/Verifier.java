package com.example.upgrades.userevents.verify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.example.upgrades.harness.pipeline.Verdict;
import com.example.upgrades.userevents.PipelineContract;
import com.example.upgrades.userevents.verify.Records.DeadLetter;
import com.example.upgrades.userevents.verify.Records.Event;
import com.example.upgrades.userevents.verify.Records.Input;
import com.example.upgrades.userevents.verify.Records.Stats;
import com.example.upgrades.userevents.verify.Records.UserWindow;
import com.example.upgrades.userevents.verify.Records.Window;
import org.apache.kafka.common.utils.Utils;

/**
 * The Verification contract of docs/DESIGN.md. It judges every input by the contract itself, not by
 * what the job did: an input is a good event, or a record the job must dead-letter with a reason
 * the verifier knows (a bad record the generator wrote on purpose, or a well-formed event the
 * contract refuses: a field too long, an event time out of range or too far ahead of the moment it
 * was written). For every good event e, the k-th event of its user in partition order:
 *
 * <ul>
 *   <li>exactly one user-stats record has last_event_id = e.event_id (none: LOST; more: DUPLICATE);
 *   <li>its event_count is k (less: STATE_LOST; more: DOUBLE_COUNTED);
 *   <li>per user, job_version never goes backwards (VERSION_REGRESSION).
 * </ul>
 * For every (user, window) with events, exactly one user-windows record with the exact count
 * (WINDOW_MISMATCH). An event the job dead-lettered LATE is in no window only when the contract
 * explains its lateness: it was written late on purpose, or its window had ended by the time its
 * partition's event time (of the good events before it) less the bounded out-of-orderness got there,
 * since a watermark never passes any partition's progress less that bound. Any other LATE is a
 * window the job lost (WINDOW_MISMATCH). No output record without a matching input (PHANTOM). Every
 * dead letter matches an input the contract dead-letters, with the right reason and the original
 * bytes, and every such input has exactly one (DLQ_MISMATCH). From v2 on, user-stats count devices:
 * each record's device_counts must hold the devices of exactly the user's events so far that v2 or
 * later processed, v1-written events under "unknown" (DEVICE_COUNT_MISMATCH, a v2+ record without
 * them too); every record's action_counts the actions of all the user's events so far
 * (ACTION_COUNT_MISMATCH); both at most {@value PipelineContract#MAX_NAMES} names, later names under
 * "(other)", and shown as sent up to v2, as the v3 sanitizer shows them from v3 on. Every output record
 * is keyed by its user_id, in the partition its key decides (OUTPUT_KEY_MISMATCH), and, in a run,
 * written by a job the run deployed, with the version that job was deployed as (VERSION_MISMATCH).
 */
public final class Verifier {

    /** The device of an event written without one, as v2 and later read it (their schema's default). */
    static final String UNKNOWN_DEVICE = "unknown";

    /**
     * The numbers of the contract the verifier judges by; the runner gives the jobs the same values
     * as program arguments, so that both sides judge alike.
     */
    public record Contract(long windowSizeMillis, long maxOutOfOrdernessMillis, long minEventTime,
            long maxEventTimeAheadMillis) {

        public Contract {
            if (windowSizeMillis <= 0) {
                throw new IllegalArgumentException("The window size must be positive, got " + windowSizeMillis
                        + " ms: it is the size of the jobs' tumbling windows, e.g. 10 s.");
            }
            if (maxOutOfOrdernessMillis < 0 || maxEventTimeAheadMillis < 0) {
                throw new IllegalArgumentException("The out-of-orderness and the event time ahead may not be negative.");
            }
        }

        /** The jobs' defaults, with this window size. */
        public static Contract of(Duration windowSize) {
            return new Contract(windowSize.toMillis(), PipelineContract.MAX_OUT_OF_ORDERNESS.toMillis(),
                    PipelineContract.MIN_EVENT_TIME, PipelineContract.MAX_EVENT_TIME_AHEAD.toMillis());
        }
    }

    private final Contract contract;
    private final long windowSizeMillis;
    private final Map<String, String> versionOfWriterJob;

    /** With the jobs' defaults and no deployments to check writers against. */
    public Verifier(long windowSizeMillis) {
        this(Contract.of(Duration.ofMillis(windowSizeMillis)), Map.of());
    }

    /**
     * @param versionOfWriterJob every job the run started, by id, with the version it was deployed
     *     as; empty when it is not known (a verification of topics alone): then writers are not checked
     */
    public Verifier(Contract contract, Map<String, String> versionOfWriterJob) {
        this(contract, versionOfWriterJob, null);
    }

    /**
     * @param deviceCountingFrom where the first version that counts devices began to read, per input
     *     partition (the offsets of the savepoint it was restored from): it counts every event from
     *     there, whether or not it was the one to answer it (a blue/green version reads, and counts,
     *     events before its cutover that the old version answers). Null when not known: then counting
     *     starts with the first event a counting version answered.
     */
    public Verifier(Contract contract, Map<String, String> versionOfWriterJob, Map<Integer, Long> deviceCountingFrom) {
        this.contract = contract;
        this.windowSizeMillis = contract.windowSizeMillis();
        this.versionOfWriterJob = Map.copyOf(versionOfWriterJob);
        this.deviceCountingFrom = deviceCountingFrom == null ? null : Map.copyOf(deviceCountingFrom);
    }

    private final Map<Integer, Long> deviceCountingFrom;

    public Verdict verify(Records.Topics topics) {
        Verdict verdict = Verdict.of(Violation.class);
        List<Input> ordered = new ArrayList<>(topics.inputs());
        ordered.sort(Comparator.comparingInt(Input::partition).thenComparingLong(Input::offset));
        Map<String, Expected> deadLettered = new HashMap<>();
        Map<Long, Position> positions = new HashMap<>();
        Map<String, Long> perUser = new HashMap<>();
        Map<Integer, Long> progress = new HashMap<>();
        for (Input input : ordered) {
            String reason = expectedDeadLetter(input);
            if (reason != null) {
                deadLettered.put(input.source(topics.inputTopic()), new Expected(input, reason));
            } else if (input.event() != null) {
                Event e = input.event();
                long k = perUser.merge(e.userId(), 1L, Long::sum);
                long before = progress.getOrDefault(input.partition(), Long.MIN_VALUE);
                positions.put(e.eventId(), new Position(e, k, before, input.intendedLate()));
                progress.put(input.partition(), Math.max(before, e.eventTime()));
            }
        }
        verdict.checked("input events", positions.size());
        verdict.require("input events");
        verdict.checked("user-stats records", topics.stats().size());
        verdict.require("user-stats records");
        checkStats(topics.stats(), positions, verdict);
        checkVersionOrder(topics.stats(), verdict);
        Set<Long> late = lateEvents(topics.deadLetters(), positions, verdict);
        checkWindows(topics.windows(), positions, late, verdict);
        checkDeadLetters(topics.deadLetters(), deadLettered, verdict);
        checkCounts(ordered, topics.stats(), positions, verdict);
        checkWriters(topics, verdict);
        checkKeys(topics, verdict);
        return verdict;
    }

    /** An input the job must dead-letter, with the reason it must give. */
    private record Expected(Input input, String reason) {}

    /**
     * A good event: the k-th of its user; the largest event time of the good events before it in its
     * partition ({@code Long.MIN_VALUE} if none); whether it was written late on purpose.
     */
    private record Position(Event event, long k, long progressBefore, boolean intendedLate) {}

    /**
     * The reason the contract dead-letters an input for, or null for a good event (or for garbage
     * nobody announced, which the verifier cannot judge: a dead letter of it matches nothing). In
     * the order the jobs check: the generator's mark, the record's shape, then the event's fields.
     */
    String expectedDeadLetter(Input input) {
        if (input.intendedBad() != null) {
            return input.intendedBad().expectedReason();
        }
        Event e = input.event();
        if (e == null) {
            return null;
        }
        if (input.key() == null || input.key().length == 0) {
            return "MISSING_KEY";
        }
        if (e.userId().length() > PipelineContract.MAX_USER_ID_CHARS || e.action().length() > PipelineContract.MAX_NAME_CHARS
                || (e.deviceType() != null && e.deviceType().length() > PipelineContract.MAX_NAME_CHARS)) {
            return "FIELD_TOO_LONG";
        }
        if (!Arrays.equals(input.key(), e.userId().getBytes(StandardCharsets.UTF_8))) {
            return "KEY_MISMATCH";
        }
        if (e.eventTime() < contract.minEventTime()) {
            return "EVENT_TIME_OUT_OF_RANGE";
        }
        if (input.timestamp() >= 0 && e.eventTime() - input.timestamp() > contract.maxEventTimeAheadMillis()) {
            return "FUTURE_EVENT_TIME";
        }
        return null;
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

    /** The digits of a version as a number ("v10": 10); -1 without any, or too many. Per record: no regex. */
    private static int number(String version) {
        long n = 0;
        boolean any = false;
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c >= '0' && c <= '9') {
                n = n * 10 + (c - '0');
                any = true;
                if (n > Integer.MAX_VALUE) {
                    return -1;
                }
            }
        }
        return any ? (int) n : -1;
    }

    private long windowStart(long time) {
        return time - Math.floorMod(time, windowSizeMillis);
    }

    /**
     * The ids of the events the job found late, and that the contract lets be late. A LATE dead
     * letter must hold an input event as it was written (any field changed: it is not that event),
     * under its user's key, and only once (else DLQ_MISMATCH). Its lateness must be explained
     * independently of the job (see the class comment); an unexplained one is left in its expected
     * window, so that the window the job lost shows as a WINDOW_MISMATCH.
     */
    private Set<Long> lateEvents(List<DeadLetter> letters, Map<Long, Position> positions, Verdict verdict) {
        Set<Long> late = new HashSet<>();
        Set<Long> seen = new HashSet<>();
        long unexplained = 0;
        for (DeadLetter letter : letters) {
            if (!letter.isLate()) {
                continue;
            }
            Event e = letter.lateEvent();
            Position p = e == null ? null : positions.get(e.eventId());
            if (p == null || !sameEvent(p.event(), e)) {
                verdict.add(Violation.DLQ_MISMATCH, "LATE dead letter " + (e == null ? "that holds no decodable event"
                        : "of event " + e.eventId() + " (" + e.userId() + ")") + " matches no input event");
            } else if (!seen.add(e.eventId())) {
                verdict.add(Violation.DLQ_MISMATCH, "event " + e.eventId() + " of " + e.userId() + " was dead-lettered LATE twice");
            } else if (!Arrays.equals(letter.key(), e.userId().getBytes(StandardCharsets.UTF_8))) {
                verdict.add(Violation.DLQ_MISMATCH, "LATE dead letter of event " + e.eventId() + " is not keyed by its user " + e.userId());
            } else if (lateExplained(p)) {
                late.add(e.eventId());
            } else {
                unexplained++;
                verdict.add(Violation.WINDOW_MISMATCH, "event " + e.eventId() + " of " + e.userId() + " was dead-lettered "
                        + "LATE, but nothing explains it: it was not written late, and its partition's event time was "
                        + (p.progressBefore() == Long.MIN_VALUE ? "nowhere yet" : "at " + p.progressBefore()) + ", not "
                        + contract.maxOutOfOrdernessMillis() + " ms past the end of its window ("
                        + (windowStart(e.eventTime()) + windowSizeMillis) + ")");
            }
        }
        verdict.checked("late events, dead-lettered (in no window)", late.size());
        if (unexplained > 0) {
            verdict.checked("late events the contract does not explain", unexplained);
        }
        return late;
    }

    /**
     * The contract explains an event's lateness: written late on purpose, or its window had ended
     * before its partition's event time, less the bounded out-of-orderness, got there. The watermark
     * is the least of every partition's (event time - out-of-orderness - 1), so a window ending after
     * that point in this partition had not fired yet (except behind a partition idle for longer than
     * the jobs' idle timeout, which this traffic never has).
     */
    private boolean lateExplained(Position p) {
        if (p.intendedLate()) {
            return true;
        }
        if (p.progressBefore() == Long.MIN_VALUE) {
            return false;
        }
        long windowEnd = windowStart(p.event().eventTime()) + windowSizeMillis;
        return windowEnd <= p.progressBefore() - contract.maxOutOfOrdernessMillis();
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
        Map<UserWindow, Long> expected = new HashMap<>();
        for (Position p : positions.values()) {
            if (!late.contains(p.event().eventId())) {
                expected.merge(new UserWindow(p.event().userId(), windowStart(p.event().eventTime())), 1L, Long::sum);
            }
        }
        verdict.checked("user windows", expected.size());
        verdict.require("user windows");
        Map<UserWindow, List<Window>> actual = new HashMap<>();
        for (Window w : windows) {
            actual.computeIfAbsent(new UserWindow(w.userId(), w.windowStart()), k -> new ArrayList<>()).add(w);
        }
        expected.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getKey().start())).forEach(e -> {
            UserWindow key = e.getKey();
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
     * v2, and every record of v2 or later has them; the state restored from v1 had none, so counting
     * starts there, v1-written events under "unknown". A map holds at most
     * {@value PipelineContract#MAX_NAMES} names, in the order the user first sent them; the names after
     * those are counted under {@value PipelineContract#OTHER}. Up to v2 the names are shown as
     * producers sent them; from v3 on the sanitizer shows them trimmed and lower case, merged
     * ({@link #sanitizes}).
     */
    private void checkCounts(List<Input> ordered, List<Stats> stats, Map<Long, Position> positions, Verdict verdict) {
        Map<Long, List<Stats>> byEvent = new HashMap<>();
        stats.forEach(s -> byEvent.computeIfAbsent(s.lastEventId(), id -> new ArrayList<>()).add(s));
        Map<String, Map<String, Long>> actionsSoFar = new HashMap<>();
        Map<String, Map<String, Long>> devicesSoFar = new HashMap<>();
        long checkedActions = 0;
        long checkedDevices = 0;
        boolean deviceCountingVersions = false;
        for (Input input : ordered) {
            Event e = input.event();
            if (e == null || !positions.containsKey(e.eventId()) || positions.get(e.eventId()).event() != e) {
                continue; // not a good event: the job dead-letters it, it counts nowhere
            }
            Map<String, Long> actions = actionsSoFar.computeIfAbsent(e.userId(), u -> new HashMap<>());
            count(actions, e.action());
            List<Stats> records = byEvent.getOrDefault(e.eventId(), List.of());
            if (records.size() != 1) {
                continue; // LOST or DUPLICATE already; the history of this user is unknowable
            }
            Stats s = records.get(0);
            boolean countsDevices = compareVersions(s.jobVersion(), "v2") >= 0;
            deviceCountingVersions |= countsDevices;
            Map<String, Long> devices = devicesSoFar.computeIfAbsent(e.userId(), u -> new HashMap<>());
            boolean counted = deviceCountingFrom != null
                    ? input.offset() >= deviceCountingFrom.getOrDefault(input.partition(), Long.MAX_VALUE) : countsDevices;
            if (counted) {
                count(devices, e.deviceType() == null ? UNKNOWN_DEVICE : e.deviceType());
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
            if (!countsDevices) {
                continue; // written by a version that does not count devices
            }
            checkedDevices++;
            if (s.deviceCounts() == null) {
                verdict.add(Violation.DEVICE_COUNT_MISMATCH, "event " + e.eventId() + " of " + e.userId() + " ("
                        + s.jobVersion() + "): no device_counts at all, which every record of v2 or later has");
                continue;
            }
            Map<String, Long> expectedDevices = shown(devices, sanitized);
            if (!expectedDevices.equals(s.deviceCounts())) {
                verdict.add(Violation.DEVICE_COUNT_MISMATCH, "event " + e.eventId() + " of " + e.userId() + " ("
                        + s.jobVersion() + "): device_counts " + s.deviceCounts() + ", expected " + expectedDevices);
            }
        }
        verdict.checked("action counts", checkedActions);
        verdict.require("action counts");
        verdict.checked("device counts", checkedDevices);
        if (deviceCountingVersions) {
            verdict.require("device counts");
        }
    }

    /** One more event under {@code name}, or under (other) when the map already holds all the names it may. */
    private static void count(Map<String, Long> counts, String name) {
        boolean fits = counts.containsKey(name)
                || counts.size() - (counts.containsKey(PipelineContract.OTHER) ? 1 : 0) < PipelineContract.MAX_NAMES;
        counts.merge(fits ? name : PipelineContract.OTHER, 1L, Long::sum);
    }

    /** From v3 on, the sanitizer after the reduce shows names trimmed and lower case. */
    static boolean sanitizes(String jobVersion) {
        return compareVersions(jobVersion, "v3") >= 0;
    }

    private Map<String, Long> shown(Map<String, Long> counts, boolean sanitized) {
        if (!sanitized) {
            return counts;
        }
        Map<String, Long> clean = new HashMap<>();
        counts.forEach((name, n) -> clean.merge(normalizedNames.computeIfAbsent(name, Verifier::normalize), n, Long::sum));
        return clean;
    }

    /** Each name as the sanitizer shows it, worked out once: a run has few names and millions of records. */
    private final Map<String, String> normalizedNames = new HashMap<>();

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

    private static void checkDeadLetters(List<DeadLetter> letters, Map<String, Expected> expected, Verdict verdict) {
        verdict.checked("bad input records", expected.size());
        Map<String, Integer> seen = new HashMap<>();
        for (DeadLetter letter : letters) {
            if (letter.isLate()) {
                continue; // an event, not a bad record: see lateEvents
            }
            Expected want = letter.source() == null ? null : expected.get(letter.source());
            if (want == null) {
                verdict.add(Violation.DLQ_MISMATCH, "dead letter from " + letter.source() + " (" + letter.reason()
                        + ") matches no input the contract dead-letters");
                continue;
            }
            int times = seen.merge(letter.source(), 1, Integer::sum);
            if (times > 1) {
                verdict.add(Violation.DLQ_MISMATCH, "bad record " + letter.source() + " was dead-lettered " + times + " times");
            } else if (!want.reason().equals(letter.reason())) {
                verdict.add(Violation.DLQ_MISMATCH, "bad record " + letter.source() + " is "
                        + (want.input().intendedBad() != null ? want.input().intendedBad() + " " : "")
                        + "(reason " + want.reason() + ") but the dead letter says " + letter.reason());
            } else if (!carriesOriginal(letter, want.input())) {
                verdict.add(Violation.DLQ_MISMATCH, "dead letter of " + letter.source() + " does not carry the original bytes"
                        + (letter.cut() ? " (cut to fit: not the start of the original, or wrong original sizes)" : ""));
            }
        }
        expected.keySet().stream().filter(source -> !seen.containsKey(source)).sorted().forEach(source -> verdict.add(
                Violation.DLQ_MISMATCH, "bad record " + source + " (" + expected.get(source).reason() + ") has no dead letter"));
    }

    /**
     * In a run (the deployments are known): every output record was written by a job the run
     * started, and user-stats and user-windows records carry the version that job was deployed as.
     * A plan that deploys one version's jar under another version's name is caught here.
     */
    private void checkWriters(Records.Topics topics, Verdict verdict) {
        if (versionOfWriterJob.isEmpty()) {
            return;
        }
        long checked = 0;
        for (Stats s : topics.stats()) {
            checked++;
            checkWriter(() -> "user-stats " + s.partition() + "@" + s.offset(), s.writerJobId(), s.jobVersion(), verdict);
        }
        for (Window w : topics.windows()) {
            checked++;
            checkWriter(() -> "user-windows " + w.partition() + "@" + w.offset(), w.writerJobId(), w.jobVersion(), verdict);
        }
        for (DeadLetter d : topics.deadLetters()) {
            checked++;
            checkWriter(() -> "dead letter " + (d.source() != null ? "of " + d.source() : d.reason()), d.writerJobId(), null,
                    verdict);
        }
        verdict.checked("output records by their writer", checked);
    }

    /** @param which the record, named only when it is found wrong (millions of records are right) */
    private void checkWriter(java.util.function.Supplier<String> which, String writerJobId, String version, Verdict verdict) {
        String deployedAs = writerJobId == null ? null : versionOfWriterJob.get(writerJobId);
        if (deployedAs != null && (version == null || version.equals(deployedAs))) {
            return;
        }
        String record = which.get();
        if (deployedAs == null) {
            verdict.add(Violation.VERSION_MISMATCH, record + " was written by " + (writerJobId == null
                    ? "a job that does not say (no writer-job-id)" : "job " + writerJobId) + ", which this run did not deploy");
        } else if (version != null && !version.equals(deployedAs)) {
            verdict.add(Violation.VERSION_MISMATCH, record + " says job_version " + version + ", but its job " + writerJobId
                    + " was deployed as " + deployedAs + ": the jar is not the version the plan names");
        }
    }

    /** Every output record keyed by its user_id, in the partition the key decides where the partitions are known. */
    private static void checkKeys(Records.Topics topics, Verdict verdict) {
        Integer statsPartitions = topics.partitions().get("stats");
        Integer windowsPartitions = topics.partitions().get("windows");
        for (Stats s : topics.stats()) {
            checkKey("user-stats", s.partition(), s.offset(), s.key(), s.userId(), statsPartitions, verdict);
        }
        for (Window w : topics.windows()) {
            checkKey("user-windows", w.partition(), w.offset(), w.key(), w.userId(), windowsPartitions, verdict);
        }
    }

    private static void checkKey(String topic, int partition, long offset, String key, String userId, Integer partitions,
            Verdict verdict) {
        if (key == null || !key.equals(userId)) {
            verdict.add(Violation.OUTPUT_KEY_MISMATCH, topic + " " + partition + "@" + offset + " of " + userId + " has the key "
                    + (key == null ? "(none)" : "'" + key + "'"));
        } else if (partitions != null && partitionOf(key, partitions) != partition) {
            verdict.add(Violation.OUTPUT_KEY_MISMATCH, topic + " " + partition + "@" + offset + " of " + userId
                    + " belongs in partition " + partitionOf(key, partitions) + " (the producer's partition of its key)");
        }
    }

    /** The partition Kafka's producer gives a record with this key and no explicit partition. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
