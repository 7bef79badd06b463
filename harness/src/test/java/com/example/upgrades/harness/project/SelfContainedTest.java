package com.example.upgrades.harness.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.example.upgrades.userevents.Scenarios;
import org.junit.jupiter.api.Test;

/** The repository stands alone: no file of it points at documents outside it. */
class SelfContainedTest {

    private static final String OUTSIDE = "../" + "shared";

    @Test
    void noFileRefersOutsideTheRepository() throws IOException {
        Path root = ProjectLayout.findProjectRoot();
        try (Stream<Path> files = Files.walk(root)) {
            List<String> offenders = files
                    .filter(Files::isRegularFile)
                    .filter(p -> !root.relativize(p).toString().startsWith(".git")
                            && !root.relativize(p).toString().contains("target"))
                    .filter(SelfContainedTest::mentionsOutside)
                    .map(p -> root.relativize(p).toString())
                    .toList();
            assertEquals(List.of(), offenders, "files that refer to " + OUTSIDE);
        }
        assertTrue(Files.isRegularFile(root.resolve("docs/DESIGN.md")), "the design and contracts live in docs/");
    }

    private static boolean mentionsOutside(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(OUTSIDE);
        } catch (IOException e) {
            return false;
        }
    }
}
