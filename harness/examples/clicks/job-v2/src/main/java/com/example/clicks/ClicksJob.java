package com.example.clicks;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.MapStateDescriptor;
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
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * An example pipeline of another shape than user-events, that the harness knows only through its
 * plan file (harness/examples/clicks/plan.yaml): JSON clicks in, per-user answers and sessions out.
 *
 * <pre>
 * KafkaSource(clicks, JSON) -> parse (bad record -> dead letter) ---------------> KafkaSink(clicks-dlq)
 *   -> keyBy(user) -> ClickSessions (KeyedBroadcastProcessFunction) ----------> KafkaSink(click-answers)
 *        keyed state: clicks so far, the open session, event-time timers       -> KafkaSink(sessions)
 *        broadcast state: page -> category, from KafkaSource(page-categories)
 * </pre>
 *
 * Version 2: a session ends after 20 s of event time without a click (it was 30 s): a change of
 * logic, whose effect on the output from the upgrade on is approved once (the plan's golden file)
 * and checked on every run.
 */
public final class ClicksJob {

    public static final String VERSION = "v2";
    public static final int MAX_PARALLELISM = 128;

    /** A session ends after this much event time without a click. */
    public static final Duration SESSION_GAP = Duration.ofSeconds(20);

    public static final MapStateDescriptor<String, String> CATEGORIES =
            new MapStateDescriptor<>("page-categories", Types.STRING, Types.STRING);

    private ClicksJob() {}

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        String brokers = p.getRequired("bootstrap-servers");
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(p.getLong("checkpoint-interval-ms", 1_000)));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

        KafkaSource<Parsed> clicks = KafkaSource.<Parsed>builder()
                .setBootstrapServers(brokers).setTopics("clicks").setGroupId("clicks-job")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new Parsed.Deserializer()).build();
        KafkaSource<String> categories = KafkaSource.<String>builder()
                .setBootstrapServers(brokers).setTopics("page-categories").setGroupId("clicks-job-categories")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema()).build();

        build(env, env.fromSource(clicks, WatermarkStrategy.<Parsed>forBoundedOutOfOrderness(Duration.ofSeconds(2))
                        .withTimestampAssigner((r, kafkaTs) -> r.click != null ? r.click.ts : Long.MIN_VALUE), "clicks-source")
                        .uid("clicks-source"),
                env.fromSource(categories, WatermarkStrategy.noWatermarks(), "categories-source").uid("categories-source"),
                sink(brokers, "click-answers", "answers"), sink(brokers, "sessions", "sessions"),
                sink(brokers, "clicks-dlq", "dlq"));
        env.execute("clicks " + VERSION);
    }

    /** The pipeline; {@code main} wires Kafka to it. */
    static void build(StreamExecutionEnvironment env, DataStream<Parsed> clicks, DataStream<String> categories,
            Sink<Output> answers, Sink<Output> sessions, Sink<Output> deadLetters) {
        SingleOutputStreamOperator<Click> parsed = clicks.process(new Parsed.Route()).uid("route-bad-clicks").name("route-bad-clicks");
        parsed.getSideOutput(Parsed.BAD).sinkTo(deadLetters).uid("clicks-dlq-sink").name("clicks-dlq-sink");

        BroadcastStream<String> pages = categories.broadcast(CATEGORIES);
        SingleOutputStreamOperator<Output> answered = parsed.keyBy(c -> c.user, Types.STRING).connect(pages)
                .process(new ClickSessions(SESSION_GAP.toMillis(), VERSION)).uid("click-sessions").name("click-sessions");
        answered.sinkTo(answers).uid("answers-sink").name("answers-sink");
        answered.getSideOutput(ClickSessions.SESSIONS).sinkTo(sessions).uid("sessions-sink").name("sessions-sink");
    }

    /** Exactly-once into {@code topic}; the transactional id prefix stays the same in every version. */
    private static Sink<Output> sink(String brokers, String topic, String prefix) {
        return KafkaSink.<Output>builder()
                .setBootstrapServers(brokers)
                .setRecordSerializer(new Output.Serializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("clicks-job." + prefix)
                .setProperty("transaction.timeout.ms", String.valueOf(Duration.ofMinutes(10).toMillis()))
                .build();
    }
}
