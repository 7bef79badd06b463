package com.example.upgrades.userevents.variants;

import com.example.upgrades.harness.variants.JobVariants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;

import com.example.upgrades.harness.project.ProjectLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A variant is built from its edited sources; one built again in the same JVM is a copy of the first only when its sources are the same. */
class JobVariantsIT {

    private static final String JOB_CLASS = "com/example/userevents/UserEventsJob.class";

    @Test
    void theSameEditsGiveTheSameJarAndAnotherEditItsOwn(@TempDir Path work) throws IOException {
        Path root = ProjectLayout.findProjectRoot();
        Path first = BrokenVariant.UID_CHANGED.build(root, work.resolve("a"));
        Path again = BrokenVariant.UID_CHANGED.build(root, work.resolve("b"));
        Path other = BrokenVariant.KEYBY_QUALIFIED.build(root, work.resolve("c"));

        assertTrue(again.startsWith(work.resolve("b")), "each build's jar is in its own folder: " + again);
        assertArrayEquals(entry(first, JOB_CLASS), entry(again, JOB_CLASS), "the same edited sources, the same classes");
        assertFalse(Arrays.equals(entry(first, JOB_CLASS), entry(other, JOB_CLASS)),
                "another edit of the same version is compiled, not taken from the first build");
        assertTrue(text(first).contains("user-stats-aggregate"), "the uid-changed edit is in the classes");
        assertFalse(text(other).contains("user-stats-aggregate"), "and not in the other variant's");
        assertTrue(List.of("a", "b", "c").stream().allMatch(d -> work.resolve(d).resolve("src").toFile().isDirectory()),
                "every build writes out the sources it is built from");
    }

    private static String text(Path jar) throws IOException {
        return new String(entry(jar, JOB_CLASS), StandardCharsets.ISO_8859_1);
    }

    private static byte[] entry(Path jar, String name) throws IOException {
        try (JarFile file = new JarFile(jar.toFile()); InputStream in = file.getInputStream(file.getEntry(name))) {
            return in.readAllBytes();
        }
    }
}
