package ${package};

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record for an output topic. Every record names the Flink job that wrote it (header
 * writer-job-id), so that the upgrade test tells the deployments of an upgrade apart.
 */
public class Output {
    public byte[] key;
    public byte[] value;

    public Output() {}

    public Output(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }

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
