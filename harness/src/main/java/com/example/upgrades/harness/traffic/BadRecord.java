package com.example.upgrades.harness.traffic;

import java.util.Arrays;

/**
 * The kinds of deliberately bad records the generator writes, one per dead-letter reason of the
 * jobs. Each bad record carries the {@link #HEADER} header with its kind, so the verifier knows
 * what the job must have sent to the dead-letter topic, and why.
 */
public enum BadRecord {
    MISSING_KEY,
    EMPTY_VALUE,
    BAD_MARKER,
    UNKNOWN_SCHEMA,
    CORRUPT_DATUM;

    /** Header on a bad input record: which kind of bad it is (its expected dlq-reason). */
    public static final String HEADER = "generator-bad-record";

    /** The bad key and value of this kind, made from a good record's key and value. */
    public byte[][] spoil(byte[] goodKey, byte[] goodValue, byte[] unknownSchemaValue) {
        return switch (this) {
            case MISSING_KEY -> new byte[][] {null, goodValue};
            case EMPTY_VALUE -> new byte[][] {goodKey, new byte[0]};
            case BAD_MARKER -> {
                byte[] v = goodValue.clone();
                v[0] = (byte) '{';
                yield new byte[][] {goodKey, v};
            }
            case UNKNOWN_SCHEMA -> new byte[][] {goodKey, unknownSchemaValue};
            case CORRUPT_DATUM -> new byte[][] {goodKey, Arrays.copyOf(goodValue, goodValue.length - 3)};
        };
    }
}
