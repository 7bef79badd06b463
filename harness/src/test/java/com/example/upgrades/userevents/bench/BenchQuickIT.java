package com.example.upgrades.userevents.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.example.upgrades.harness.cli.Distribution;
import com.example.upgrades.harness.cli.HarnessCli;
import com.example.upgrades.harness.project.ProjectLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness bench --quick} as CI runs it on its own schedule ({@code ./mvnw verify -Pbench}: not
 * in the suite, whose smoke is {@link BenchIT}), from the runtime distribution: job v1 and the raw
 * pipe over the same events, then the v2 -> v3 hop at two state sizes and on two backends, every
 * hop verified.
 */
class BenchQuickIT {

    @Test
    void quickBenchMeasuresThroughputSideBySideAndTheHopAgainstStateSize(@TempDir Path tmp) throws Exception {
        // As a user runs it, bin/harness bench --quick: in a JVM of its own, so that its figures are
        // measured in a fresh JVM and not in the one that ran every other test before this one.
        Path console = tmp.resolve("console.txt");
        Process p = new ProcessBuilder(Distribution.home().resolve("bin/harness").toString(), "bench", "--quick",
                "--report-dir", tmp.resolve("bench").toString(), "--work-dir", tmp.resolve("work").toString())
                .directory(ProjectLayout.findProjectRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(20, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly().waitFor();
        }
        String said = Files.readString(console);
        System.out.print(said);
        // On failure, the end of what the bench printed (what failed, and why) goes into the message.
        String end = said.substring(Math.max(0, said.length() - 6_000));
        assertTrue(finished, "bin/harness bench --quick did not finish in 20 minutes:\n" + end);
        assertEquals(HarnessCli.PASS, p.exitValue(), "every hop of the bench verified PASS:\n" + end);

        JsonNode bench = new ObjectMapper().readTree(tmp.resolve("bench/bench.json").toFile());
        JsonNode t = bench.get("throughput");
        long events = t.get("events").asLong();
        assertEquals(100_000, events);
        assertEquals(events * 1000.0 / t.get("job_ms").asLong(), t.get("job_events_per_second").asDouble(), 0.01);
        assertEquals(events * 1000.0 / t.get("raw_pipe_ms").asLong(), t.get("raw_pipe_events_per_second").asDouble(), 0.01);
        assertEquals(t.get("job_events_per_second").asDouble() / t.get("raw_pipe_events_per_second").asDouble(),
                t.get("ratio").asDouble(), 1e-9, "ratio = job / raw pipe");

        JsonNode hops = bench.get("hops");
        assertEquals(List.of("2000 hashmap CANONICAL JAR_RUN stop-and-restore", "2000 hashmap CANONICAL JAR_RUN blue-green",
                "2000 hashmap CANONICAL JAR_RUN blue-green-ungated", "10000 hashmap CANONICAL JAR_RUN stop-and-restore",
                "10000 hashmap CANONICAL PREPARED stop-and-restore", "20000 hashmap CANONICAL JAR_RUN stop-and-restore",
                "20000 hashmap CANONICAL JAR_RUN blue-green", "20000 hashmap CANONICAL JAR_RUN blue-green-ungated",
                "20000 rocksdb NATIVE JAR_RUN stop-and-restore"),
                java.util.stream.StreamSupport.stream(hops.spliterator(), false).map(BenchQuickIT::point).toList());
        for (JsonNode h : hops) {
            assertTrue(h.get("savepoint_bytes").asLong() > 0, h.toString());
            assertEquals(0, h.get("lost").asLong(), "no strategy loses a record: " + h);
            switch (h.get("strategy").asText()) {
                case "stop-and-restore" -> {
                    assertEquals("PASS", h.get("verdict").asText(), h.toString());
                    assertTrue(h.get("output_gap_ms").asLong() >= h.get("restore_ms").asLong(), h.toString());
                }
                case "blue-green" -> {
                    assertEquals("PASS", h.get("verdict").asText(), h.toString());
                    assertEquals(0, h.get("duplicates").asLong(), h.toString());
                }
                default -> {
                    // The deployment operator's basic mode: the overlap twice, each duplicate counted.
                    assertEquals("FAIL", h.get("verdict").asText(), h.toString());
                    assertTrue(h.get("duplicates").asLong() > 0, h.toString());
                }
            }
        }
        assertTrue(hops.get(5).get("savepoint_bytes").asLong() > hops.get(0).get("savepoint_bytes").asLong(),
                "ten times the users, a larger savepoint: " + hops);
        for (String file : List.of("bench.md", BenchReport.THROUGHPUT_SVG, BenchReport.HOP_COST_SVG)) {
            assertTrue(Files.size(tmp.resolve("bench").resolve(file)) > 0, file);
        }
    }

    private static String point(JsonNode hop) {
        return hop.get("users").asInt() + " " + hop.get("backend").asText() + " " + hop.get("format").asText() + " "
                + hop.get("path").asText() + " " + hop.get("strategy").asText();
    }
}
