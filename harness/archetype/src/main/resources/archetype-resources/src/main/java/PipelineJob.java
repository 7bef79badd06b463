package ${package};

import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import ${package}.avro.Event;

/**
 * The pipeline: events (Avro) in, one answer per event out (the key's running count and total),
 * every record that is not an event to the dead letters, as it came.
 *
 * <pre>
 * KafkaSource(events) -> route (not an Event -> dead letter) ------------> KafkaSink(events-dlq)
 *   -> keyBy(key) -> RunningTotals (keyed state: count, total) ----------> KafkaSink(answers)
 * </pre>
 *
 * What keeps it upgradable through savepoints: a constant uid on every stateful operator and sink
 * (never rename one), max parallelism fixed, parallelism given at submission, Kryo off, exactly-once
 * sinks with stable transactional id prefixes. src/test/upgrade/plan.yaml is its upgrade test.
 */
public final class PipelineJob {

    /** Written into every answer; volatile in the upgrade plan. */
    public static final String VERSION = "1";

    public static final int MAX_PARALLELISM = 128;

    private PipelineJob() {}

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        String brokers = p.getRequired("bootstrap-servers");
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(p.getLong("checkpoint-interval-ms", 10_000)));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

        KafkaSource<Decoded> source = KafkaSource.<Decoded>builder()
                .setBootstrapServers(brokers).setTopics(p.get("input-topic", "events")).setGroupId(p.get("group-id", "pipeline-job"))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new Decoded.Deserializer()).build();
        DataStream<Decoded> events = env.fromSource(source, WatermarkStrategy.<Decoded>forBoundedOutOfOrderness(
                        Duration.ofSeconds(5)).withTimestampAssigner((d, kafkaTs) -> d.event != null ? d.event.getTime().toEpochMilli()
                        : Long.MIN_VALUE), "events-source").uid("events-source");
        build(events, sink(brokers, p.get("output-topic", "answers"), "answers"),
                sink(brokers, p.get("dead-letter-topic", "events-dlq"), "dlq"));
        env.execute("pipeline-job " + VERSION);
    }

    /** The pipeline; main wires Kafka to it. */
    static void build(DataStream<Decoded> events, Sink<Output> answers, Sink<Output> deadLetters) {
        SingleOutputStreamOperator<Event> good = events.process(new Decoded.Route()).uid("route").name("route");
        good.getSideOutput(Decoded.BAD).sinkTo(deadLetters).uid("dlq-sink").name("dlq-sink");
        good.keyBy(Event::getKey, Types.STRING).process(new RunningTotals(VERSION)).uid("running-totals").name("running-totals")
                .sinkTo(answers).uid("answers-sink").name("answers-sink");
    }

    private static Sink<Output> sink(String brokers, String topic, String prefix) {
        return KafkaSink.<Output>builder()
                .setBootstrapServers(brokers)
                .setRecordSerializer(new Output.Serializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("pipeline-job." + prefix)
                .setProperty("transaction.timeout.ms", String.valueOf(Duration.ofMinutes(10).toMillis()))
                .build();
    }
}
