package com.example.userevents;

import static com.example.userevents.TestEvents.encode;
import static com.example.userevents.TestEvents.event;
import static com.example.userevents.TestEvents.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.userevents.avro.UserEvent;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

/** Every kind of bad record becomes a dead letter with its original bytes; good ones decode. */
class UserEventDecoderTest {

    private final BinaryMessageDecoder<UserEvent> decoder = UserEventDecoder.newDecoder();
    private final UserEvent alice = event(7, "alice", "click", TestEvents.T_1S);

    /** When the test records were written: their Kafka timestamp. */
    private static final long WRITTEN_AT = java.time.Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();

    private static final UserEventDecoder.Bounds BOUNDS = UserEventDecoder.Bounds.of(JobConfig.defaults());

    private Decoded decode(byte[] key, byte[] value) {
        return UserEventDecoder.decode(decoder, BOUNDS, key, value, WRITTEN_AT, "user-events", 3, 42L);
    }

    @Test
    void decodesAV1Event() {
        Decoded decoded = decode(key("alice"), encode(alice));
        assertNull(decoded.deadLetter);
        assertEquals(alice, decoded.event);
        assertEquals(TestEvents.T_1S, decoded.eventTimeOr(Long.MIN_VALUE));
    }

    @Test
    void recordWithoutKeyIsADeadLetter() {
        assertDeadLetter(null, encode(alice), DeadLetter.Reason.MISSING_KEY);
        assertDeadLetter(new byte[0], encode(alice), DeadLetter.Reason.MISSING_KEY);
    }

    @Test
    void emptyValueIsADeadLetter() {
        assertDeadLetter(key("alice"), null, DeadLetter.Reason.EMPTY_VALUE);
        assertDeadLetter(key("alice"), new byte[0], DeadLetter.Reason.EMPTY_VALUE);
    }

    @Test
    void wrongMarkerIsADeadLetter() {
        assertDeadLetter(key("alice"), TestEvents.withBadMarker(encode(alice)), DeadLetter.Reason.BAD_MARKER);
        assertDeadLetter(key("alice"), "{\"user_id\":\"alice\"}".getBytes(), DeadLetter.Reason.BAD_MARKER);
    }

    @Test
    void unknownWriterSchemaIsADeadLetter() {
        assertDeadLetter(key("alice"), TestEvents.encodedWithUnknownSchema("alice"), DeadLetter.Reason.UNKNOWN_SCHEMA);
    }

    @Test
    void truncatedDatumIsADeadLetter() {
        assertDeadLetter(key("alice"), TestEvents.truncated(encode(alice)), DeadLetter.Reason.CORRUPT_DATUM);
    }

    @Test
    void datumWithTrailingBytesIsADeadLetter() {
        assertDeadLetter(key("alice"), TestEvents.withTrailingBytes(encode(alice)), DeadLetter.Reason.CORRUPT_DATUM);
    }

    @Test
    void datumWithANegativeStringLengthIsADeadLetter() {
        byte[] corrupt = encode(alice);
        // After the 10-byte header comes event_id (one zig-zag byte for 7), then user_id's length.
        corrupt[11] = 0x01; // zig-zag for -1
        assertDeadLetter(key("alice"), corrupt, DeadLetter.Reason.CORRUPT_DATUM);
    }

    @Test
    void aLengthThatDoesNotFitInTheRecordIsADeadLetterNotAnAllocation() {
        // 19 bytes: the header, event_id, then a user_id that claims 2,000,000,000 bytes; Avro
        // would allocate them (an OutOfMemoryError, on every restart of the task).
        byte[] header = java.util.Arrays.copyOf(encode(alice), 10);
        byte[] claim = {0x0e, (byte) 0x80, (byte) 0xd0, (byte) 0xac, (byte) 0xf3, 0x0e, 'a', 'b', 'c'};
        byte[] value = new byte[19];
        System.arraycopy(header, 0, value, 0, 10);
        System.arraycopy(claim, 0, value, 10, 9);
        Decoded decoded = decode(key("alice"), value);
        assertEquals(DeadLetter.Reason.CORRUPT_DATUM, decoded.deadLetter.reason);
        assertEquals("a string claims 2000000000 bytes but only 3 are left (at byte 16)", decoded.deadLetter.detail);
    }

