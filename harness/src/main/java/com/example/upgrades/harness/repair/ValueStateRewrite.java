package com.example.upgrades.harness.repair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.example.upgrades.harness.inspect.SavepointInspector;
import com.example.upgrades.harness.inspect.SerializerType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * One keyed value state of Avro records rewritten for the next version: each value migrated into
 * that version's schema (rule 3 repaired: a state type changed in a way Avro cannot migrate), and
 * each moved to a new key where the keyBy changed (rule 4 repaired).
 *
 * <p>The old and the new version name their state's class the same (here
 * {@code com.example.userevents.avro.UserStats}) but mean two schemas by it, so no one class loader
 * can read the old values and write the new ones. The repair runs in three steps, one class
 * loader each:
 * <ol>
 * <li>a State Processor job with the old version's jar reads every (key, value) of the state and
 *     hands it to the harness as bytes: the key in its serializer's format, the value in Avro's
 *     binary encoding of the old schema;</li>
 * <li>the harness decodes each value as a generic record of the old schema, {@link AvroMigration
 *     migrates} it to the new schema, which it takes from the new version's class, and gives it its
 *     {@link KeyChange new key} if the key changed;</li>
 * <li>a State Processor job with the new version's jar writes the migrated values, as instances
 *     of its own class, into a copy of the savepoint in place of the operator's old state; the
 *     operator's other state and every other operator are kept as they were.</li>
 * </ol>
 * The values pass through the harness's memory: fine for a state of millions of small entries, not
 * for one that does not fit in a JVM's heap (write them to a file instead).
 */
