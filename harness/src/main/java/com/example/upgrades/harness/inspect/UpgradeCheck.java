package com.example.upgrades.harness.inspect;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.avro.Schema;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.streaming.api.graph.StreamConfig;

/**
 * The preflight of an upgrade: will this job jar restore from this savepoint? Answered before
 * anything is deployed, from the two things Flink itself compares at restore:
 *
 * <ul>
 *   <li>the new job's graph, built from the jar the way Flink's client builds it (the job's main
 *       runs, but {@code execute()} only hands the graph over: nothing is started, nothing
 *       connects to Kafka);
 *   <li>the savepoint's metadata, read with Flink's own loader, and the header of each operator's
 *       keyed state (its key and value serializer snapshots).
 * </ul>
 *
 * <p>What it checks, in the order Flink does:
 *
 * <ol>
 *   <li>every operator state in the savepoint has an operator in the new job with the same id (the
 *       hash of its uid, or the generated id when there is no uid). Otherwise Flink refuses the
 *       restore, or with allowNonRestoredState drops that state;
 *   <li>an operator whose max parallelism is set has the savepoint's max parallelism;
 *   <li>no operator runs at a parallelism above its max parallelism;
 *   <li>each keyed state's key serializer (from the new job's graph) can read the savepoint's keys;
 *   <li>each keyed state's serializers, restored with the new jar's classes, are compatible with
 *       the savepoint's serializer snapshots. This decides for types whose serializer follows
 *       the class (Avro records, like this pipeline's UserStats): the new class's schema is
 *       resolved against the schema the state was written with. For a type that is built inside an
 *       operator (a window's accumulator), the metadata does not say what the new job will declare;
 *       those are compatible here, and a wrong one fails at restore, where rollback catches it.
 * </ol>
 *
 * <p>What no metadata can show: a keyBy that now extracts another field of the same type. The
 * state's key type is unchanged, so everything above matches, and the job produces wrong
 * results. Only comparing the output (the verifier) catches it.
 */
public final class UpgradeCheck {

    /** INCOMPATIBLE findings fail the check; NOTE findings explain what will happen. */
    public enum Severity { INCOMPATIBLE, NOTE }

    /** What was found, what it means, what to do: said once per kind, whatever the number of operators. */
    public enum Kind {
        STATE_WITHOUT_OPERATOR(Severity.INCOMPATIBLE, "The savepoint holds this state, and the new job has no operator "
                + "with its id (the hash of its uid, or of the graph's shape where it has no uid). Flink refuses the "
                + "restore; with allowNonRestoredState it starts and DROPS the state. Give the operator that should "
                + "own it its old uid back."),
        STATE_TO_ANOTHER_OPERATOR(Severity.INCOMPATIBLE, "Without uids, ids are generated from the graph's shape: a "
                + "change to the graph moved this generated id to ANOTHER operator, which would silently receive "
                + "(and ignore) the state. Flink does not refuse this. Give every operator a uid, in the version "
                + "that took the savepoint first."),
        MAX_PARALLELISM_CHANGED(Severity.INCOMPATIBLE, "Keyed state is stored in max-parallelism key groups; a job with "
                + "another max parallelism cannot take them over, and Flink refuses the restore. Set the max "
                + "parallelism back to the savepoint's."),
        PARALLELISM_ABOVE_MAX(Severity.INCOMPATIBLE, "A parallelism above the max parallelism leaves subtasks without "
                + "a key group, and Flink refuses the restore. Deploy at most at the max parallelism."),
        KEYED_STATE_NOT_KEYED(Severity.INCOMPATIBLE, "The savepoint holds keyed state of an operator that is no longer "
                + "after a keyBy in the new job: its state cannot be restored."),
        KEY_SERIALIZER_INCOMPATIBLE(Severity.INCOMPATIBLE, "The key type changed, so the saved keys cannot be read and "
                + "the restore fails. A keyBy must keep its key type."),
        STATE_SERIALIZER_INCOMPATIBLE(Severity.INCOMPATIBLE, "The new jar's version of the state's type cannot read what "
                + "the savepoint holds: the restore fails while the task creates its state. Change a state type only "
                + "in ways its serializer can migrate (for Avro: add fields with defaults, widen int to long; never "
                + "long to string), or keep the old state and add a new one under a new name. A version already shipped with "
                + "such a change restores from a copy of the savepoint whose values were rewritten into the new type "
                + "(a plan's savepoint_repair: migrate_value_state)."),
        STATE_UNREADABLE(Severity.INCOMPATIBLE, "The state's header cannot be read with the new jar's classes (a state "
                + "class missing or renamed?); the restore would fail the same way."),
        STATE_MIGRATED(Severity.NOTE, "The state's type changed in a way its serializer can migrate: Flink converts "
                + "the state on restore."),
        STATE_FIELDS_DROPPED(Severity.INCOMPATIBLE, "The new version's state type lacks fields the saved state has. "
                + "Flink restores it all the same (Avro reads the old records and leaves those fields out), so their "
                + "values are lost for good: a downgrade, or a removed field. Deploy a version that keeps them; if the "
                + "loss is intended, deploy anyway and know that no later version can get them back."),
        OPERATOR_WITHOUT_STATE(Severity.NOTE, "The savepoint has no state for this operator: it starts empty. Right "
                + "for a new operator; for a stateful one that should continue, its uid changed.");

