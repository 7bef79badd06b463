package com.example.userevents;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.example.userevents.avro.UserEvent;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes the values of {@code user-events}: Avro single-object encoding, i.e. the marker C3 01,
 * the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary datum. The fingerprint
 * tells which schema wrote the record; this version knows two writer schemas: UserEvent v2 (its
 * own) and UserEvent v1, because v1-written events are still in the topic when v2 starts. Avro
 * resolves a v1 datum to the v2 reader schema, filling device_type with its default.
 *
 * <p>Every record yields exactly one {@link Decoded}: the event, or a {@link DeadLetter} with the
 * original bytes and the reason. A bad record never throws, so it can neither fail nor restart the
 * job.
 *
 * <p>A well-formed event is still refused when it would harm every other user: a text field longer
 * than the contract allows (each user-stats record repeats the user's names, so one huge action
 * would make every later record of that user too large for the sink), or an event time outside
 * {@link Bounds}. Event time is validated here, before the watermark sees it, because the watermark
 * only moves forward: one event dated next year would make every event after it late, for every
 * user. The bound is relative to the record's own Kafka timestamp (the moment it was written, which
 * the broker keeps within an hour of its clock), so the same record is judged the same way in
 * every run and on every replay.
 */
public class UserEventDecoder implements KafkaRecordDeserializationSchema<Decoded> {

    /**
     * The event times this job accepts: not before {@code minEventTime}, and not more than
     * {@code maxAheadMillis} after the moment the record was written.
     */
    public record Bounds(long minEventTime, long maxAheadMillis) implements java.io.Serializable {

        public static Bounds of(JobConfig config) {
            return new Bounds(config.minEventTime(), config.maxEventTimeAhead().toMillis());
        }

        /** The reason an event time is refused, or null when it is accepted. */
        DeadLetter.Reason refuse(long eventTime, long writtenAt) {
            if (eventTime < minEventTime) {
                return DeadLetter.Reason.EVENT_TIME_OUT_OF_RANGE;
            }
            // No overflow: writtenAt is a timestamp of this era and maxAheadMillis a duration.
            return eventTime - writtenAt > maxAheadMillis ? DeadLetter.Reason.FUTURE_EVENT_TIME : null;
        }
    }

    /** The longest user_id, in characters; longer ones are dead-lettered FIELD_TOO_LONG. */
    static final int MAX_USER_ID_CHARS = 128;

    /** The longest value of any other text field (action, device_type), in characters. */
    static final int MAX_NAME_CHARS = 64;

    private final Bounds bounds;
    private transient BinaryMessageDecoder<UserEvent> decoder;

    public UserEventDecoder(Bounds bounds) {
        this.bounds = bounds;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = newDecoder();
    }

    /** Writer schemas of earlier versions, which events still in the topic may have been written with. */
    static final String[] OLDER_WRITER_SCHEMAS = {"/schemas/UserEvent-v1.avsc"};

    /** The reader schema is this version's UserEvent; the writer schemas it accepts are these. */
    static BinaryMessageDecoder<UserEvent> newDecoder() {
        BinaryMessageDecoder<UserEvent> decoder = UserEvent.createDecoder(null);
        for (String resource : OLDER_WRITER_SCHEMAS) {
            decoder.addSchema(loadSchema(resource));
        }
        return decoder;
    }

