package com.example.upgrades.userevents.variants;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.upgrades.harness.project.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every broken variant's edits still apply to today's job sources. The scenarios that compile
 * a variant find out in minutes; this finds out in a second, when a job's text changes under an
 * edit's anchor.
 */
class BrokenVariantEditsTest {

    @ParameterizedTest
    @EnumSource(BrokenVariant.class)
    void theEditsApplyAndChangeTheSources(BrokenVariant variant, @TempDir Path target) throws IOException {
        Path root = ProjectLayout.findProjectRoot();
        assertDoesNotThrow(() -> variant.editSources(root, target));
        Path module = root.resolve("job-" + variant.baseVersion());
        boolean changed;
        try (Stream<Path> files = Files.walk(target)) {
            changed = files.filter(Files::isRegularFile).anyMatch(file -> {
                try {
                    return !Files.readString(file).equals(Files.readString(module.resolve(target.relativize(file))));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        assertTrue(changed, variant + ": the edited sources are the version's own");
    }
}
