package com.example.upgrades.harness.repair;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.flink.FlinkJobs;

/**
 * A repair that is a job of its own: a State Processor API program in the restoring version's jar,
 * run on a Flink cluster of a given release, as a team runs it with {@code flink run -c}. For what
 * the harness's own Flink cannot read: state that an older release wrote and a newer one does not
 * read (Kryo state of Flink 1.x), which must be migrated on the old release.
 *
 * @param flinkRelease the release whose cluster runs it, e.g. "1.20"
 * @param entryClass the program's class in the restoring version's jar; its arguments are the
 *     savepoint to read and the folder to write the copy to
 * @param what what it changes, for the hop's notes
 */
public record JobOnFlink(String flinkRelease, String entryClass, String what) implements SavepointRepair {

    @Override
    public String describe() {
        return what + " (" + entryClass + ", a job on the Flink " + flinkRelease + " cluster)";
    }

    /**
     * Runs the program from the restoring version's jar on the release's cluster, waits until it has
     * written the copy, and gives the copy the savepoint's checkpoint id (Flink 1.x's State Processor
     * API writes 0: see {@link CheckpointId} for what that breaks).
     */
    @Override
    public void apply(Path savepoint, Path target, Jobs jobs) throws java.io.IOException {
        FlinkJobs cluster = jobs.clusters().apply(flinkRelease);
        String jarId = cluster.uploadJar(jobs.restoredBy());
        cluster.runToEnd(jarId, entryClass, 1, List.of(savepoint.toUri().toString(), target.toUri().toString()),
                java.time.Duration.ofMinutes(5));
        if (!java.nio.file.Files.isRegularFile(target.resolve("_metadata"))) {
            throw new IllegalStateException(entryClass + " finished without writing " + target.resolve("_metadata"));
        }
        CheckpointId.copyInto(savepoint, target);
    }
}
