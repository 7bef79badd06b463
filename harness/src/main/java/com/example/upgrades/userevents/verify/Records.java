package com.example.upgrades.userevents.verify;

import java.util.List;
import java.util.Map;

import com.example.upgrades.userevents.traffic.BadRecord;

/** What the verifier reads from the four topics, parsed. */
public final class Records {

    private Records() {}

    /** A user event as the generator wrote it; {@code deviceType} is null when the writer schema had none. */
    public record Event(long eventId, String userId, String action, long eventTime, String deviceType, String writerVersion) {}

    /**
     * One record of user-events: a decodable {@code event}, or a deliberately bad record
     * ({@code intendedBad} set), or neither when something else wrote garbage to the topic.
     *
     * @param timestamp the record's Kafka timestamp (when it was written), -1 if unknown
     * @param intendedLate the generator wrote this event late on purpose (its event time far behind)
     */
    public record Input(int partition, long offset, byte[] key, byte[] value, BadRecord intendedBad, Event event,
            long timestamp, boolean intendedLate) {

        public Input(int partition, long offset, byte[] key, byte[] value, BadRecord intendedBad, Event event) {
            this(partition, offset, key, value, intendedBad, event, -1, false);
        }

        public String source(String topic) {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /**
     * One record of user-stats.
     *
     * @param writerJobId the id of the Flink job that wrote it (its writer-job-id header), null if none
     * @param key the record's key as text (the contract: the user_id), null if it has none
     */
    public record Stats(
            int partition,
            long offset,
            String userId,
            long eventCount,
            long lastEventId,
            String jobVersion,
            Map<String, Long> actionCounts,
            Map<String, Long> deviceCounts,
            String writerJobId,
            String key) {

        public Stats(int partition, long offset, String userId, long eventCount, long lastEventId, String jobVersion,
                Map<String, Long> actionCounts, Map<String, Long> deviceCounts) {
            this(partition, offset, userId, eventCount, lastEventId, jobVersion, actionCounts, deviceCounts, null, userId);
        }
    }

    /**
     * A user's window, as a map key: the verifier's windows, and the windows that spanned an upgrade.
     * Its hash mixes the start, as the record's own hash left windows of nearby users colliding.
     */
    public record UserWindow(String userId, long start) {
        @Override
        public int hashCode() {
            return userId.hashCode() * 31 + Long.hashCode(start * 0x9E3779B97F4A7C15L);
        }
    }

    /** One record of user-windows; {@code writerJobId} and {@code key} as for {@link Stats}. */
    public record Window(int partition, long offset, String userId, long windowStart, long windowEnd, long eventCount,
            String jobVersion, String writerJobId, String key) {

        public Window(int partition, long offset, String userId, long windowStart, long windowEnd, long eventCount,
                String jobVersion) {
            this(partition, offset, userId, windowStart, windowEnd, eventCount, jobVersion, null, userId);
        }
    }

    /**
     * One record of the dead-letter topic: the original bytes (or their start, if the job had to cut
     * them to fit the topic: then the original sizes are given, else -1) and the headers the job added.
     * A {@link #LATE} dead letter instead holds an event the window count found behind the watermark,
     * re-encoded by the job, with no source: {@code lateEvent} is that event decoded (null if it is
     * not a known encoding, and on every other dead letter).
     */
    public record DeadLetter(byte[] key, byte[] value, String reason, String source, int originalKeySize,
            int originalValueSize, Event lateEvent, String writerJobId) {

        /** The reason of a dead letter for a late event. */
        public static final String LATE = "LATE";

        public DeadLetter(byte[] key, byte[] value, String reason, String source) {
            this(key, value, reason, source, -1, -1, null, null);
        }

        public DeadLetter(byte[] key, byte[] value, String reason, String source, int originalKeySize,
                int originalValueSize) {
            this(key, value, reason, source, originalKeySize, originalValueSize, null, null);
        }

        /** A job's dead letter for an event that arrived behind the watermark. */
        public static DeadLetter late(byte[] key, byte[] value, Event event) {
            return new DeadLetter(key, value, LATE, null, -1, -1, event, null);
        }

        public boolean isLate() {
            return LATE.equals(reason);
        }

        public boolean cut() {
            return originalValueSize >= 0;
        }
    }

    /**
     * Everything one verification looks at.
     *
     * @param partitions the number of partitions of each output topic, by name ("stats", "windows");
     *     where it is known, each output record must be in the partition its key decides
     */
    public record Topics(String inputTopic, List<Input> inputs, List<Stats> stats, List<Window> windows,
            List<DeadLetter> deadLetters, Map<String, Integer> partitions) {

        public Topics(String inputTopic, List<Input> inputs, List<Stats> stats, List<Window> windows,
                List<DeadLetter> deadLetters) {
            this(inputTopic, inputs, stats, windows, deadLetters, Map.of());
        }
    }
}
