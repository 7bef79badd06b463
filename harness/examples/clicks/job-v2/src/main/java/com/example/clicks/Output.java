package com.example.clicks;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record for an output topic: its key and value. Every record names the Flink job that wrote it
 * (header writer-job-id), so that a reader can tell the deployments of an upgrade apart.
 */
public class Output {
    public byte[] key;
    public byte[] value;

    public Output() {}

    public Output(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    public static Output of(String key, String json) {
        return new Output(key == null ? null : key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the record to one topic, with the writer-job-id header. */
    static final class Serializer implements KafkaRecordSerializationSchema<Output> {
        private final String topic;
        private transient byte[] writer;

        Serializer(String topic) {
            this.topic = topic;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            String job = context.getMetricGroup().getAllVariables().get("<job_id>");
            writer = job == null ? null : job.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Output o, KafkaSinkContext context, Long timestamp) {
            RecordHeaders headers = new RecordHeaders();
            if (writer != null) {
                headers.add(new RecordHeader("writer-job-id", writer));
            }
            return new ProducerRecord<>(topic, null, null, o.key, o.value, headers);
        }
    }
}
