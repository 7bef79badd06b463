package com.example.upgrades.harness.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.example.upgrades.harness.project.ProjectLayout;

/** The runtime distribution that {@code mvn package} built, for tests that run it as a user does. */
public final class Distribution {

    private Distribution() {}

    /** harness/target/harness-VERSION-dist/harness-VERSION: bin/harness, harness.jar and lib/. */
    public static Path home() throws IOException {
        Path target = ProjectLayout.findProjectRoot().resolve("harness/target");
        try (Stream<Path> dirs = Files.list(target)) {
            Path outer = dirs.filter(d -> d.getFileName().toString().matches("harness-.*-dist") && Files.isDirectory(d))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no harness-VERSION-dist folder in " + target + ": run mvn package"));
            try (Stream<Path> inner = Files.list(outer)) {
                return inner.findFirst().orElseThrow();
            }
        }
    }
}
