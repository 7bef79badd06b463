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
 * {@code harness bench --smoke}, from the runtime distribution, in a JVM of its own: every part of the
 * bench runs end to end (job v1 and the raw pipe over the same events, one v2 -> v3 hop, verified) and
 * its report is consistent. The sweep whose figures mean something, {@code --quick}, runs on its own
 * schedule ({@link BenchQuickIT}, {@code ./mvnw verify -Pbench}).
 */
class BenchIT {

    @Test
    void theBenchRunsEveryPartEndToEnd(@TempDir Path tmp) throws Exception {
        // As a user runs it, bin/harness bench --smoke: in a JVM of its own, not the one that ran every
        // other test before this one. What this test checks is that every part runs and the report is
        // consistent, not the figures: so the JVM gets the test JVMs' JIT setting (the client compiler),
        // through JAVA_OPTS as a user would give it. It takes a third less CPU (68 s instead of 100 s,
        // measured alone) on a machine whose two cores the suite keeps busy. BenchQuickIT, whose figures
        // mean something, runs with the JVM's default JIT.
        Path console = tmp.resolve("console.txt");
        ProcessBuilder smoke = new ProcessBuilder(Distribution.home().resolve("bin/harness").toString(), "bench", "--smoke",
                "--report-dir", tmp.resolve("bench").toString(), "--work-dir", tmp.resolve("work").toString())
                .directory(ProjectLayout.findProjectRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        smoke.environment().put("JAVA_OPTS", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:TieredStopAtLevel=") || a.startsWith("-XX:ReservedCodeCacheSize="))
                .toList()));
        Process p = smoke.start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly().waitFor();
        }
        String said = Files.readString(console);
        System.out.print(said);
        // On failure, the end of what the bench printed (what failed, and why) goes into the message.
        String end = said.substring(Math.max(0, said.length() - 6_000));
        assertTrue(finished, "bin/harness bench --smoke did not finish in 10 minutes:\n" + end);
        assertEquals(HarnessCli.PASS, p.exitValue(), "every hop of the bench verified PASS:\n" + end);

        JsonNode bench = new ObjectMapper().readTree(tmp.resolve("bench/bench.json").toFile());
        JsonNode t = bench.get("throughput");
        long events = t.get("events").asLong();
        assertEquals(10_000, events);
        assertEquals(events * 1000.0 / t.get("job_ms").asLong(), t.get("job_events_per_second").asDouble(), 0.01);
        assertEquals(events * 1000.0 / t.get("raw_pipe_ms").asLong(), t.get("raw_pipe_events_per_second").asDouble(), 0.01);
        assertEquals(t.get("job_events_per_second").asDouble() / t.get("raw_pipe_events_per_second").asDouble(),
                t.get("ratio").asDouble(), 1e-9, "ratio = job / raw pipe");

        JsonNode hops = bench.get("hops");
        assertEquals(List.of("500 hashmap CANONICAL JAR_RUN stop-and-restore", "500 hashmap CANONICAL PREPARED stop-and-restore",
                "500 hashmap CANONICAL JAR_RUN blue-green"), List.of(point(hops.get(0)), point(hops.get(1)), point(hops.get(2))));
        assertEquals(3, hops.size());
        for (JsonNode h : hops) {
            assertEquals("PASS", h.get("verdict").asText(), h.toString());
            assertEquals(0, h.get("duplicates").asLong(), h.toString());
            assertTrue(h.get("savepoint_bytes").asLong() > 0, h.toString());
            // Output was visible before the hop (5 s of it): the wait between two commits was measured.
            assertTrue(h.get("longest_quiet_before_ms").asLong() > 0, h.toString());
            assertEquals(h.get("longest_quiet_ms").asLong() / 1000.0, h.get("quiet_over_checkpoint_interval").asDouble(), 1e-9,
                    "the longest wait over the jobs' checkpoint interval (1 s): " + h);
            if (h.get("strategy").asText().equals("stop-and-restore")) {
                // A consumer sees nothing from the stop until the new version's first commit, after its restore.
                assertTrue(h.get("output_gap_ms").asLong() >= h.get("restore_ms").asLong(), h.toString());
            } else {
                // Blue emits while green starts: what a consumer waits is the longest interval without new output.
                assertEquals(h.get("longest_quiet_ms").asLong(), h.get("output_gap_ms").asLong(), h.toString());
            }
        }
        for (String file : List.of("bench.md", BenchReport.THROUGHPUT_SVG, BenchReport.HOP_COST_SVG)) {
            assertTrue(Files.size(tmp.resolve("bench").resolve(file)) > 0, file);
        }
    }

    private static String point(JsonNode hop) {
        return hop.get("users").asInt() + " " + hop.get("backend").asText() + " " + hop.get("format").asText() + " "
                + hop.get("path").asText() + " " + hop.get("strategy").asText();
    }
}