        private final Severity severity;
        private final String explanation;

        Kind(Severity severity, String explanation) {
            this.severity = severity;
            this.explanation = explanation;
        }

        public Severity severity() {
            return severity;
        }

        public String explanation() {
            return explanation;
        }
    }

    /**
     * @param operator the operator's uid, or "(no uid) ID [name]"
     * @param detail what exactly, for this operator
     * @param explanation what it means and what to do ({@link Kind#explanation()})
     */
    public record Finding(Severity severity, Kind kind, String operator, String detail, String explanation) {

        static Finding of(Kind kind, String operator, String detail) {
            return new Finding(kind.severity(), kind, operator, detail, kind.explanation());
        }
    }

    /** One operator state of the savepoint and where it goes in the new job. */
    public record OperatorMatch(String operator, String operatorId, boolean matched, int savepointMaxParallelism,
            int newParallelism, int newMaxParallelism, List<String> keyedStates) {}

    public record Result(String jar, String savepoint, int parallelism, boolean compatible,
            List<OperatorMatch> operators, List<Finding> findings) {}

    /** Set in the configuration the check builds a job's graph with; a job may read it (see above). */
    public static final org.apache.flink.configuration.ConfigOption<Boolean> PREFLIGHT =
            org.apache.flink.configuration.ConfigOptions.key("upgrade-harness.preflight").booleanType().defaultValue(false);

    private UpgradeCheck() {}

    /**
     * @param parallelism the parallelism the new job will be deployed at; null for the savepoint's
     * @param jobArguments the new job's program arguments, if its graph depends on them
     * @throws CheckException when the check cannot be made (not a job jar, its main fails, not a
     *     savepoint): exit status 2, not "incompatible"
     */
    public static Result check(Path jar, Path savepoint, Integer parallelism, List<String> jobArguments) {
        Configuration configuration = new Configuration();
        // The graph is built to be compared, not run: a job that reads this skips what reaches its
        // systems (this project's jobs check their Kafka topics otherwise; the check needs no Kafka).
        configuration.set(PREFLIGHT, true);
        PackagedProgram program;
        try {
            program = PackagedProgram.newBuilder().setJarFile(jar.toFile())
                    .setArguments(jobArguments.toArray(String[]::new)).setConfiguration(configuration).build();
        } catch (Exception e) {
            throw new CheckException(jar + " is not a job jar Flink can run: " + e.getMessage(), e);
        }
        try {
            ClassLoader classLoader = program.getUserCodeClassLoader();
            CheckpointMetadata metadata;
            try {
                metadata = SavepointInspector.load(savepoint, classLoader);
            } catch (IOException | RuntimeException e) {
                throw new CheckException(savepoint + " is not a savepoint this Flink can read: " + e.getMessage(), e);
            }
            int deployParallelism = parallelism != null ? parallelism : metadata.getOperatorStates().stream()
                    .mapToInt(OperatorState::getParallelism).max().orElse(1);
            JobGraph graph;
            try {
                graph = PackagedProgramUtils.createJobGraph(program, configuration, deployParallelism, true);
            } catch (Exception e) {
                throw new CheckException("The job in " + jar + " could not build its graph (its main failed): "
                        + e.getMessage(), e);
            }
            return compare(jar, savepoint, deployParallelism, graph, metadata, classLoader);
        } finally {
            program.close();
        }
    }

