package com.example.upgrades.harness.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Work directories (of the environments, of the broken variants): emptied at the start of a run,
 * kept after it for inspection.
 */
public final class Directories {

    private Directories() {}

    public static void empty(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the work directory " + dir, e);
        }
    }
}
