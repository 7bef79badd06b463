package com.example.userevents;

import com.example.userevents.avro.UserEvent;
import com.example.userevents.avro.UserStats;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The user-event aggregation pipeline, version 1:
 *
 * <pre>
 * KafkaSource(user-events) -> route dead letters ---------------------------> KafkaSink(user-events-dlq)
 *   -> to-user-stats -> keyBy(user_id) -> reduce (running aggregate) --------> KafkaSink(user-stats)
 *   -> keyBy(user_id) -> tumbling event-time window count -------------------> KafkaSink(user-windows)
 *                           late events (behind the watermark) -> dead letter -> KafkaSink(user-events-dlq)
 * KafkaSource(user-events-control), broadcast: the cutover gate in front of every sink
 * </pre>
 *
 * <p>The gate (see {@link Cutover}) lets two versions run side by side in a blue/green upgrade and
 * each emit only its side of the cutover; a job that takes part in none passes everything through.
 *
 * <p>The uids below are the contract between this job and its savepoints: a savepoint stores each
 * operator's state under the hash of its uid, and the next version finds its state again only if
 * it declares the same uids. They never change between versions; neither does the max
 * parallelism, which fixes the number of key groups that keyed state is split into.
 */
public final class UserEventsJob {

    /** Written into every output record, so the verifier can see which version produced it. */
    public static final String JOB_VERSION = "v1";

    /** Fixed for the life of the pipeline: keyed state is stored in this many key groups. */
    public static final int MAX_PARALLELISM = 128;

    public static final String SOURCE_UID = "user-events-source";
    public static final String ROUTE_UID = "route-dead-letters";
    public static final String TO_STATS_UID = "to-user-stats";
    public static final String STATS_REDUCE_UID = "user-stats-reduce";
    public static final String STATS_SINK_UID = "user-stats-sink";
    public static final String WINDOW_COUNT_UID = "user-windows-count";
    public static final String WINDOWS_SINK_UID = "user-windows-sink";
    public static final String DLQ_SINK_UID = "user-events-dlq-sink";
    public static final String LATE_EVENTS_UID = "late-events-to-dead-letters";
    public static final String STATS_HOLD_UID = "user-stats-cutover";
    public static final String WINDOWS_HOLD_UID = "user-windows-cutover";
    public static final String DLQ_HOLD_UID = "dead-letters-cutover";
    public static final String LATE_AFTER_CUTOVER_UID = "late-after-cutover";

    private UserEventsJob() {}

