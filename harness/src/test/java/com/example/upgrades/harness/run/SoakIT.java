package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.example.upgrades.harness.cli.HarnessCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harness soak --runs 2}, as CI runs it: two upgrades, each with a real fault drawn at a seeded moment, all clean. */
class SoakIT {

    @Test
    void twoRunsWithSeededFaultsAllPass(@TempDir Path work) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = HarnessCli.execute(new PrintStream(out, true), System.err, "soak", "--runs", "2", "--seed", "3",
                "--report-dir", work.resolve("soak").toString(), "--work-dir", work.resolve("env").toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertEquals(HarnessCli.PASS, exit, printed);

        JsonNode lines = new ObjectMapper().readTree(work.resolve("soak/soak.json").toFile());
        assertEquals(2, lines.size());
        for (JsonNode line : lines) {
            assertEquals("PASS", line.get("verdict").asText(), line.toString());
            assertEquals(0, line.get("lost").asLong());
            assertEquals(0, line.get("duplicated").asLong());
            assertTrue(line.get("output_gap_ms").asLong() > 0, line.toString());
        }
        assertTrue(printed.contains("2 of 2 PASS; lost 0, duplicated 0."), printed);
    }
}
