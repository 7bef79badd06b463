package com.example.clicks;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record of the clicks topic: a click, or, when it is not one, its original bytes for the dead-letter topic. */
public class Parsed {
    public Click click;
    public byte[] badKey;
    public byte[] badValue;

    public Parsed() {}

    static final OutputTag<Output> BAD = new OutputTag<>("bad-clicks") {};

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every record becomes exactly one Parsed: a record that is not a click never fails the job. */
    static final class Deserializer implements KafkaRecordDeserializationSchema<Parsed> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Parsed> out) {
            Parsed p = new Parsed();
            p.click = parse(record.value());
            if (p.click == null) {
                p.badKey = record.key();
                p.badValue = record.value() == null ? new byte[0] : record.value();
            }
            out.collect(p);
        }

        @Override
        public TypeInformation<Parsed> getProducedType() {
            return TypeInformation.of(Parsed.class);
        }
    }

    /** The click, or null: not JSON, a field missing, or of the wrong type. */
    static Click parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode j = JSON.readTree(value);
            if (j == null || !j.path("id").isIntegralNumber() || !j.path("user").isTextual() || !j.path("page").isTextual()
                    || !j.path("ts").isIntegralNumber() || j.path("user").asText().isEmpty()) {
                return null;
            }
            return new Click(j.get("id").asLong(), j.get("user").asText(), j.get("page").asText(), j.get("ts").asLong());
        } catch (IOException e) {
            return null;
        }
    }

    /** Clicks on; everything else to the dead letters, as it came. */
    static final class Route extends ProcessFunction<Parsed, Click> {
        @Override
        public void processElement(Parsed p, Context ctx, Collector<Click> out) {
            if (p.click != null) {
                out.collect(p.click);
            } else {
                ctx.output(BAD, new Output(p.badKey, p.badValue));
            }
        }
    }
}
