package ${package};

import java.io.IOException;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import ${package}.avro.Event;

/** A record of the events topic: an Event, or, when it is not one, its bytes for the dead letters. */
public class Decoded {
    public Event event;
    public byte[] badKey;
    public byte[] badValue;

    public Decoded() {}

    static final OutputTag<Output> BAD = new OutputTag<>("bad-events") {};

    /** The event, or null for anything that is not one (wrong marker, unknown schema, truncated, empty). */
    static Event decode(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            Event e = Event.getDecoder().decode(value);
            return e.getKey().isEmpty() ? null : e;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Every record becomes exactly one Decoded: a record that is not an event never fails the job. */
    static final class Deserializer implements KafkaRecordDeserializationSchema<Decoded> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded> out) {
            Decoded d = new Decoded();
            d.event = decode(record.value());
            if (d.event == null) {
                d.badKey = record.key();
                d.badValue = record.value() == null ? new byte[0] : record.value();
            }
            out.collect(d);
        }

        @Override
        public TypeInformation<Decoded> getProducedType() {
            return TypeInformation.of(Decoded.class);
        }
    }

    /** Events on; everything else to the dead letters, as it came. */
    static final class Route extends ProcessFunction<Decoded, Event> {
        @Override
        public void processElement(Decoded d, Context ctx, Collector<Event> out) {
            if (d.event != null) {
                out.collect(d.event);
            } else {
                ctx.output(BAD, new Output(d.badKey, d.badValue));
            }
        }
    }
}
