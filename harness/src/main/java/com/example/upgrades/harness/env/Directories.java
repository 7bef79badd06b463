package com.example.upgrades.harness.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Work directories (of the environments, of the broken variants): emptied at the start of a run,
 * kept after it for inspection. The harness empties only a folder it made itself (it leaves the
 * marker {@value #MARKER} in it) or an empty one: a folder of the user's is never deleted.
 */
public final class Directories {

    /** The file that says: the harness made this folder, and may empty it. */
    public static final String MARKER = ".harness-work-dir";

    private Directories() {}

    /**
     * Empties {@code dir} (creating it if needed) and marks it as the harness's.
     *
     * @throws EnvironmentException when {@code dir} holds files and no marker: nothing was deleted
     */
    public static void empty(Path dir) {
        try {
            if (Files.exists(dir)) {
                boolean ours = Files.exists(dir.resolve(MARKER)) || onlyHarnessFolders(dir);
                try (Stream<Path> inside = Files.list(dir)) {
                    if (!ours && inside.findAny().isPresent()) {
                        throw new EnvironmentException("The folder " + dir.toAbsolutePath() + " is not empty and the "
                                + "harness did not make it (it has no " + MARKER + " file). The harness empties its work "
                                + "folder at every run, so it will not use one that holds your files. Nothing was "
                                + "deleted. Give an empty or new folder (--work-dir), or delete this one yourself.");
                    }
                }
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(MARKER), "Made by the upgrade harness; emptied at the start of every run.\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the work directory " + dir, e);
        }
    }

    /**
     * The folder holds only folders the harness made (each with its marker): the parent of other
     * commands' work folders, e.g. work/ after {@code harness soak} left work/soak in it.
     */
    private static boolean onlyHarnessFolders(Path dir) throws IOException {
        try (Stream<Path> inside = Files.list(dir)) {
            List<Path> entries = inside.toList();
            return !entries.isEmpty() && entries.stream().allMatch(p -> Files.isDirectory(p) && Files.exists(p.resolve(MARKER)));
        }
    }

    /** Deletes {@code dir} and everything in it; a folder that is already gone is fine. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
