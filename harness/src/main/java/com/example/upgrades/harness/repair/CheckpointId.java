package com.example.upgrades.harness.repair;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The checkpoint id a savepoint's {@code _metadata} carries, read and, for a repaired copy, set.
 *
 * <p>Why it matters: a job restored from a savepoint numbers its next checkpoints from that id, and
 * the Kafka sink's committer restores the transactions pre-committed at the savepoint under their
 * own checkpoint id. On restore it commits those up to the restored id. Flink 1.x's State
 * Processor API writes every copy with checkpoint id 0 (2.x keeps the savepoint's): a job restored
 * from such a copy commits none of them at restore, counts its checkpoints up from 1, and when it
 * reaches the savepoint's id its writer hands the committer a second summary for that checkpoint.
 * The committer refuses it ("Received duplicate committable summary", FLINK-25920) and the job
 * fails over, at every attempt. So a copy gets the id of the savepoint it was made from.
 *
 * <p>The file starts, in every metadata version Flink 1.x and 2.x write, with a magic number, the
 * format's version and then the checkpoint id (Flink's {@code Checkpoints.storeCheckpointMetadata}
 * and {@code MetadataV2V3SerializerBase.serializeMetadata}); the id is read and written there.
 */
public final class CheckpointId {

    /** Flink's {@code Checkpoints.HEADER_MAGIC_NUMBER}. */
    static final int MAGIC = 0x4960672d;

    /** Where the id sits: after the magic number and the version, two ints. */
    static final long ID_OFFSET = 8;

    private CheckpointId() {}

    /** The checkpoint id of the savepoint in {@code savepoint} (its folder, or its {@code _metadata}). */
    public static long of(Path savepoint) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata(savepoint)))) {
            checkHeader(savepoint, in.readInt(), in.readInt());
            return in.readLong();
        }
    }

    /**
     * Gives the copy the id of the savepoint it was made from, unless it has it already.
     *
     * @return whether the copy's id was changed
     */
    public static boolean copyInto(Path from, Path copy) throws IOException {
        long id = of(from);
        if (of(copy) == id) {
            return false;
        }
        try (FileChannel file = FileChannel.open(metadata(copy), StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).putLong(0, id);
            while (bytes.hasRemaining()) {
                file.write(bytes, ID_OFFSET + bytes.position());
            }
        }
        return true;
    }

    private static Path metadata(Path savepoint) {
        return Files.isDirectory(savepoint) ? savepoint.resolve("_metadata") : savepoint;
    }

    private static void checkHeader(Path savepoint, int magic, int version) {
        if (magic != MAGIC) {
            throw new IllegalArgumentException(savepoint + " is no savepoint metadata of Flink (it starts with 0x"
                    + Integer.toHexString(magic) + ", not 0x" + Integer.toHexString(MAGIC) + ")");
        }
        if (version < 2) {
            throw new IllegalArgumentException(savepoint + " has metadata version " + version
                    + ", older than any this harness reads (2 and later start with the checkpoint id)");
        }
    }
}
