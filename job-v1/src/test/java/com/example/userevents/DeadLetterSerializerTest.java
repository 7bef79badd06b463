package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** A dead letter always fits the dead-letter topic: cut to size, and saying so, when it would not. */
class DeadLetterSerializerTest {

    private final OutputRecords.DeadLetterSerializer serializer = new OutputRecords.DeadLetterSerializer("dlq", 1_000);

    @Test
    void aRecordThatFitsIsKeptWhole() {
        byte[] value = new byte[900];
        ProducerRecord<byte[], byte[]> r = serializer.serialize(letter("k".getBytes(StandardCharsets.UTF_8), value), null, null);
        assertArrayEquals(value, r.value());
        assertNull(r.headers().lastHeader(OutputRecords.HEADER_ORIGINAL_VALUE_SIZE));
        assertEquals("BAD_MARKER", text(r.headers().lastHeader(OutputRecords.HEADER_REASON)));
        assertEquals("user-events-1@2", text(r.headers().lastHeader(OutputRecords.HEADER_SOURCE)));
    }

    @Test
    void aLateEventHasNoSourcePosition() {
        DeadLetter late = new DeadLetter(new byte[1], new byte[1], DeadLetter.Reason.LATE, "behind", null, -1, -1);
        ProducerRecord<byte[], byte[]> r = serializer.serialize(late, null, null);
        assertEquals("LATE", text(r.headers().lastHeader(OutputRecords.HEADER_REASON)));
        assertNull(r.headers().lastHeader(OutputRecords.HEADER_SOURCE), "no made-up position");
    }

    @Test
    void aRecordTooLargeForTheTopicIsCutAndSaysItsOriginalSizes() {
        byte[] key = "user-0001".getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[1_048_000];
        Arrays.fill(value, (byte) 7);
        value[0] = 1;
        ProducerRecord<byte[], byte[]> r = serializer.serialize(letter(key, value), null, null);
        assertArrayEquals(key, r.key());
        assertEquals(1_000 - key.length, r.value().length, "key and value together at the limit");
        assertArrayEquals(Arrays.copyOf(value, r.value().length), r.value(), "the start of the original value");
        assertEquals("9", text(r.headers().lastHeader(OutputRecords.HEADER_ORIGINAL_KEY_SIZE)));
        assertEquals("1048000", text(r.headers().lastHeader(OutputRecords.HEADER_ORIGINAL_VALUE_SIZE)));
    }

    @Test
    void aLongDetailIsCut() {
        DeadLetter letter = letter(new byte[1], new byte[1]);
        letter.detail = "x".repeat(5_000);
        ProducerRecord<byte[], byte[]> r = serializer.serialize(letter, null, null);
        assertEquals(OutputRecords.MAX_DETAIL, text(r.headers().lastHeader(OutputRecords.HEADER_DETAIL)).length());
    }

    @Test
    void anOutputRecordAboveTheLimitBecomesADeadLetterInsteadOfFailingTheSink() {
        byte[] key = "alice".getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> fits = new ProducerRecord<>("user-stats", key, new byte[95]);
        ProducerRecord<byte[], byte[]> tooLarge = new ProducerRecord<>("user-stats", key, new byte[96]);

        assertEquals(fits, OutputRecords.orDeadLetter(fits, "dlq", 100), "at the limit: written as it is");
        ProducerRecord<byte[], byte[]> r = OutputRecords.orDeadLetter(tooLarge, "dlq", 100);
        assertEquals("dlq", r.topic());
        assertEquals("OUTPUT_TOO_LARGE", text(r.headers().lastHeader(OutputRecords.HEADER_REASON)));
        assertEquals(100, r.key().length + r.value().length, "cut to fit");
        assertEquals("96", text(r.headers().lastHeader(OutputRecords.HEADER_ORIGINAL_VALUE_SIZE)));
    }

    @Test
    void evenTheLargestUserStatsTheContractAllowsIsFarBelowTheLimit() {
        // Every name as long as allowed, each character escaped by JSON in 6 bytes (a control character), as many as allowed.
        java.util.Map<String, Long> actions = new java.util.HashMap<>();
        for (int i = 0; i <= RunningUserStats.MAX_NAMES; i++) {
            actions.put(String.format("%03d", i) + "\u0001".repeat(UserEventDecoder.MAX_NAME_CHARS - 3), Long.MAX_VALUE);
        }
        com.example.userevents.avro.UserStats stats = com.example.userevents.avro.UserStats.newBuilder()
                .setUserId("\u0001".repeat(UserEventDecoder.MAX_USER_ID_CHARS)).setEventCount(Long.MAX_VALUE)
                .setLastEventId(Long.MAX_VALUE).setActionCounts(actions).build();
        int size = OutputRecords.userStatsJson(stats, "v1").length;
        org.junit.jupiter.api.Assertions.assertTrue(size < OutputRecords.MAX_OUTPUT_BYTES / 5, size + " bytes");
    }

    private static DeadLetter letter(byte[] key, byte[] value) {
        return new DeadLetter(key, value, DeadLetter.Reason.BAD_MARKER, "not Avro", "user-events", 1, 2L);
    }

    private static String text(Header h) {
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
