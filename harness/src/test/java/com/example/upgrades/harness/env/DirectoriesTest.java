package com.example.upgrades.harness.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness empties only work folders it made itself: a user's files are never deleted. */
class DirectoriesTest {

    @Test
    void aFolderWithTheUsersFilesIsRefusedAndKept(@TempDir Path dir) throws Exception {
        Path mine = Files.writeString(dir.resolve("thesis.txt"), "three years of work");
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> Directories.empty(dir));
        assertTrue(e.getMessage().contains("Nothing was deleted") && e.getMessage().contains("--work-dir"), e.getMessage());
        assertEquals("three years of work", Files.readString(mine));
    }

    @Test
    void aNewOrEmptyFolderIsMarkedAndAMarkedOneEmptied(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        Directories.empty(work);
        assertTrue(Files.exists(work.resolve(Directories.MARKER)));

        Files.createDirectories(work.resolve("kafka/logs"));
        Files.writeString(work.resolve("kafka/logs/segment"), "old run");
        Directories.empty(work);
        assertFalse(Files.exists(work.resolve("kafka")), "the last run's data is gone");
        assertTrue(Files.exists(work.resolve(Directories.MARKER)), "and the folder is still the harness's");
    }

    /** After harness soak (work/soak) or bench (work/bench), harness run takes work/ again. */
    @Test
    void theParentOfOtherCommandsWorkFoldersIsTheHarnesssToo(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        Directories.empty(work.resolve("soak"));
        Directories.empty(work.resolve("bench"));
        Directories.empty(work);
        assertTrue(Files.exists(work.resolve(Directories.MARKER)));

        // A parent that also holds a folder of the user's is not.
        Path other = dir.resolve("other");
        Directories.empty(other.resolve("soak"));
        Files.createDirectories(other.resolve("my-notes"));
        assertThrows(EnvironmentException.class, () -> Directories.empty(other));
        assertTrue(Files.exists(other.resolve("my-notes")));
    }
}
