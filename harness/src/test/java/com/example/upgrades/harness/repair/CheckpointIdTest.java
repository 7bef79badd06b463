package com.example.upgrades.harness.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint id of a savepoint's metadata, read and set where Flink's own loader finds it. */
class CheckpointIdTest {

    @Test
    void aCopyWrittenAsCheckpointZeroGetsTheSavepointsIdAsFlinkReadsIt(@TempDir Path dir) throws IOException {
        Path savepoint = write(dir.resolve("savepoint"), 42);
        Path copy = write(dir.resolve("copy"), 0);
        assertEquals(42, CheckpointId.of(savepoint));
        assertEquals(0, CheckpointId.of(copy));

        assertTrue(CheckpointId.copyInto(savepoint, copy));

        assertEquals(42, load(copy).getCheckpointId(), "Flink's loader reads the new id");
        assertEquals(42, CheckpointId.of(copy.resolve("_metadata")));
        assertFalse(CheckpointId.copyInto(savepoint, copy), "a copy with the id already is left as it is");
    }

    @Test
    void aFileThatIsNoSavepointMetadataIsRefusedAndLeftAlone(@TempDir Path dir) throws IOException {
        Path savepoint = write(dir.resolve("savepoint"), 42);
        Path other = Files.createDirectories(dir.resolve("other"));
        byte[] bytes = "not a savepoint, but sixteen bytes and more".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(other.resolve("_metadata"), bytes);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CheckpointId.copyInto(savepoint, other));
        assertTrue(refused.getMessage().contains("is no savepoint metadata of Flink"), refused.getMessage());
        assertEquals(List.of(bytes.length), List.of(Files.readAllBytes(other.resolve("_metadata")).length));
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(other.resolve("_metadata"))));
    }

    private static Path write(Path savepoint, long checkpointId) throws IOException {
        Files.createDirectories(savepoint);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(savepoint.resolve("_metadata")))) {
            Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(checkpointId, List.of(), List.of()), out);
        }
        return savepoint;
    }

    private static CheckpointMetadata load(Path savepoint) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(savepoint.resolve("_metadata")))) {
            return Checkpoints.loadCheckpointMetadata(in, CheckpointIdTest.class.getClassLoader(), savepoint.toString());
        }
    }
}