    /** The three outputs of the pipeline; Kafka sinks in production, anything in tests. */
    public record Sinks(Sink<UserStats> stats, Sink<WindowCount> windows, Sink<DeadLetter> deadLetters) {}

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromArgs(args);
        StreamExecutionEnvironment env = createEnvironment(config);
        if (!env.getConfiguration().get(TopicsCheck.PREFLIGHT)) {
            TopicsCheck.check(config);
        }
        build(env, config, kafkaSource(config), kafkaSinks(config));
        env.execute("user-events-aggregator " + JOB_VERSION);
    }

    /** Checkpointing, max parallelism, the state backend, and no Kryo: every state type must be able to evolve. */
    public static StreamExecutionEnvironment createEnvironment(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Records go from one chained operator to the next without a copy. Safe here: no function
        // of this job keeps a record it was given, or changes one (the reduce changes only the
        // aggregate in its own state, see RunningUserStats); otherwise Flink deep-copies every Avro
        // record at every chained step, for nothing.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        // The cluster provides the backend; the job only names it (state.backend.type).
        conf.set(StateBackendOptions.STATE_BACKEND, config.stateBackend());
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** Assembles the pipeline; {@code main} and the tests both call this. */
    public static void build(
            StreamExecutionEnvironment env, JobConfig config, Source<Decoded, ?, ?> source, Sinks sinks) {
        WatermarkStrategy<Decoded> watermarks = WatermarkStrategy.<Decoded>forBoundedOutOfOrderness(
                        config.maxOutOfOrderness())
                // A dead letter has no event time; Long.MIN_VALUE never moves the watermark.
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTimeOr(Long.MIN_VALUE))
                .withIdleness(config.idleTimeout());

        DataStream<Decoded> decoded = env.fromSource(source, watermarks, SOURCE_UID).uid(SOURCE_UID);
        SingleOutputStreamOperator<UserEvent> events = decoded
                .process(new RouteDeadLetters())
                .uid(ROUTE_UID)
                .name(ROUTE_UID);

        BroadcastStream<String> cutovers = env.fromSource(Cutover.controlSource(config), Cutover.noHoldOnEventTime(),
                        Cutover.CONTROL_SOURCE_UID)
                .uid(Cutover.CONTROL_SOURCE_UID)
                .setParallelism(1)
                .broadcast(Cutover.MESSAGES);

        userStats(events).connect(cutovers).process(new CutoverHold.Stats(config)).uid(STATS_HOLD_UID).name(STATS_HOLD_UID)
                .sinkTo(sinks.stats()).uid(config.sinkUid(STATS_SINK_UID)).name(STATS_SINK_UID);

        SingleOutputStreamOperator<WindowCount> windows = windowCounts(events, config);
        windows.connect(cutovers).process(new CutoverHold.Windows(config)).uid(WINDOWS_HOLD_UID).name(WINDOWS_HOLD_UID)
                .sinkTo(sinks.windows()).uid(config.sinkUid(WINDOWS_SINK_UID)).name(WINDOWS_SINK_UID);

        DataStream<DeadLetter> lateEvents = windows.getSideOutput(WindowCounting.LATE_EVENTS)
                .process(new WindowCounting.LateEventsToDeadLetters())
                .uid(LATE_EVENTS_UID)
                .name(LATE_EVENTS_UID);
        DataStream<DeadLetter> lateAfterCutover = decoded.connect(cutovers)
                .process(new CutoverHold.LateAfterCutover(config))
                .uid(LATE_AFTER_CUTOVER_UID)
                .name(LATE_AFTER_CUTOVER_UID);

        events.getSideOutput(RouteDeadLetters.DEAD_LETTERS)
                .union(lateEvents, lateAfterCutover)
                .connect(cutovers)
                .process(new CutoverHold.DeadLetters(config))
                .uid(DLQ_HOLD_UID)
                .name(DLQ_HOLD_UID)
                .sinkTo(sinks.deadLetters())
                .uid(config.sinkUid(DLQ_SINK_UID))
                .name(DLQ_SINK_UID);
    }

    /** keyBy(user_id) -> reduce: one updated aggregate per input event. */
    public static DataStream<UserStats> userStats(DataStream<UserEvent> events) {
        return events.map(RunningUserStats::ofEvent)
                .uid(TO_STATS_UID)
                .name(TO_STATS_UID)
                .keyBy(UserStats::getUserId, Types.STRING)
                .reduce(new RunningUserStats())
                .uid(STATS_REDUCE_UID)
                .name(STATS_REDUCE_UID);
    }

    /** keyBy(user_id) -> tumbling event-time window -> count; late events to {@link WindowCounting#LATE_EVENTS}. */
    public static SingleOutputStreamOperator<WindowCount> windowCounts(DataStream<UserEvent> events, JobConfig config) {
        return events.keyBy(UserEvent::getUserId, Types.STRING)
                .window(TumblingEventTimeWindows.of(config.windowSize()))
                .sideOutputLateData(WindowCounting.LATE_EVENTS)
                .aggregate(new WindowCounting.CountEvents(), new WindowCounting.ToWindowCount())
                .uid(WINDOW_COUNT_UID)
                .name(WINDOW_COUNT_UID);
    }

    /** Reads from the committed group offsets; the first time, from the beginning of the topic. */
    public static KafkaSource<Decoded> kafkaSource(JobConfig config) {
        return KafkaSource.<Decoded>builder()
                .setProperties(config.kafkaClientProperties())
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(config.inputTopic())
                .setGroupId(config.groupId())
                .setClientIdPrefix(config.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new UserEventDecoder(UserEventDecoder.Bounds.of(config)))
                .build();
    }

    public static Sinks kafkaSinks(JobConfig config) {
        return new Sinks(
                exactlyOnce(config, config.sinkUid(STATS_SINK_UID),
                        new OutputRecords.UserStatsSerializer(config.statsTopic(), config.deadLetterTopic(), JOB_VERSION)),
                exactlyOnce(config, config.sinkUid(WINDOWS_SINK_UID),
                        new OutputRecords.WindowCountSerializer(config.windowsTopic(), config.deadLetterTopic(), JOB_VERSION)),
                exactlyOnce(config, config.sinkUid(DLQ_SINK_UID), new OutputRecords.DeadLetterSerializer(config.deadLetterTopic(), config.deadLetterMaxBytes())));
    }

    /**
     * A transactional sink: records become visible to read_committed consumers when the
     * checkpoint that covers them completes. The transactional id prefix must stay the same across
     * versions, so that a restored job finds and finishes (or aborts) the transactions its
     * predecessor left open in the savepoint.
     */
    private static <T> KafkaSink<T> exactlyOnce(
            JobConfig config, String sinkUid, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(config.kafkaClientProperties())
                .setBootstrapServers(config.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.groupId() + "." + sinkUid)
                // Kafka aborts a transaction left open this long (--transaction-timeout, 10 min by default:
                // below the broker's default maximum of 15 min; the builder's own default, 1 h, is above it).
                .setProperty("transaction.timeout.ms", String.valueOf(config.transactionTimeout().toMillis()))
                .build();
    }
}
