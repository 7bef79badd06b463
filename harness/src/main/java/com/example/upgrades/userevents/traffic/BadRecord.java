package com.example.upgrades.userevents.traffic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The kinds of deliberately bad records the generator writes, at least one per dead-letter reason
 * of the jobs. Each bad record carries the {@link #HEADER} header with its kind, so the verifier
 * knows what the job must have sent to the dead-letter topic, and why.
 */
public enum BadRecord {
    MISSING_KEY("MISSING_KEY"),
    EMPTY_VALUE("EMPTY_VALUE"),
    BAD_MARKER("BAD_MARKER"),
    UNKNOWN_SCHEMA("UNKNOWN_SCHEMA"),
    /** A good event with its last three bytes cut off. */
    CORRUPT_DATUM("CORRUPT_DATUM"),
    /** 19 bytes whose user_id claims 2,000,000,000 bytes: corrupt, and must not make the job allocate them. */
    LENGTH_OVERFLOW("CORRUPT_DATUM"),
    /** A good event filed under another user's key. */
    KEY_MISMATCH("KEY_MISMATCH"),
    /**
     * A well-formed event dated 2100-01-01, far ahead of the moment it is written: accepted, it would
     * move its partition's watermark, and with it event time for every user, past every later event.
     */
    FUTURE_EVENT_TIME("FUTURE_EVENT_TIME"),
    /** A well-formed event dated at the lower edge of the long range, where window arithmetic underflows. */
    EVENT_TIME_OUT_OF_RANGE("EVENT_TIME_OUT_OF_RANGE"),
    /** A well-formed event whose action is 20,000 characters, which every later user-stats record of its user would repeat. */
    FIELD_TOO_LONG("FIELD_TOO_LONG"),
    /**
     * Nearly 1 MiB that is not Avro: the input topic takes it, but with the dead-letter headers it
     * would be too large for the dead-letter topic, so its dead letter must be cut to fit. Written
     * once per run (see {@link TrafficGenerator}), not drawn at random.
     */
    OVERSIZED("BAD_MARKER");

    /** Header on a bad input record: which kind of bad it is. */
    public static final String HEADER = "generator-bad-record";

    /**
     * Header on a good event the generator wrote late on purpose (its event time far behind): the
     * job may dead-letter it LATE, and the verifier then knows why.
     */
    public static final String LATE_HEADER = "generator-late";

    /** The event time of a {@link #FUTURE_EVENT_TIME} record: 2100-01-01T00:00:00Z. */
    static final long FAR_FUTURE = 4_102_444_800_000L;

    /**
     * The value size of an {@link #OVERSIZED} record: with its key and header just under the
     * producer's 1 MiB (1,048,576 bytes) request limit and the broker's message.max.bytes, so the
     * input topic takes it; the dead-letter headers (about 200 bytes) would push it over.
     */
    static final int OVERSIZED_BYTES = 1_048_300;

    private final String expectedReason;

    BadRecord(String expectedReason) {
        this.expectedReason = expectedReason;
    }

    /** The dlq-reason the jobs must give it. */
    public String expectedReason() {
        return expectedReason;
    }

    /** The kinds drawn at random next to good events. */
    static final BadRecord[] DRAWN = Arrays.stream(values()).filter(k -> k != OVERSIZED).toArray(BadRecord[]::new);

    /**
     * The bad key and value of this kind, made from a good record's key and value.
     *
     * @param reencode the good event with one field changed, encoded as the good one was
     */
    public byte[][] spoil(byte[] goodKey, byte[] goodValue, byte[] unknownSchemaValue,
            java.util.function.BiFunction<String, Object, byte[]> reencode) {
        return switch (this) {
            case FUTURE_EVENT_TIME -> new byte[][] {goodKey, reencode.apply("event_time", FAR_FUTURE)};
            case EVENT_TIME_OUT_OF_RANGE -> new byte[][] {goodKey, reencode.apply("event_time", Long.MIN_VALUE)};
            case FIELD_TOO_LONG -> new byte[][] {goodKey, reencode.apply("action", "x".repeat(20_000))};
            case MISSING_KEY -> new byte[][] {null, goodValue};
            case EMPTY_VALUE -> new byte[][] {goodKey, new byte[0]};
            case BAD_MARKER -> {
                byte[] v = goodValue.clone();
                v[0] = (byte) '{';
                yield new byte[][] {goodKey, v};
            }
            case UNKNOWN_SCHEMA -> new byte[][] {goodKey, unknownSchemaValue};
            case CORRUPT_DATUM -> new byte[][] {goodKey, Arrays.copyOf(goodValue, goodValue.length - 3)};
            case LENGTH_OVERFLOW -> {
                // the good event's header (10 bytes), event_id 1, then a user_id length of
                // 2,000,000,000 as a zig-zag varint (5 bytes), then 3 bytes.
                byte[] v = Arrays.copyOf(goodValue, 19);
                byte[] claim = {(byte) 0x80, (byte) 0xd0, (byte) 0xac, (byte) 0xf3, 0x0e, 'a', 'b', 'c'};
                v[10] = 0x02; // event_id 1
                System.arraycopy(claim, 0, v, 11, claim.length);
                yield new byte[][] {goodKey, v};
            }
            case KEY_MISMATCH -> new byte[][] {(new String(goodKey, StandardCharsets.UTF_8) + "-other")
                    .getBytes(StandardCharsets.UTF_8), goodValue};
            case OVERSIZED -> {
                byte[] v = new byte[OVERSIZED_BYTES];
                Arrays.fill(v, (byte) '~');
                yield new byte[][] {goodKey, v};
            }
        };
    }
}
