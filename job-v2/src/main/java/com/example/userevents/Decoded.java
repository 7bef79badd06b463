package com.example.userevents;

import com.example.userevents.avro.UserEvent;

/**
 * What the source emits for each Kafka record: either the decoded event or, when the record could
 * not be decoded, its dead letter. Exactly one of the two fields is set. Decoding happens in the
 * source so that event time and watermarks are tracked per Kafka partition.
 */
public class Decoded {

    public UserEvent event;
    public DeadLetter deadLetter;
    /** Where the record was read: a cutover decides some events by it (see CutoverHold.LateAfterCutover). */
    public int partition;
    public long offset;

    /** For Flink's POJO serializer. */
    public Decoded() {}

    public static Decoded event(UserEvent event) {
        Decoded d = new Decoded();
        d.event = event;
        return d;
    }

    public static Decoded deadLetter(DeadLetter deadLetter) {
        Decoded d = new Decoded();
        d.deadLetter = deadLetter;
        return d;
    }

    /** Event time of a decoded event; a dead letter has none and never moves the watermark. */
    public long eventTimeOr(long otherwise) {
        return event != null ? event.getEventTime() : otherwise;
    }

    @Override
    public String toString() {
        return event != null ? event.toString() : String.valueOf(deadLetter);
    }
}
