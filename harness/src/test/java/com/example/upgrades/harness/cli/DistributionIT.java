package com.example.upgrades.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.example.upgrades.harness.project.ProjectLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime distribution as a user outside this repository gets it: copied to a folder of its
 * own, started through bin/harness from another folder, with a plan and a job jar that live
 * beside the plan. It runs a real deployment on the embedded environment, writes everything under
 * ./harness-output, and carries no test library.
 */
class DistributionIT {

    @Test
    void runsAPlanFromAnyFolderAndWritesUnderHarnessOutput(@TempDir Path dir) throws Exception {
        Path dist = copy(Distribution.home(), dir.resolve("tools/harness"));
        Path project = Files.createDirectories(dir.resolve("my-pipeline"));
        Files.createDirectories(project.resolve("jars"));
        Files.copy(ProjectLayout.jar(ProjectLayout.findProjectRoot(), "v1"), project.resolve("jars/job-v1.jar"));
        Files.writeString(project.resolve("plan.yaml"), """
                name: from-the-distribution
                pipeline: user-events
                traffic: {seed: 7, keys: 20, events: 3000, events_per_second: 1500, bad_share: 0.01}
                deployments:
                  - {version: v1, jar: jars/job-v1.jar, parallelism: 2}
                """);

        Process p = new ProcessBuilder(dist.resolve("bin/harness").toString(), "run", "--plan", "plan.yaml")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.txt").toFile())
                .start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(4, TimeUnit.MINUTES), "bin/harness run did not finish in 4 minutes");
        String console = Files.readString(dir.resolve("console.txt"));
        System.out.print(console);

        assertEquals(HarnessCli.PASS, p.exitValue(), console);
        assertTrue(console.contains("Verdict: PASS"), console);
        Path output = project.resolve("harness-output");
        assertTrue(Files.size(output.resolve("harness.log")) > 0, "Flink's and Kafka's log goes to ./harness-output/harness.log");
        JsonNode report = new ObjectMapper().readTree(output.resolve("reports/from-the-distribution/report.json").toFile());
        assertEquals("PASS", report.get("verdict").asText());
        assertEquals(3000, report.get("events").get("produced").asLong());
        assertTrue(Files.isDirectory(output.resolve("work")), "the environment's data goes to ./harness-output/work");
    }

    @Test
    void carriesNoTestLibrary() throws IOException {
        try (Stream<Path> jars = Files.list(Distribution.home().resolve("lib"))) {
            List<String> test = jars.map(j -> j.getFileName().toString())
                    .filter(n -> Stream.of("junit", "opentest4j", "apiguardian", "kafka-test-common", "mockito", "assertj",
                            "flink-test-utils").anyMatch(n::startsWith))
                    .toList();
            assertEquals(List.of(), test, "test libraries in the runtime distribution");
        }
        assertTrue(Files.isRegularFile(Distribution.home().resolve("harness.jar")));
        assertTrue(Files.isExecutable(Distribution.home().resolve("bin/harness")));
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
