package com.example.upgrades.harness.env;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Maps a savepoint path of the Flink cluster to where the same files are visible on this machine. */
final class SavepointPaths {

    private SavepointPaths() {}

    /**
     * @param clusterPath e.g. file:/flink-data/savepoints/savepoint-1a2b3c
     * @param clusterDirectory the savepoint directory as the cluster names it, e.g. file:///flink-data/savepoints
     * @param localDirectory the same directory on this machine
     */
    static Optional<Path> mapToLocal(String clusterPath, String clusterDirectory, Optional<Path> localDirectory) {
        if (localDirectory.isEmpty()) {
            return Optional.empty();
        }
        Path savepoint = Path.of(path(clusterPath));
        Path directory = Path.of(path(clusterDirectory));
        if (!savepoint.startsWith(directory)) {
            return Optional.empty();
        }
        return Optional.of(localDirectory.get().resolve(directory.relativize(savepoint).toString()));
    }

    private static String path(String pathOrUri) {
        return pathOrUri.startsWith("/") ? pathOrUri : URI.create(pathOrUri).getPath();
    }
}