record ValueStateRewrite(String uid, String state, AvroMigration migration, KeyChange keyChange, String targetUid,
        String targetState) implements SavepointRepair {

    /** Flink's serializer of Avro records, in flink-avro, which each job jar carries. */
    static final String AVRO_SERIALIZER = "org.apache.flink.formats.avro.typeutils.AvroSerializer";

    private static final TypeInformation<Tuple2<byte[], byte[]>> ENTRY =
            Types.TUPLE(Types.PRIMITIVE_ARRAY(Types.BYTE), Types.PRIMITIVE_ARRAY(Types.BYTE));

    /** Written back under the same operator and state name. */
    ValueStateRewrite(String uid, String state, AvroMigration migration, KeyChange keyChange) {
        this(uid, state, migration, keyChange, uid, state);
    }

    ValueStateRewrite {
        if (uid.isBlank() || state.isBlank() || targetUid.isBlank() || targetState.isBlank()) {
            throw new IllegalArgumentException("A state rewrite needs the operator's uid and the state's name, got '"
                    + uid + "' and '" + state + "'");
        }
    }

    @Override
    public String describe() {
        String what = !targetUid.equals(uid) ? " bootstrapped into state " + targetState + " of the new operator "
                + targetUid + " (the old operator's state removed): " + migration.describe()
                : keyChange != null ? " moved to its new key: " + keyChange.describe()
                : " migrated to the new version's schema: " + migration.describe();
        return "every value of state " + state + " of uid " + uid + what + " (State Processor API)";
    }

    @Override
    public void apply(Path savepoint, Path target, Jobs jobs) throws Exception {
        TypeSerializer<Object> keys;
        String className;
        Schema oldSchema;
        List<Tuple2<byte[], byte[]>> entries = new ArrayList<>();
        // 1. Read, with the classes of the version that wrote the savepoint.
        try (URLClassLoader written = loader(jobs.writtenBy())) {
            OperatorState op = operator(savepoint, written);
            KeyedBackendSerializationProxy<?> header = SavepointInspector.keyedStateHeader(op, written)
                    .orElseThrow(() -> new IllegalStateException("The operator " + uid + " has no keyed state in "
                            + "canonical format in " + savepoint + " (none at all, or a NATIVE savepoint): nothing to migrate"));
            StateMetaInfoSnapshot meta = valueState(header);
            keys = untyped(header.getKeySerializerSnapshot().restoreSerializer());
            TypeSerializer<Object> values = untyped(meta.getTypeSerializerSnapshot(
                    StateMetaInfoSnapshot.CommonSerializerKeys.VALUE_SERIALIZER).restoreSerializer());
            Class<?> type = avroType(values);
            className = type.getName();
            oldSchema = SpecificData.get().getSchema(type);
            StreamExecutionEnvironment env = environment(jobs.writtenBy());
            try (CloseableIterator<Tuple2<byte[], byte[]>> read = SavepointReader.read(env, savepoint.toUri().toString())
                    .readKeyedState(OperatorIdentifier.forUid(uid), new ReadEntries(state, values, keys),
                            new SerializerType<>(keys), ENTRY)
                    .executeAndCollect()) {
                read.forEachRemaining(entries::add);
            }
        }
        // 2. Migrate, as generic records, into the schema of the version that restores them.
        try (URLClassLoader restoring = loader(jobs.restoredBy())) {
            Class<?> newClass;
            try {
                newClass = Class.forName(className, false, restoring);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("The state " + state + " of " + uid + " holds " + className + ", which "
                        + jobs.restoredBy() + " does not have: the repair writes the state with that class", e);
            }
            Schema newSchema = SpecificData.get().getSchema(newClass);
            DatumReader<GenericRecord> oldReader = new GenericDatumReader<>(oldSchema);
            GenericDatumWriter<GenericRecord> newWriter = new GenericDatumWriter<>(newSchema);
            List<Tuple2<byte[], byte[]>> migrated = new ArrayList<>(entries.size());
            java.util.Map<Object, Object> oldKeyOf = new java.util.HashMap<>();
            for (Tuple2<byte[], byte[]> entry : entries) {
                GenericRecord old = oldReader.read(null, DecoderFactory.get().binaryDecoder(entry.f1, null));
                byte[] key = entry.f0;
                if (keyChange != null) {
                    Object oldKey = keys.deserialize(new DataInputDeserializer(key));
                    Object newKey = keyChange.newKey(oldKey, old);
                    Object other = oldKeyOf.putIfAbsent(newKey, oldKey);
                    if (other != null) {
                        throw new IllegalStateException("The keys " + other + " and " + oldKey + " of state " + state + " of "
                                + uid + " both move to key " + newKey + ": merging their values is for you to decide, not "
                                + "for a repair; write a KeyChange that keeps them apart, or merge them in a job of your own");
                    }
                    DataOutputSerializer out = new DataOutputSerializer(32);
                    keys.serialize(newKey, out);
                    key = out.getCopyOfBuffer();
                }
                migrated.add(Tuple2.of(key, encode(newWriter, migration.migrate(old, newSchema))));
            }
            // 3. Write, with the new version's class, in place of the operator's old state.
            StreamExecutionEnvironment env = environment(jobs.restoredBy());
            SavepointWriter writer = SavepointWriter.fromExistingSavepoint(env, savepoint.toUri().toString())
                    .removeOperator(OperatorIdentifier.forUid(uid));
            if (!migrated.isEmpty()) {
                StateBootstrapTransformation<Tuple2<byte[], byte[]>> values = OperatorTransformation
                        .bootstrapWith(env.fromData(migrated, ENTRY))
                        .keyBy(new KeyOf(keys), new SerializerType<>(keys))
                        .transform(new WriteEntries(targetState, newClass, newSchema.toString()));
                writer = writer.withOperator(OperatorIdentifier.forUid(targetUid), values);
            }
            writer.write(target.toUri().toString());
            env.execute("repair savepoint: rewrite " + state + " of " + uid);
        }
    }

    /** The operator of {@link #uid} in the savepoint's metadata. */
    private OperatorState operator(Path savepoint, ClassLoader classLoader) throws IOException {
        OperatorID id = OperatorIdentifier.forUid(uid).getOperatorId();
        List<OperatorState> operators = new ArrayList<>(SavepointInspector.load(savepoint, classLoader).getOperatorStates());
        return operators.stream().filter(op -> op.getOperatorID().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("The savepoint " + savepoint + " has no state of uid " + uid
                        + "; it has the state of " + operators.stream()
                                .map(op -> op.getOperatorUid().orElse(op.getOperatorID().toHexString())).toList()));
    }

    /** The header's entry for {@link #state}, which must be a value state without namespace. */
    private StateMetaInfoSnapshot valueState(KeyedBackendSerializationProxy<?> header) throws IOException {
        List<StateMetaInfoSnapshot> states = header.getStateMetaInfoSnapshots();
        StateMetaInfoSnapshot meta = states.stream().filter(s -> s.getName().equals(state)).findFirst()
                .orElseThrow(() -> new IllegalStateException("The operator " + uid + " has no keyed state named " + state
                        + "; it has " + states.stream().map(SavepointInspector::nameAndKind).toList()));
        String kind = meta.getOption(StateMetaInfoSnapshot.CommonOptionsKeys.KEYED_STATE_TYPE);
        if (!"VALUE".equals(kind) || !(meta.getTypeSerializerSnapshot(
                StateMetaInfoSnapshot.CommonSerializerKeys.NAMESPACE_SERIALIZER).restoreSerializer()
                instanceof VoidNamespaceSerializer)) {
            throw new IllegalStateException("The state " + state + " of " + uid + " is " + SavepointInspector.nameAndKind(meta)
                    + ": this repair migrates value states outside windows only");
        }
        return meta;
    }

    /**
     * The generated Avro class an AvroSerializer serializes. flink-avro is the job's (its jar
     * carries it), not the harness's, so it is known by name here, never linked.
     */
    private Class<?> avroType(TypeSerializer<?> values) throws ReflectiveOperationException {
        Class<?> type = values.getClass().getName().equals(AVRO_SERIALIZER)
                ? (Class<?>) values.getClass().getMethod("getType").invoke(values) : null;
        if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalStateException("The state " + state + " of " + uid + " holds " + values
                    + ", not a generated Avro record: rewrite it with a State Processor job of your own");
        }
        return type;
    }

    /** The job's classes come from its jar; Flink's and Avro's from the harness. */
    private static StreamExecutionEnvironment environment(Path jar) throws IOException {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        conf.set(PipelineOptions.JARS, List.of(jar.toUri().toURL().toString()));
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    private static URLClassLoader loader(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ValueStateRewrite.class.getClassLoader());
    }

    private static <T> byte[] encode(GenericDatumWriter<T> writer, T value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(value, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static TypeSerializer<Object> untyped(TypeSerializer<?> serializer) {
        return (TypeSerializer<Object>) serializer;
    }

    /** Each key and its value, as bytes: the key in its serializer's format, the value in Avro's. */
    static final class ReadEntries extends KeyedStateReaderFunction<Object, Tuple2<byte[], byte[]>> {
        private final String name;
        private final TypeSerializer<Object> values;
        private final TypeSerializer<Object> keys;
        private transient ValueState<Object> state;

        ReadEntries(String name, TypeSerializer<Object> values, TypeSerializer<Object> keys) {
            this.name = name;
            this.values = values;
            this.keys = keys;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(name, values));
        }

        @Override
        public void readKey(Object key, Context context, Collector<Tuple2<byte[], byte[]>> out) throws Exception {
            SpecificRecord value = (SpecificRecord) state.value();
            if (value == null) {
                return;
            }
            DataOutputSerializer keyBytes = new DataOutputSerializer(32);
            keys.serialize(key, keyBytes);
            SpecificDatumWriter<SpecificRecord> writer = new SpecificDatumWriter<>(value.getSchema(),
                    new SpecificData(value.getClass().getClassLoader()));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            writer.write(value, encoder);
            encoder.flush();
            out.collect(Tuple2.of(keyBytes.getCopyOfBuffer(), bytes.toByteArray()));
        }
    }

    /** The key back from its bytes. */
    static final class KeyOf implements KeySelector<Tuple2<byte[], byte[]>, Object> {
        private final TypeSerializer<Object> keys;

        KeyOf(TypeSerializer<Object> keys) {
            this.keys = keys;
        }

        @Override
        public Object getKey(Tuple2<byte[], byte[]> entry) throws Exception {
            return keys.deserialize(new DataInputDeserializer(entry.f0));
        }
    }

    /** Each migrated value as an instance of the new version's class, into the state of the same name. */
    static final class WriteEntries extends KeyedStateBootstrapFunction<Object, Tuple2<byte[], byte[]>> {
        private final String name;
        private final Class<?> valueClass;
        private final String schema;
        private transient ValueState<Object> state;
        private transient DatumReader<Object> reader;

        WriteEntries(String name, Class<?> valueClass, String schema) {
            this.name = name;
            this.valueClass = valueClass;
            this.schema = schema;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void open(OpenContext context) throws ReflectiveOperationException {
            // The serializer the next version's operator registers for the same state (its
            // AvroTypeInfo's), from the job's own flink-avro.
            TypeSerializer<Object> serializer = (TypeSerializer<Object>) Class.forName(AVRO_SERIALIZER, true,
                    valueClass.getClassLoader()).getConstructor(Class.class).newInstance(valueClass);
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(name, serializer));
            Schema s = new Schema.Parser().parse(schema);
            reader = new SpecificDatumReader<>(s, s, new SpecificData(valueClass.getClassLoader()));
        }

        @Override
        public void processElement(Tuple2<byte[], byte[]> entry, Context context) throws Exception {
            state.update(reader.read(null, DecoderFactory.get().binaryDecoder(entry.f1, null)));
        }
    }
}
