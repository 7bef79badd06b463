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

    private static DeadLetter letter(byte[] key, byte[] value) {
        return new DeadLetter(key, value, DeadLetter.Reason.BAD_MARKER, "not Avro", "user-events", 1, 2L);
    }

    private static String text(Header h) {
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