    /** A new job's operator: its vertex, ids, uid and config. */
    private record NewOperator(JobVertex vertex, OperatorIDPair ids, StreamConfig config) {

        String name() {
            return ids.getUserDefinedOperatorUid() != null ? ids.getUserDefinedOperatorUid()
                    : "(no uid) " + ids.getGeneratedOperatorID() + (config == null ? "" : " [" + config.getOperatorName() + "]");
        }
    }

    private static Result compare(Path jar, Path savepoint, int deployParallelism, JobGraph graph,
            CheckpointMetadata metadata, ClassLoader classLoader) {
        // Flink finds an operator's state by its generated id (the hash of its uid, or of the graph's
        // shape when it has none) or by a user-given uid hash.
        List<NewOperator> operators = new ArrayList<>();
        Map<OperatorID, NewOperator> newOperators = new HashMap<>();
        for (JobVertex vertex : graph.getVertices()) {
            Map<OperatorID, StreamConfig> configs = new HashMap<>();
            new StreamConfig(vertex.getConfiguration()).getTransitiveChainedTaskConfigsWithSelf(classLoader).values()
                    .forEach(config -> configs.put(config.getOperatorID(), config));
            for (OperatorIDPair ids : vertex.getOperatorIDs()) {
                NewOperator op = new NewOperator(vertex, ids, configs.get(ids.getGeneratedOperatorID()));
                operators.add(op);
                newOperators.put(ids.getGeneratedOperatorID(), op);
                ids.getUserDefinedOperatorID().ifPresent(id -> newOperators.put(id, op));
            }
        }

        List<Finding> findings = new ArrayList<>();
        List<OperatorMatch> matches = new ArrayList<>();
        Set<OperatorID> restored = new LinkedHashSet<>();
        Map<Finding, KeyedHeader> orphanedKeyedState = new java.util.LinkedHashMap<>();
        for (OperatorState state : metadata.getOperatorStates()) {
            NewOperator target = newOperators.get(state.getOperatorID());
            String name = nameOf(state, target);
            KeyedHeader header = KeyedHeader.read(state, classLoader);
            List<String> keyedStates = header.proxy() == null ? List.of()
                    : header.proxy().getStateMetaInfoSnapshots().stream().map(SavepointInspector::nameAndKind).toList();
            if (target == null) {
                if (hasState(state)) {
                    Finding orphaned = Finding.of(Kind.STATE_WITHOUT_OPERATOR, name,
                            describeState(state, header, keyedStates) + "; no operator has "
                                    + (state.getOperatorUid().isPresent() ? "this uid" : "this generated id"));
                    findings.add(orphaned);
                    if (state.getOperatorUid().isPresent() && header.proxy() != null) {
                        orphanedKeyedState.put(orphaned, header);
                    }
                }
                matches.add(new OperatorMatch(name, state.getOperatorID().toHexString(), false,
                        state.getMaxParallelism(), 0, 0, keyedStates));
                continue;
            }
            restored.add(state.getOperatorID());
            String newName = target.config() == null ? null : target.config().getOperatorName();
            if (state.getOperatorUid().isEmpty() && state.getOperatorName().isPresent() && newName != null
                    && !newName.equals(state.getOperatorName().get()) && hasState(state)) {
                findings.add(Finding.of(Kind.STATE_TO_ANOTHER_OPERATOR, name, describeState(state, header, keyedStates)
                        + " would go to '" + newName + "'"));
            }
            JobVertex vertex = target.vertex();
            int newParallelism = vertex.getParallelism() > 0 ? vertex.getParallelism() : deployParallelism;
            boolean maxConfigured = vertex.getMaxParallelism() > 0;
            int effectiveMax = maxConfigured ? vertex.getMaxParallelism() : state.getMaxParallelism();
            if (maxConfigured && vertex.getMaxParallelism() != state.getMaxParallelism()) {
                findings.add(Finding.of(Kind.MAX_PARALLELISM_CHANGED, name, "saved with max parallelism "
                        + state.getMaxParallelism() + ", the new job sets " + vertex.getMaxParallelism()));
            }
            if (newParallelism > effectiveMax) {
                findings.add(Finding.of(Kind.PARALLELISM_ABOVE_MAX, name, "parallelism " + newParallelism
                        + ", max parallelism " + effectiveMax));
            }
            checkKeyedState(header, name, target, classLoader, findings);
            matches.add(new OperatorMatch(name, state.getOperatorID().toHexString(), true, state.getMaxParallelism(),
                    newParallelism, effectiveMax, keyedStates));
        }
        List<NewOperator> withoutState = new ArrayList<>();
        for (NewOperator op : operators) {
            if (!restored.contains(op.ids().getGeneratedOperatorID())
                    && op.ids().getUserDefinedOperatorID().map(id -> !restored.contains(id)).orElse(true)) {
                findings.add(Finding.of(Kind.OPERATOR_WITHOUT_STATE, op.name(), "not in the savepoint"));
                withoutState.add(op);
            }
        }
        suggestRenamedUid(orphanedKeyedState, withoutState, classLoader, findings);
        boolean compatible = findings.stream().noneMatch(f -> f.severity() == Severity.INCOMPATIBLE);
        return new Result(jar.toString(), savepoint.toString(), deployParallelism, compatible, matches, findings);
    }

