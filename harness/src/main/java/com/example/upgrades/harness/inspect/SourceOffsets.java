package com.example.upgrades.harness.inspect;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.OperatorStateHandle;

/**
 * Where a Kafka source stood in a savepoint: per partition of a topic, the offset it resumes at
 * (the next record it would read). Read from the savepoint's files directly, without a Flink job:
 * the source's splits are list state of byte arrays, each a split as the Kafka source's serializer
 * writes it.
 */
public final class SourceOffsets {

    private SourceOffsets() {}

    /** @return the resume offset of every split of {@code topic} that the source with {@code sourceUid} held */
    public static Map<Integer, Long> read(Path savepoint, String sourceUid, String topic) throws IOException {
        CheckpointMetadata metadata = SavepointInspector.load(savepoint, SourceOffsets.class.getClassLoader());
        OperatorID id = org.apache.flink.state.api.OperatorIdentifier.forUid(sourceUid).getOperatorId();
        Map<Integer, Long> offsets = new TreeMap<>();
        for (OperatorState op : metadata.getOperatorStates()) {
            if (!op.getOperatorID().equals(id)) {
                continue;
            }
            for (OperatorSubtaskState subtask : op.getSubtaskStates().values()) {
                for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                    OperatorStateHandle.StateMetaInfo splits =
                            handle.getStateNameToPartitionOffsets().get(SavepointValues.SOURCE_SPLITS_STATE);
                    if (splits == null) {
                        continue;
                    }
                    try (FSDataInputStream in = handle.openInputStream()) {
                        DataInputViewStreamWrapper view = new DataInputViewStreamWrapper(in);
                        for (long offset : splits.getOffsets()) {
                            in.seek(offset);
                            byte[] split = BytePrimitiveArraySerializer.INSTANCE.deserialize(view);
                            read(split, topic, offsets);
                        }
                    }
                }
            }
        }
        return offsets;
    }

    /** One split (see SavepointValues.kafkaSplit): version 0, length, topic, partition, start, stop. */
    private static void read(byte[] bytes, String topic, Map<Integer, Long> offsets) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != 0) {
                return;
            }
            in.readInt();
            String t = in.readUTF();
            int partition = in.readInt();
            long start = in.readLong();
            if (t.equals(topic)) {
                offsets.put(partition, start);
            }
        }
    }
}
