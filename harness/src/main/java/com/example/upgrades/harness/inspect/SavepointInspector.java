package com.example.upgrades.harness.inspect;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;

/**
 * Lists what a savepoint holds, with Flink's own metadata loader: per operator its uid (Flink 2
 * records it in the metadata), operator id, parallelism and max parallelism, the key groups and
 * bytes of its state, the names of its operator state (e.g. the Kafka source's splits and
 * offsets, the sinks' pending transactions) and of its keyed state with their kinds (e.g. the
 * reduce's value, the window contents, the window timers).
 *
 * <p>Keyed state names are read from the state's own header (the serialization proxy), which
 * holds the serializer snapshots; those may name classes of the job (the Avro serializer), so the
 * job's jar is given as {@code jobClassLoader}.
 */
public final class SavepointInspector {

    /** One operator's state in the savepoint. */
    public record Operator(
            String uid,
            String name,
            String operatorId,
            int parallelism,
            int maxParallelism,
            int subtaskStates,
            int keyGroups,
            long stateBytes,
            List<String> operatorStates,
            List<String> keyedStates,
            boolean coordinatorState) {}

    /** The savepoint: where it is, which checkpoint, its operators. */
    public record Summary(String path, long checkpointId, List<Operator> operators, List<String> notes) {}

    private SavepointInspector() {}

    /**
     * @throws IOException when the folder has no readable {@code _metadata}: not a savepoint, or
     *     not one this Flink version can read
     */
    public static Summary inspect(Path savepoint, ClassLoader jobClassLoader) throws IOException {
        CheckpointMetadata metadata = load(savepoint, jobClassLoader);
        List<String> notes = new ArrayList<>();
        List<Operator> operators = new ArrayList<>();
        for (OperatorState op : metadata.getOperatorStates()) {
            TreeSet<String> operatorStates = new TreeSet<>();
            TreeSet<String> keyedStates = new TreeSet<>();
            int keyGroups = 0;
            for (OperatorSubtaskState subtask : op.getStates()) {
                for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                    handle.getStateNameToPartitionOffsets().forEach((name, info) ->
                            operatorStates.add(name + " (" + info.getDistributionMode() + ")"));
                }
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    keyGroups += handle.getKeyGroupRange().getNumberOfKeyGroups();
                }
            }
            readKeyedStateNames(op, jobClassLoader, keyedStates, notes);
            operators.add(new Operator(
                    op.getOperatorUid().orElse(null),
                    op.getOperatorName().orElse(null),
                    op.getOperatorID().toHexString(),
                    op.getParallelism(),
                    op.getMaxParallelism(),
                    op.getNumberCollectedStates(),
                    keyGroups,
                    op.getStateSize(),
                    List.copyOf(operatorStates),
                    List.copyOf(keyedStates),
                    op.getCoordinatorState() != null));
        }
        operators.sort(java.util.Comparator.comparing(o -> o.uid() == null ? "~" + o.operatorId() : o.uid()));
        return new Summary(savepoint.toString(), metadata.getCheckpointId(), operators, notes);
    }

    /**
     * Flink's own loader of a savepoint's {@code _metadata}.
     *
     * @param savepoint the savepoint folder, or its {@code _metadata} file
     */
    public static CheckpointMetadata load(Path savepoint, ClassLoader jobClassLoader) throws IOException {
        Path metadataFile = Files.isDirectory(savepoint) ? savepoint.resolve("_metadata") : savepoint;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(metadataFile))) {
            return Checkpoints.loadCheckpointMetadata(in, jobClassLoader, metadataFile.getParent().toString());
        }
    }

    /**
     * The header every full snapshot of keyed state starts with: the key's serializer snapshot and
     * each state's name, kind and serializer snapshots. All subtasks write the same header, so the
     * first one is read.
     *
     * @return empty when the operator has no keyed state in the savepoint
     * @throws IOException when the header cannot be read, e.g. a serializer snapshot names a class
     *     that {@code classLoader} does not have
     */
    public static java.util.Optional<KeyedBackendSerializationProxy<?>> keyedStateHeader(OperatorState op,
            ClassLoader classLoader) throws IOException {
        for (OperatorSubtaskState subtask : op.getStates()) {
            for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                if (handle instanceof KeyGroupsStateHandle keyGroups) {
                    try (InputStream in = keyGroups.openInputStream()) {
                        KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(classLoader);
                        proxy.read(new DataInputViewStreamWrapper(in));
                        return java.util.Optional.of(proxy);
                    }
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** A keyed state's name and kind: "_op_state (VALUE)", "window-contents (AGGREGATING)", "... (TIMERS)". */
    public static String nameAndKind(StateMetaInfoSnapshot state) {
        String kind = state.getOption(StateMetaInfoSnapshot.CommonOptionsKeys.KEYED_STATE_TYPE);
        return state.getName() + " (" + (kind != null ? kind
                : state.getBackendStateType() == StateMetaInfoSnapshot.BackendStateType.PRIORITY_QUEUE
                        ? "TIMERS" : state.getBackendStateType().name()) + ")";
    }

    /** Keyed state names and kinds, from the header every full snapshot of keyed state starts with. */
    private static void readKeyedStateNames(OperatorState op, ClassLoader classLoader, TreeSet<String> names,
            List<String> notes) {
        try {
            keyedStateHeader(op, classLoader).ifPresent(proxy -> {
                for (StateMetaInfoSnapshot state : proxy.getStateMetaInfoSnapshots()) {
                    names.add(nameAndKind(state));
                }
            });
        } catch (IOException | RuntimeException e) {
            notes.add("keyed state names of " + op.getOperatorUid().orElse(op.getOperatorID().toHexString())
                    + " could not be read (" + e.getMessage() + "); give the job's jar with --jar");
        }
    }

    /** Human-readable: one block per operator. */
    public static String describe(Summary summary) {
        StringBuilder out = new StringBuilder("Savepoint " + summary.path() + " (checkpoint " + summary.checkpointId()
                + "), " + summary.operators().size() + " operators with state\n");
        for (Operator o : summary.operators()) {
            out.append(String.format("%n  %s%s%n", o.uid() != null ? o.uid() : "(no uid)",
                    o.name() != null && !o.name().equals(o.uid()) ? "  [" + o.name() + "]" : ""));
            out.append(String.format("    operator id %s, parallelism %d, max parallelism %d, %d subtask states, %d bytes%n",
                    o.operatorId(), o.parallelism(), o.maxParallelism(), o.subtaskStates(), o.stateBytes()));
            if (o.keyGroups() > 0) {
                out.append("    keyed state in ").append(o.keyGroups()).append(" key groups: ")
                        .append(String.join(", ", o.keyedStates())).append('\n');
            }
            if (!o.operatorStates().isEmpty()) {
                out.append("    operator state: ").append(String.join(", ", o.operatorStates())).append('\n');
            }
            if (o.coordinatorState()) {
                out.append("    coordinator state (e.g. the source's split enumerator)\n");
            }
        }
        summary.notes().forEach(n -> out.append("\n  note: ").append(n).append('\n'));
        return out.toString();
    }
}