    /**
     * Rule 1 broken, most likely: exactly one operator's keyed state (with a uid) has no operator, and
     * exactly one keyed operator of the new job (with a uid) has no state, with the same key type. The
     * finding then says how to keep the state: the old uid back, or a repaired copy of the savepoint.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void suggestRenamedUid(Map<Finding, KeyedHeader> orphaned, List<NewOperator> withoutState,
            ClassLoader classLoader, List<Finding> findings) {
        List<NewOperator> keyedNewcomers = withoutState.stream()
                .filter(op -> op.ids().getUserDefinedOperatorUid() != null && op.config() != null
                        && op.config().getStateKeySerializer(classLoader) != null)
                .toList();
        if (orphaned.size() != 1 || keyedNewcomers.size() != 1) {
            return;
        }
        Map.Entry<Finding, KeyedHeader> old = orphaned.entrySet().iterator().next();
        NewOperator newcomer = keyedNewcomers.get(0);
        TypeSerializer<?> key = newcomer.config().getStateKeySerializer(classLoader);
        if (((TypeSerializerSnapshot) key.snapshotConfiguration())
                .resolveSchemaCompatibility((TypeSerializerSnapshot) old.getValue().proxy().getKeySerializerSnapshot())
                .isIncompatible()) {
            return;
        }
        String from = old.getKey().operator();
        String to = newcomer.ids().getUserDefinedOperatorUid();
        Finding suggested = Finding.of(Kind.STATE_WITHOUT_OPERATOR, from, old.getKey().detail() + ". The new job's keyed "
                + "operator " + to + " has no state and the same key type: if it is this one renamed, give it back uid "
                + from + ", or restore from a repaired copy of the savepoint (a plan's savepoint_repair: {change_uid: {from: "
                + from + ", to: " + to + "}}, the State Processor API's changeOperatorIdentifier)");
        findings.set(findings.indexOf(old.getKey()), suggested);
    }

    /**
     * The header of a savepoint operator's keyed state, read once (with the new jar's classes).
     *
     * @param proxy null when the operator has no keyed state or it could not be read
     * @param error why it could not be read, else null
     */
    private record KeyedHeader(KeyedBackendSerializationProxy<?> proxy, String error) {

        static KeyedHeader read(OperatorState state, ClassLoader classLoader) {
            try {
                return new KeyedHeader(SavepointInspector.keyedStateHeader(state, classLoader).orElse(null), null);
            } catch (IOException | RuntimeException e) {
                return new KeyedHeader(null, unreadable(e));
            }
        }
    }

