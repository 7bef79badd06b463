package com.example.userevents;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Kafka record from the input topic that could not be decoded into a {@code UserEvent}: its
 * original bytes, where it came from, and why it was refused. Written to the dead-letter topic
 * unchanged, so nothing is silently dropped and the record can be repaired and replayed.
 */
public class DeadLetter {

    /** Why a record went to the dead-letter topic; written in the {@code dlq-reason} header. */
    public enum Reason {
        /** The record has no key (the key is the user_id and decides the partition). */
        MISSING_KEY,
        /** The record has no value, or an empty one. */
        EMPTY_VALUE,
        /** The value does not start with the Avro single-object marker C3 01. */
        BAD_MARKER,
        /** The writer schema's fingerprint is not one this job version knows. */
        UNKNOWN_SCHEMA,
        /**
         * The header is fine but the datum is truncated, corrupt, followed by extra bytes, or declares
         * a length that does not fit in the record.
         */
        CORRUPT_DATUM,
        /** The record's key is not the event's user_id, so it may be in another partition than the user's events. */
        KEY_MISMATCH,
        /**
         * The event's event_time is before the job's --min-event-time (by default the epoch: a negative
         * time is a corrupt one, and near the edge of the long range a window's end would overflow).
         */
        EVENT_TIME_OUT_OF_RANGE,
        /**
         * The event's event_time is further ahead of the moment it was written (the record's Kafka
         * timestamp) than --max-event-time-ahead allows. Accepted, it would move its partition's
         * watermark, and so event time for every user, past every other event: all of them late.
         */
        FUTURE_EVENT_TIME,
        /**
         * A text field is longer than the contract allows (user_id 128 characters, action and
         * device_type 64): every user-stats record of the user would repeat it, up to the sink's limit.
         */
        FIELD_TOO_LONG,
        /**
         * An output record would exceed the size the output topic takes: written here, cut to fit,
         * instead of failing the sink on every restart. The contract's bounds make it unreachable;
         * this is the last line of defence.
         */
        OUTPUT_TOO_LARGE,
        /**
         * A decoded event whose event time was already behind the watermark when it reached the
         * window count: its window had fired (or would never fire again), so it is in no
         * user-windows record. It is counted in user-stats like any event. Its dead letter holds the
         * event re-encoded in this job's schema (the original bytes are gone by then), and no source
         * position.
         */
        LATE
    }

    public byte[] key;
    public byte[] value;
    public Reason reason;
    public String detail;
    public String topic;
    public int partition;
    public long offset;
    /** A late event's event time (Long.MIN_VALUE for a record that was never decoded): its cutover side. */
    public long eventTime = Long.MIN_VALUE;
    /** The Kafka timestamp of an undecodable record: its cutover side. */
    public long writtenAt = -1;
    /** A late event past a cutover, dead-lettered only if the previous version never read it (CutoverHold). */
    public boolean afterCutover;

    /** For Flink's POJO serializer. */
    public DeadLetter() {}

    public DeadLetter(byte[] key, byte[] value, Reason reason, String detail, String topic, int partition, long offset) {
        this.key = key;
        this.value = value;
        this.reason = reason;
        this.detail = detail;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** Whether the dead letter knows the input record it came from (a {@link Reason#LATE} one does not). */
    public boolean hasSource() {
        return topic != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d
                && Arrays.equals(key, d.key)
                && Arrays.equals(value, d.value)
                && reason == d.reason
                && Objects.equals(detail, d.detail)
                && Objects.equals(topic, d.topic)
                && partition == d.partition
                && offset == d.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), reason, topic, partition, offset);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + " (" + detail + ")" + (hasSource() ? " at " + topic + "-" + partition + "@" + offset : "") + "}";
    }
}
