package com.example.upgrades.harness.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Two package roots: the core (com.example.upgrades.harness: environments, the runbook, the
 * output tail, report, check, inspect, plans, the declared pipeline) and the user-events
 * pipeline (com.example.upgrades.userevents). The core uses nothing of the pipeline: it finds it
 * as a PipelineCatalog on the classpath, as it would find any other.
 */
class CoreKnowsNoPipelineTest {

    @Test
    void noCoreSourceNamesTheUserEventsPackages() throws IOException {
        Path root = ProjectLayout.findProjectRoot();
        Path core = root.resolve("harness/src/main/java/com/example/upgrades/harness");
        List<String> found = new ArrayList<>();
        long read;
        try (Stream<Path> files = Files.walk(core)) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            read = sources.size();
            for (Path f : sources) {
                if (Files.readString(f).contains("com.example.upgrades.userevents")) {
                    found.add(root.relativize(f).toString());
                }
            }
        }
        assertTrue(read > 50, "the core's sources were read: " + read);
        assertEquals(List.of(), found, "core sources that use the user-events pipeline");
        assertTrue(Files.isDirectory(root.resolve("harness/src/main/java/com/example/upgrades/userevents/verify")),
                "the user-events pipeline has its own root");
    }
}