    /** Key serializer from the new graph; every state's serializers restored with the new classes. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void checkKeyedState(KeyedHeader keyed, String name, NewOperator target, ClassLoader classLoader,
            List<Finding> findings) {
        if (keyed.error() != null) {
            findings.add(Finding.of(Kind.STATE_UNREADABLE, name, "keyed state: " + keyed.error()));
            return;
        }
        KeyedBackendSerializationProxy<?> header = keyed.proxy();
        if (header == null) {
            return;
        }
        TypeSerializer<?> newKeySerializer = target.config() == null ? null
                : target.config().getStateKeySerializer(classLoader);
        if (newKeySerializer == null) {
            findings.add(Finding.of(Kind.KEYED_STATE_NOT_KEYED, name, "no key in the new job"));
        } else {
            TypeSerializerSchemaCompatibility<?> keys = ((TypeSerializerSnapshot) newKeySerializer.snapshotConfiguration())
                    .resolveSchemaCompatibility((TypeSerializerSnapshot) header.getKeySerializerSnapshot());
            if (keys.isIncompatible()) {
                findings.add(Finding.of(Kind.KEY_SERIALIZER_INCOMPATIBLE, name, "the key was "
                        + typeOf(header.getKeySerializerSnapshot()) + ", now "
                        + typeOf(newKeySerializer.snapshotConfiguration())));
            }
        }
        for (StateMetaInfoSnapshot meta : header.getStateMetaInfoSnapshots()) {
            String stateName = SavepointInspector.nameAndKind(meta);
            meta.getSerializerSnapshotsImmutable().forEach((role, snapshot) -> {
                TypeSerializerSchemaCompatibility<?> compatibility;
                TypeSerializer<?> restoredWithNewClasses;
                try {
                    restoredWithNewClasses = snapshot.restoreSerializer();
                    compatibility = ((TypeSerializerSnapshot) restoredWithNewClasses.snapshotConfiguration())
                            .resolveSchemaCompatibility((TypeSerializerSnapshot) snapshot);
                } catch (RuntimeException e) {
                    findings.add(Finding.of(Kind.STATE_UNREADABLE, name, stateName + ", " + role + ": " + unreadable(e)));
                    return;
                }
                List<String> dropped = droppedAvroFields(snapshot, restoredWithNewClasses.snapshotConfiguration());
                if (compatibility.isIncompatible()) {
                    findings.add(Finding.of(Kind.STATE_SERIALIZER_INCOMPATIBLE, name,
                            stateName + " holds " + typeOf(snapshot) + " (" + role + ")"));
                } else if (!dropped.isEmpty()) {
                    findings.add(Finding.of(Kind.STATE_FIELDS_DROPPED, name,
                            stateName + " holds " + typeOf(snapshot) + " with " + dropped + ", which the new version's type lacks"));
                } else if (compatibility.isCompatibleAfterMigration()) {
                    findings.add(Finding.of(Kind.STATE_MIGRATED, name,
                            stateName + " holds " + typeOf(snapshot) + " (" + role + ")"));
                }
            });
        }
    }

    /**
     * For Avro state: the fields (dotted paths into nested records) that the saved schema has and
     * the new one lacks. A snapshot writes its class name, then its schema; read them back from
     * there, as the snapshot keeps the schema private.
     */
    private static final String AVRO_SNAPSHOT = "org.apache.flink.formats.avro.typeutils.AvroSerializerSnapshot";

