package com.example.upgrades.harness.project;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The three job modules are deliberate copies: each version is the one before plus its upgrade,
 * and nothing else. The upgrades are committed as diffs (docs/upgrade-diffs); a change made to one
 * copy and not the others shows up here as a diff that is no longer the upgrade.
 */
class JobCopiesTest {

    @Test
    void v2IsV1PlusItsUpgradeAndNothingElse() throws Exception {
        assertUpgrade("v1", "v2");
    }

    @Test
    void v3IsV2PlusItsUpgradeAndNothingElse() throws Exception {
        assertUpgrade("v2", "v3");
    }

    private static void assertUpgrade(String from, String to) throws Exception {
        Path root = ProjectLayout.findProjectRoot();
        Path committed = root.resolve("docs/upgrade-diffs/" + from + "-to-" + to + ".diff");
        String regenerate = "(cd " + root + " && LC_ALL=C diff -r job-" + from + "/src job-" + to + "/src > "
                + root.relativize(committed) + ")";
        assertEquals(Files.readString(committed), diff(root, "job-" + from + "/src", "job-" + to + "/src"),
                "job-" + from + " and job-" + to + " differ by more (or less) than the committed upgrade. A change "
                        + "meant for every version must be made in every copy; a change of the upgrade itself is "
                        + "committed with its diff: " + regenerate);
    }

    private static String diff(Path root, String a, String b) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("diff", "-r", a, b).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (exit > 1) {
            throw new IOException("diff failed (" + exit + "): " + out);
        }
        return out;
    }
}
