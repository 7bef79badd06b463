package com.example.upgrades.harness.inspect;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.functions.WindowReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * What a savepoint's state holds, value by value, read with the State Processor API: each key's
 * value of every keyed VALUE state (the reduce's running aggregate), each open window's
 * accumulator of every state kept per time window (the window count's contents), and where each
 * Kafka source split resumes (its partition and offset). The types come from the savepoint itself,
 * its serializer snapshots; the classes they name come from the job's jar. Nothing here knows a
 * particular pipeline.
 */
public final class SavepointValues {

    /** The source operators' split state, as Flink's SourceOperator names it. */
    static final String SOURCE_SPLITS_STATE = "SourceReaderState";

    /** A window operator's contents, as Flink's WindowOperator names them. */
    static final String WINDOW_CONTENTS = "window-contents";

    /**
     * One state's values.
     *
     * @param entries how many values it holds (keys, windows or splits)
     * @param first the first {@code limit} of them in order, described: "alice = {...}"
     */
    public record StateValues(String operator, String state, long entries, List<String> first) {}

    /** Every state whose values could be read, and why the others could not. */
    public record Values(String path, List<StateValues> states, List<String> notes) {}

    private SavepointValues() {}

    /**
     * @param jobJars the job's jar(s), whose classes the state's serializers name (Avro records)
     * @param limit how many values of each state to describe
     */
    public static Values read(Path savepoint, ClassLoader jobClassLoader, List<URL> jobJars, int limit) throws Exception {
        CheckpointMetadata metadata = SavepointInspector.load(savepoint, jobClassLoader);
        Configuration conf = new Configuration();
        // The job's classes come from its jar; Flink's and Avro's from the harness, as when inspecting.
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        conf.set(PipelineOptions.JARS, jobJars.stream().map(URL::toString).toList());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        SavepointReader reader = SavepointReader.read(env, savepoint.toUri().toString());

        List<StateValues> states = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (OperatorState op : metadata.getOperatorStates()) {
            String name = op.getOperatorUid().orElse(op.getOperatorID().toHexString());
            OperatorIdentifier id = op.getOperatorUid().map(OperatorIdentifier::forUid)
                    .orElseGet(() -> OperatorIdentifier.forUidHash(op.getOperatorID().toHexString()));
            Optional<KeyedBackendSerializationProxy<?>> header;
            try {
                header = SavepointInspector.keyedStateHeader(op, jobClassLoader);
            } catch (IOException e) {
                notes.add("keyed state of " + name + " not read (" + e.getMessage() + "); give the job's jar with --jar");
                header = Optional.empty();
            }
            if (header.isEmpty() && op.getStates().stream().anyMatch(st -> !st.getManagedKeyedState().isEmpty())) {
                notes.add("keyed state of " + name + " is in a state backend's native format (a NATIVE savepoint): "
                        + "its values are read from canonical savepoints only");
            }
            if (header.isPresent()) {
                TypeSerializer<Object> keys = untyped(header.get().getKeySerializerSnapshot().restoreSerializer());
                for (StateMetaInfoSnapshot state : header.get().getStateMetaInfoSnapshots()) {
                    readKeyed(reader, id, op.getOperatorUid().orElse(null), name, keys, state, limit, states, notes);
                }
            }
            if (hasOperatorState(op, SOURCE_SPLITS_STATE)) {
                states.add(splits(reader, id, name, limit, notes));
            }
        }
        return new Values(savepoint.toString(), states, notes);
    }

    private static void readKeyed(SavepointReader reader, OperatorIdentifier id, String uid, String operator,
            TypeSerializer<Object> keys, StateMetaInfoSnapshot state, int limit, List<StateValues> out, List<String> notes)
            throws Exception {
        if (state.getBackendStateType() != StateMetaInfoSnapshot.BackendStateType.KEY_VALUE) {
            return; // timers: their windows' state says more
        }
        String kind = state.getOption(StateMetaInfoSnapshot.CommonOptionsKeys.KEYED_STATE_TYPE);
        TypeSerializer<Object> values = untyped(state.getTypeSerializerSnapshot(
                StateMetaInfoSnapshot.CommonSerializerKeys.VALUE_SERIALIZER).restoreSerializer());
        TypeSerializer<?> namespaces = state.getTypeSerializerSnapshot(
                StateMetaInfoSnapshot.CommonSerializerKeys.NAMESPACE_SERIALIZER).restoreSerializer();
        DataStream<String> lines;
        if ("VALUE".equals(kind) && namespaces instanceof VoidNamespaceSerializer) {
            lines = reader.readKeyedState(id, new ValueLines(state.getName(), values), new SerializerType<>(keys), Types.STRING);
        } else if ("AGGREGATING".equals(kind) && WINDOW_CONTENTS.equals(state.getName())
                && namespaces instanceof TimeWindow.Serializer windows && uid != null) {
            // The State Processor API finds a window operator by its uid, and its state by Flink's name.
            lines = reader.window(windows).aggregate(uid, new Accumulator(), new WindowLines(),
                    new SerializerType<>(keys), new SerializerType<>(values), Types.STRING);
        } else {
            notes.add(state.getName() + " (" + kind + ") of " + operator + ": values of this kind are not read here");
            return;
        }
        out.add(collect(operator, state.getName() + " (" + kind + ")", lines, limit));
    }

    /** Where each Kafka source split resumes; other sources' splits are counted only. */
    private static StateValues splits(SavepointReader reader, OperatorIdentifier id, String operator, int limit,
            List<String> notes) throws Exception {
        List<String> described = new ArrayList<>();
        long count = 0;
        long undecoded = 0;
        try (CloseableIterator<byte[]> splits = reader.readListState(id, SOURCE_SPLITS_STATE,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO).executeAndCollect()) {
            while (splits.hasNext()) {
                Optional<String> split = kafkaSplit(splits.next());
                count++;
                if (split.isEmpty()) {
                    undecoded++;
                } else {
                    described.add(split.get());
                }
            }
        }
        if (undecoded > 0) {
            notes.add(undecoded + " source splits of " + operator + " are not a Kafka source's: counted, not described");
        }
        described.sort(null);
        return new StateValues(operator, SOURCE_SPLITS_STATE + " (source splits)", count,
                List.copyOf(described.subList(0, Math.min(limit, described.size()))));
    }

    /**
     * A Kafka source split as its serializer (version 0) writes it, behind the version and length
     * the source operator puts in front: topic, partition, starting offset, stopping offset.
     */
    static Optional<String> kafkaSplit(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            int length = in.readInt();
            if (version != 0 || length != bytes.length - 8) {
                return Optional.empty();
            }
            String topic = in.readUTF();
            int partition = in.readInt();
            long start = in.readLong();
            in.readLong(); // stopping offset: none for an unbounded source
            return in.available() == 0 ? Optional.of(topic + "-" + partition + " resumes " + where(start)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A split's starting offset, or what the Kafka source's markers for one mean. */
    static String where(long offset) {
        return switch ((int) Math.max(offset, Integer.MIN_VALUE)) {
            case -1 -> "at the end of the partition (latest: no record read from it yet)";
            case -2 -> "at the start of the partition (earliest: no record read from it yet)";
            case -3 -> "at the consumer group's committed offset (no record read from it yet)";
            default -> offset >= 0 ? "at offset " + offset : "at marker " + offset;
        };
    }

    private static StateValues collect(String operator, String state, DataStream<String> lines, int limit) throws Exception {
        List<String> all = new ArrayList<>();
        try (CloseableIterator<String> it = lines.executeAndCollect()) {
            it.forEachRemaining(all::add);
        }
        all.sort(null);
        return new StateValues(operator, state, all.size(), List.copyOf(all.subList(0, Math.min(limit, all.size()))));
    }

    private static boolean hasOperatorState(OperatorState op, String name) {
        for (OperatorSubtaskState subtask : op.getStates()) {
            for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                if (handle.getStateNameToPartitionOffsets().containsKey(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static TypeSerializer<Object> untyped(TypeSerializer<?> serializer) {
        return (TypeSerializer<Object>) serializer;
    }

    /** Human-readable: one block per state. */
    public static String describe(Values values) {
        StringBuilder out = new StringBuilder("Values in " + values.path() + "\n");
        for (StateValues s : values.states()) {
            out.append(String.format("%n  %s: %s, %d %s%n", s.operator(), s.state(), s.entries(),
                    s.entries() == 1 ? "entry" : "entries"));
            s.first().forEach(line -> out.append("    ").append(line).append('\n'));
            if (s.entries() > s.first().size()) {
                out.append("    ... ").append(s.entries() - s.first().size()).append(" more (--limit)\n");
            }
        }
        values.notes().forEach(n -> out.append("\n  note: ").append(n).append('\n'));
        return out.toString();
    }

    /** Each key's value: "key = value". */
    static final class ValueLines extends KeyedStateReaderFunction<Object, String> {
        private final String name;
        private final TypeSerializer<Object> serializer;
        private transient ValueState<Object> state;

        ValueLines(String name, TypeSerializer<Object> serializer) {
            this.name = name;
            this.serializer = serializer;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(name, serializer));
        }

        @Override
        public void readKey(Object key, Context context, Collector<String> out) throws Exception {
            out.collect(key + " = " + state.value());
        }
    }

    /** Reads a window's accumulator as it is: only getResult is ever called on a read. */
    static final class Accumulator implements AggregateFunction<Object, Object, Object> {
        @Override
        public Object createAccumulator() {
            throw new UnsupportedOperationException("reading only");
        }

        @Override
        public Object add(Object value, Object accumulator) {
            throw new UnsupportedOperationException("reading only");
        }

        @Override
        public Object getResult(Object accumulator) {
            return accumulator;
        }

        @Override
        public Object merge(Object a, Object b) {
            throw new UnsupportedOperationException("reading only");
        }
    }

    /** Each open window's accumulator: "key [start, end) = accumulator". */
    static final class WindowLines extends WindowReaderFunction<Object, String, Object, TimeWindow> {
        @Override
        public void readWindow(Object key, Context<TimeWindow> context, Iterable<Object> elements, Collector<String> out) {
            TimeWindow w = context.window();
            for (Object accumulator : elements) {
                out.collect(key + " [" + w.getStart() + ", " + w.getEnd() + ") = " + accumulator);
            }
        }
    }
}
