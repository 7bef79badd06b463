package com.example.userevents;

import org.apache.avro.Schema;

/**
 * Checks an Avro binary datum against its writer schema before Avro decodes it: every length and
 * count it declares must fit in the bytes that are really there. Avro itself trusts them, so a
 * 19-byte record that claims a 2 GB string makes it allocate 2 GB (an OutOfMemoryError that would
 * fail the task on every restart, forever). Here such a record is found to be corrupt without
 * allocating anything, and goes to the dead-letter topic like any other.
 *
 * <p>The walk follows the Avro binary encoding: longs and ints as zig-zag varints; strings and
 * bytes as a length and that many bytes; arrays and maps as blocks of a count (a negative count is
 * followed by the block's size in bytes) and that many items; unions as a branch index and the
 * branch; records as their fields in order.
 */
final class DatumBounds {

    /** What the walk found wrong, as the dead letter's detail. */
    static final class Corrupt extends Exception {
        Corrupt(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] bytes;
    private int pos;

    private DatumBounds(byte[] bytes, int start) {
        this.bytes = bytes;
        this.pos = start;
    }

    /**
     * Null if the datum from {@code start} to the end of {@code bytes} is well-formed for
     * {@code writer} and fills it exactly; otherwise what is wrong with it.
     */
    static String problem(Schema writer, byte[] bytes, int start) {
        DatumBounds walk = new DatumBounds(bytes, start);
        try {
            walk.value(writer);
        } catch (Corrupt e) {
            return e.getMessage();
        }
        int left = bytes.length - walk.pos;
        return left == 0 ? null : left + " bytes after the end of the datum";
    }

    private void value(Schema schema) throws Corrupt {
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1, "boolean");
            case INT, LONG, ENUM -> varint();
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case FIXED -> skip(schema.getFixedSize(), "fixed");
            case STRING, BYTES -> skip(length(schema.getType().getName()), schema.getType().getName());
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    value(field.schema());
                }
            }
            case UNION -> {
                long branch = varint();
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw new Corrupt("union branch " + branch + " of " + schema.getTypes().size() + " at byte " + pos);
                }
                value(schema.getTypes().get((int) branch));
            }
            case ARRAY -> blocks(schema.getElementType(), null);
            case MAP -> blocks(schema.getValueType(), Schema.create(Schema.Type.STRING));
            default -> throw new Corrupt("unsupported type " + schema.getType());
        }
    }

    /** Array or map blocks; each item takes at least one byte, so no count may exceed what is left. */
    private void blocks(Schema item, Schema key) throws Corrupt {
        while (true) {
            long count = varint();
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                length("block"); // the block's size in bytes, then its items
            }
            if (count > bytes.length - pos) {
                throw new Corrupt("a block claims " + count + " items but only " + (bytes.length - pos) + " bytes are left");
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    value(key);
                }
                value(item);
            }
        }
    }

    /** A length prefix, which may not exceed the bytes that follow it. */
    private int length(String what) throws Corrupt {
        long length = varint();
        if (length < 0 || length > bytes.length - pos) {
            throw new Corrupt("a " + what + " claims " + length + " bytes but only " + (bytes.length - pos)
                    + " are left (at byte " + pos + ")");
        }
        return (int) length;
    }

    private void skip(int n, String what) throws Corrupt {
        if (n > bytes.length - pos) {
            throw new Corrupt("a " + what + " needs " + n + " bytes but only " + (bytes.length - pos) + " are left");
        }
        pos += n;
    }

    /** A zig-zag varint of at most 10 bytes. */
    private long varint() throws Corrupt {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= bytes.length) {
                throw new Corrupt("the datum ends inside a number");
            }
            byte b = bytes[pos++];
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new Corrupt("a number longer than 10 bytes at byte " + pos);
    }
}