    private static Schema loadSchema(String resource) {
        try (InputStream in = UserEventDecoder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the job jar");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the writer schema " + resource, e);
        }
    }

    /** Every schema this version reads, by the fingerprint that single-object encoding writes in its header. */
    private static final Map<Long, Schema> WRITERS = writerSchemas();

    private static Map<Long, Schema> writerSchemas() {
        Map<Long, Schema> writers = new HashMap<>();
        writers.put(SchemaNormalization.parsingFingerprint64(UserEvent.getClassSchema()), UserEvent.getClassSchema());
        for (String resource : OLDER_WRITER_SCHEMAS) {
            Schema schema = loadSchema(resource);
            writers.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        }
        return writers;
    }

    /** Marker (C3 01) and fingerprint (8 bytes, little-endian) of the single-object encoding, before the datum. */
    private static final int HEADER_LENGTH = 10;

    /** A detail longer than this is cut: it goes into a header of the dead letter. */
    private static final int MAX_QUOTED = 64;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded> out) {
        if (decoder == null) {
            decoder = newDecoder();
        }
        // A record without a timestamp (none since Kafka 0.10) is judged against the time it is read.
        long writtenAt = record.timestamp() >= 0 ? record.timestamp() : System.currentTimeMillis();
        Decoded decoded = decode(decoder, bounds, record.key(), record.value(), writtenAt, record.topic(), record.partition(),
                record.offset());
        decoded.partition = record.partition();
        decoded.offset = record.offset();
        if (decoded.deadLetter != null) {
            decoded.deadLetter.writtenAt = writtenAt;
        }
        out.collect(decoded);
    }

    static Decoded decode(BinaryMessageDecoder<UserEvent> decoder, Bounds bounds, byte[] key, byte[] value,
            long writtenAt, String topic, int partition, long offset) {
        if (key == null || key.length == 0) {
            return dead(key, value, DeadLetter.Reason.MISSING_KEY, "record has no key (the user_id)", topic, partition, offset);
        }
        if (value == null || value.length == 0) {
            return dead(key, value, DeadLetter.Reason.EMPTY_VALUE, "record has no value", topic, partition, offset);
        }
        // Avro trusts the lengths in a datum; a few bytes claiming a 2 GB string would make it
        // allocate 2 GB. So every length must first fit in the record (see DatumBounds).
        String corrupt = outOfBounds(value);
        if (corrupt != null) {
            return dead(key, value, DeadLetter.Reason.CORRUPT_DATUM, corrupt, topic, partition, offset);
        }
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(value);
            UserEvent event = decoder.decode(in, null);
            if (in.available() > 0) {
                return dead(key, value, DeadLetter.Reason.CORRUPT_DATUM,
                        in.available() + " bytes after the end of the datum", topic, partition, offset);
            }
            String tooLong = tooLongField(event);
            if (tooLong != null) {
                return dead(key, value, DeadLetter.Reason.FIELD_TOO_LONG, tooLong, topic, partition, offset);
            }
            // The key decides the partition, so all of a user's events are in one partition, in
            // order. An event filed under another key could be anywhere: refuse it, visibly.
            String keyText = new String(key, StandardCharsets.UTF_8);
            if (!keyText.equals(event.getUserId())) {
                return dead(key, value, DeadLetter.Reason.KEY_MISMATCH, "the key is '" + quote(keyText)
                        + "' but the event's user_id is '" + quote(event.getUserId()) + "'", topic, partition, offset);
            }
            DeadLetter.Reason refused = bounds.refuse(event.getEventTime(), writtenAt);
            if (refused != null) {
                return dead(key, value, refused, "event_time " + event.getEventTime() + " (" + instant(event.getEventTime())
                        + ") of a record written at " + instant(writtenAt) + "; accepted: from " + instant(bounds.minEventTime())
                        + " to " + bounds.maxAheadMillis() + " ms after it was written", topic, partition, offset);
            }
            return Decoded.event(event);
        } catch (BadHeaderException e) {
            return dead(key, value, DeadLetter.Reason.BAD_MARKER, e.getMessage(), topic, partition, offset);
        } catch (MissingSchemaException e) {
            return dead(key, value, DeadLetter.Reason.UNKNOWN_SCHEMA, e.getMessage(), topic, partition, offset);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            return dead(key, value, DeadLetter.Reason.CORRUPT_DATUM, String.valueOf(e), topic, partition, offset);
        }
    }

    /** What is wrong with the datum's lengths for its writer schema; null if they fit or the header is unknown. */
    private static String outOfBounds(byte[] value) {
        if (value.length < HEADER_LENGTH || value[0] != (byte) 0xC3 || value[1] != (byte) 0x01) {
            return null; // not single-object encoded: the decoder says so (BAD_MARKER)
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = WRITERS.get(fingerprint);
        return writer == null ? null : DatumBounds.problem(writer, value, HEADER_LENGTH);
    }

    /** The first text field longer than the contract allows, described; null if none is. */
    private static String tooLongField(UserEvent event) {
        for (Schema.Field field : event.getSchema().getFields()) {
            int max = field.name().equals("user_id") ? MAX_USER_ID_CHARS : MAX_NAME_CHARS;
            if (event.get(field.pos()) instanceof CharSequence text && text.length() > max) {
                return field.name() + " has " + text.length() + " characters, more than " + max + ": '"
                        + quote(text.toString()) + "'";
            }
        }
        return null;
    }

    /** An epoch-millisecond time as an instant, or the number itself where it is outside the instants Java knows. */
    private static String instant(long epochMillis) {
        try {
            return java.time.Instant.ofEpochMilli(epochMillis).toString();
        } catch (java.time.DateTimeException e) {
            return epochMillis + " ms";
        }
    }

    private static String quote(String text) {
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "... (" + text.length() + " chars)";
    }

    private static Decoded dead(
            byte[] key, byte[] value, DeadLetter.Reason reason, String detail, String topic, int partition, long offset) {
        return Decoded.deadLetter(new DeadLetter(key, value, reason, detail, topic, partition, offset));
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }
}