    static List<String> droppedAvroFields(TypeSerializerSnapshot<?> saved, TypeSerializerSnapshot<?> now) {
        // By name: the snapshot classes come from the job jar's class loader, not the harness's.
        if (!saved.getClass().getName().equals(AVRO_SNAPSHOT) || !now.getClass().getName().equals(AVRO_SNAPSHOT)) {
            return List.of();
        }
        try {
            Schema before = schemaOf(saved);
            Schema after = schemaOf(now);
            List<String> dropped = new ArrayList<>();
            dropped(before, after, "", dropped);
            return dropped;
        } catch (java.io.IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Schema schemaOf(TypeSerializerSnapshot<?> snapshot) throws java.io.IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        snapshot.writeSnapshot(out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        org.apache.flink.util.StringUtils.readString(in); // the record class
        return new Schema.Parser().parse(org.apache.flink.util.StringUtils.readString(in));
    }

    private static void dropped(Schema before, Schema after, String path, List<String> out) {
        if (before.getType() != Schema.Type.RECORD || after.getType() != Schema.Type.RECORD) {
            return;
        }
        for (Schema.Field field : before.getFields()) {
            Schema.Field kept = after.getField(field.name());
            if (kept == null) {
                out.add(path + field.name());
            } else {
                dropped(field.schema(), kept.schema(), path + field.name() + ".", out);
            }
        }
    }

    private static boolean hasState(OperatorState state) {
        return state.getCoordinatorState() != null
                || state.getStates().stream().anyMatch(OperatorSubtaskState::hasState);
    }

    /** Why a state cannot be read; for Kryo state written by Flink 1.x, what that means and what to do. */
    static String unreadable(Throwable e) {
        return kryo(e)
                ? e.getMessage() + ". The state was serialized with Kryo (a generic type). Flink 2.x reads no "
                        + "Kryo state that Flink 1.x wrote (Kryo 2 became Kryo 5, and 1.x's Kryo registrations "
                        + "are gone): migrate the state to a type with its own serializer (Avro, a POJO without "
                        + "Java collections) while still on 1.x, with the State Processor API or a 1.x release "
                        + "of the job that reads the old state and writes the new, then upgrade Flink"
                : String.valueOf(e.getMessage());
    }

    /** Whether Kryo's serializer failed: a frame of it in the exception or its causes. */
    private static boolean kryo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().contains(".kryo.") || frame.getClassName().contains(".kryo5.")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A savepoint of Flink 1.x names no operator (its metadata has ids only): an operator that the
     * new job has under the same id goes by the new job's name for it.
     */
    private static String nameOf(OperatorState state, NewOperator target) {
        String newName = target == null || target.config() == null ? null : target.config().getOperatorName();
        if (state.getOperatorUid().isEmpty() && state.getOperatorName().isEmpty() && newName != null) {
            return newName;
        }
        return nameOf(state);
    }

    private static String nameOf(OperatorState state) {
        return state.getOperatorUid().orElseGet(() -> "(no uid) " + state.getOperatorID().toHexString()
                + state.getOperatorName().map(n -> " [" + n + "]").orElse(""));
    }

    /** "keyed state _op_state (VALUE), operator state writer_raw_states, coordinator state". */
    private static String describeState(OperatorState state, KeyedHeader header, List<String> keyedStates) {
        List<String> parts = new ArrayList<>();
        keyedStates.forEach(k -> parts.add("keyed state " + k));
        if (header.error() != null) {
            parts.add("keyed state");
        }
        Set<String> operatorStates = new LinkedHashSet<>();
        state.getStates().forEach(subtask -> subtask.getManagedOperatorState().forEach(handle ->
                operatorStates.addAll(handle.getStateNameToPartitionOffsets().keySet())));
        operatorStates.forEach(s -> parts.add("operator state " + s));
        if (state.getCoordinatorState() != null) {
            parts.add("coordinator state");
        }
        return String.join(", ", parts);
    }

    /** The type a serializer snapshot stands for, as far as it can be told: e.g. "UserStats (Avro)". */
    private static String typeOf(TypeSerializerSnapshot<?> snapshot) {
        try {
            Object instance = snapshot.restoreSerializer().createInstance();
            if (instance != null) {
                return instance.getClass().getSimpleName() + " (" + snapshot.getClass().getSimpleName()
                        .replace("SerializerSnapshot", "").replace("Snapshot", "") + ")";
            }
        } catch (RuntimeException e) {
            // fall through
        }
        return snapshot.getClass().getSimpleName();
    }

    /** Human-readable: what goes where, then the findings by kind, then the verdict. */
    public static String describe(Result result) {
        StringBuilder out = new StringBuilder("Check of " + new File(result.jar()).getName() + " at parallelism "
                + result.parallelism() + " against the savepoint " + result.savepoint() + "\n\n");
        result.operators().stream().sorted(java.util.Comparator.comparing(OperatorMatch::operator)).forEach(m ->
                out.append(String.format("  %-40s %s%n", m.operator(), m.matched()
                        ? "-> parallelism " + m.newParallelism() + ", max parallelism " + m.newMaxParallelism()
                                + (m.keyedStates().isEmpty() ? "" : "; keyed state " + String.join(", ", m.keyedStates()))
                        : "-> NO OPERATOR in the new job")));
        Map<Kind, List<Finding>> byKind = new java.util.EnumMap<>(Kind.class);
        result.findings().forEach(f -> byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f));
        byKind.forEach((kind, findings) -> {
            out.append(String.format("%n%s %s: %s%n", kind.severity(), kind, kind.explanation()));
            findings.forEach(f -> out.append("    ").append(f.operator()).append(": ").append(f.detail()).append('\n'));
        });
        out.append('\n').append(result.compatible()
                ? "COMPATIBLE: the restore will work, as far as the graph and the savepoint's metadata tell.\n"
                        + "Metadata cannot tell whether each keyBy still extracts the same field; the verifier can "
                        + "(harness run)."
                : "INCOMPATIBLE: Flink would refuse this restore, restore state into the wrong operator, or fail "
                        + "restoring it. Nothing was deployed; fix the findings above.").append('\n');
        return out.toString();
    }

    /** The check could not be made: exit status 2. */
    public static final class CheckException extends RuntimeException {
        CheckException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
