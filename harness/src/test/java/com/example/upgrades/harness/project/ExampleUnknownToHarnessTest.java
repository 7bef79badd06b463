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
 * The example pipeline proves that the harness serves a pipeline it has never seen only while no
 * Java of the harness names it: not its package, classes, topics, jars or folder. Its plan is all
 * the harness gets.
 */
class ExampleUnknownToHarnessTest {

    /** What would give the example away: its package, its classes, its topics, its jars, its folder. */
    private static final List<String> NAMES = List.of("com.example.clicks", "examples/clicks", "ClickSessions", "ClicksJob",
            "click-answers", "page-categories", "clicks-v1", "clicks-v2", "clicks-dlq");

    @Test
    void noHarnessSourceNamesTheExamplePipeline() throws IOException {
        Path root = ProjectLayout.findProjectRoot();
        Path sources = root.resolve("harness/src/main");
        List<String> found = new ArrayList<>();
        long read;
        try (Stream<Path> files = Files.walk(sources)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            read = all.size();
            for (Path file : all) {
                String text = Files.readString(file);
                NAMES.stream().filter(text::contains).forEach(name -> found.add(root.relativize(file) + " names " + name));
            }
        }
        assertTrue(read > 50, "the harness's sources were read: " + read + " files");
        assertEquals(List.of(), found);
        assertTrue(Files.readString(root.resolve("harness/examples/clicks/plan.yaml")).contains("click-answers"),
                "the names above are the example's own");
    }
}
