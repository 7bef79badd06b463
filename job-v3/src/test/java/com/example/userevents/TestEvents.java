package com.example.userevents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.example.userevents.avro.UserEvent;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/** Named event factories and the encoded forms of good and bad input records, shared by the tests. */
final class TestEvents {

    /** Event times in the first and second 10-second window. */
    static final long T_0S = 0L;
    static final long T_1S = 1_000L;
    static final long T_2S = 2_000L;
    static final long T_4S = 4_000L;
    static final long T_5S = 5_000L;
    static final long T_11S = 11_000L;
    static final long T_12S = 12_000L;

    private TestEvents() {}

    static UserEvent event(long eventId, String userId, String action, long eventTime) {
        return UserEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(userId)
                .setAction(action)
                .setEventTime(eventTime)
                .build();
    }

    static UserEvent event(long eventId, String userId, String action, long eventTime, String deviceType) {
        UserEvent e = event(eventId, userId, action, eventTime);
        e.setDeviceType(deviceType);
        return e;
    }

    /** The event as a v1 producer wrote it: with the v1 writer schema, so without device_type. */
    static byte[] encodeAsV1(UserEvent event) {
        try (var in = TestEvents.class.getResourceAsStream("/schemas/UserEvent-v1.avsc")) {
            Schema v1 = new Schema.Parser().parse(in);
            GenericRecord record = new GenericData.Record(v1);
            record.put("event_id", event.getEventId());
            record.put("user_id", event.getUserId());
            record.put("action", event.getAction());
            record.put("event_time", event.getEventTime());
            return bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] key(String userId) {
        return userId.getBytes(StandardCharsets.UTF_8);
    }

    /** Avro single-object encoding, as producers write user-events. */
    static byte[] encode(UserEvent event) {
        try {
            return bytes(UserEvent.getEncoder().encode(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid single-object record whose writer schema this job version does not know. */
    static byte[] encodedWithUnknownSchema(String userId) {
        Schema other = SchemaBuilder.record("UserEvent").namespace("com.example.userevents.avro").fields()
                .requiredLong("event_id")
                .requiredString("user_id")
                .requiredString("action")
                .requiredLong("event_time")
                .requiredString("referrer")
                .endRecord();
        GenericRecord record = new GenericData.Record(other);
        record.put("event_id", 99L);
        record.put("user_id", userId);
        record.put("action", "click");
        record.put("event_time", 1L);
        record.put("referrer", "newsletter");
        try {
            return bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), other).encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Valid fingerprint, but the marker is not C3 01. */
    static byte[] withBadMarker(byte[] encoded) {
        byte[] bad = encoded.clone();
        bad[0] = (byte) 0x7B; // '{', as if someone wrote JSON to the topic
        return bad;
    }

    /** Header intact, datum cut short. */
    static byte[] truncated(byte[] encoded) {
        return Arrays.copyOf(encoded, encoded.length - 3);
    }

    /** Header intact, datum followed by bytes that belong to nothing. */
    static byte[] withTrailingBytes(byte[] encoded) {
        byte[] bad = Arrays.copyOf(encoded, encoded.length + 2);
        bad[encoded.length] = 0x02;
        bad[encoded.length + 1] = 0x04;
        return bad;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