    @Test
    void aKeyThatIsNotTheEventsUserIsADeadLetter() {
        assertDeadLetter(key("bob"), encode(alice), DeadLetter.Reason.KEY_MISMATCH);
        assertEquals("the key is 'bob' but the event's user_id is 'alice'", decode(key("bob"), encode(alice)).deadLetter.detail);
    }

    @Test
    void anEventTimeBeforeTheMinimumIsADeadLetter() {
        for (long time : new long[] {-1L, Long.MIN_VALUE, Long.MIN_VALUE + 1}) {
            assertDeadLetter(key("alice"), encode(event(7, "alice", "click", time)), DeadLetter.Reason.EVENT_TIME_OUT_OF_RANGE);
        }
    }

    @Test
    void anEventTimeFarAheadOfItsRecordsTimestampIsADeadLetter() {
        long ahead = JobConfig.defaults().maxEventTimeAhead().toMillis();
        assertNull(decode(key("alice"), encode(event(7, "alice", "click", WRITTEN_AT + ahead))).deadLetter,
                "exactly the allowed clock skew ahead is accepted");
        for (long time : new long[] {WRITTEN_AT + ahead + 1, Long.MAX_VALUE, Long.MAX_VALUE - 10_000,
            java.time.Instant.parse("2100-01-01T00:00:00Z").toEpochMilli()}) {
            assertDeadLetter(key("alice"), encode(event(7, "alice", "click", time)), DeadLetter.Reason.FUTURE_EVENT_TIME);
        }
        assertTrue(decode(key("alice"), encode(event(7, "alice", "click", Long.MAX_VALUE))).deadLetter.detail
                .contains("of a record written at 2026-12-01T12:00:00Z"));
    }

    @Test
    void aFieldLongerThanTheContractAllowsIsADeadLetter() {
        String longUser = "u".repeat(UserEventDecoder.MAX_USER_ID_CHARS + 1);
        assertNull(decode(key("u".repeat(128)), encode(event(7, "u".repeat(128), "x".repeat(64), TestEvents.T_1S))).deadLetter,
                "the longest names the contract allows are accepted");
        assertDeadLetter(key(longUser), encode(event(7, longUser, "click", TestEvents.T_1S)), DeadLetter.Reason.FIELD_TOO_LONG);
        // About 180 KB of action: the record that once made every later user-stats record of its user too large.
        Decoded huge = decode(key("alice"), encode(event(7, "alice", "\"".repeat(180_000), TestEvents.T_1S)));
        assertEquals(DeadLetter.Reason.FIELD_TOO_LONG, huge.deadLetter.reason);
        assertTrue(huge.deadLetter.detail.startsWith("action has 180000 characters, more than 64"), huge.deadLetter.detail);
    }

    private void assertDeadLetter(byte[] key, byte[] value, DeadLetter.Reason reason) {
        Decoded decoded = decode(key, value);
        assertNull(decoded.event, "should not decode: " + decoded);
        DeadLetter letter = decoded.deadLetter;
        assertNotNull(letter);
        assertEquals(reason, letter.reason, () -> "detail: " + letter.detail);
        assertNotNull(letter.detail);
        assertArrayEquals(key, letter.key, "original key kept");
        assertArrayEquals(value, letter.value, "original value kept");
        assertEquals("user-events", letter.topic);
        assertEquals(3, letter.partition);
        assertEquals(42L, letter.offset);
        assertEquals(Long.MIN_VALUE, decoded.eventTimeOr(Long.MIN_VALUE), "a dead letter has no event time");
    }
}
