package com.example.upgrades.harness.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.run.PlanFile;
import com.example.upgrades.harness.run.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan that describes its pipeline: read as it says, or refused before anything starts, naming the field. */
class DeclaredPlanTest {

    private static final String PLAN = """
            name: mine
            pipeline:
              inputs:
                - {topic: orders, partitions: 3, format: json, key: customer, event_time: /at, id: /n}
              outputs:
                - {topic: totals, format: json, key: /customer, answers: /order, running_count: /orders, volatile: [/v]}
              dead_letters: orders-dlq
              job_args: [--brokers, "{bootstrap_servers}"]
            traffic:
              seed: 1
              keys: 5
              events: 100
              events_per_second: 0
              bad_share: 0.1
              inputs:
                orders:
                  fields:
                    n: {sequence: 1}
                    customer: {key: {prefix: c-, skew: 0.5}}
                    at: {time: {start: "2026-01-01T00:00:00Z", step_ms: 100}}
            deployments:
              - {version: v1, jar: a.jar, parallelism: 1}
            """;

    private static Scenario read(Path dir, String plan) throws IOException {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, plan);
        return PlanFile.read(file, name -> {
            throw new IllegalArgumentException("no named pipelines here");
        });
    }

    private static void assertRefused(Path dir, String plan, String field) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(dir, plan));
        assertTrue(e.getMessage().contains(field) && e.getMessage().contains("Nothing was deployed"), e.getMessage());
    }

    @Test
    void aDescribedPipelineIsReadWithBareNamesAsPointers(@TempDir Path dir) throws IOException {
        Scenario s = read(dir, PLAN);
        DeclaredPipeline p = assertInstanceOf(DeclaredPipeline.class, s.pipeline());
        assertEquals("mine", p.name());
        assertEquals("totals", p.output().topic());
        assertEquals(100, s.traffic().events());
        assertEquals(java.util.List.of("--brokers", "host:1"), p.jobArguments("host:1", null, null, java.time.Duration.ofSeconds(1)));
        assertEquals(false, p.wantsReference());
    }

    @Test
    void aPathToAFieldTheRecordsDoNotHaveIsRefused(@TempDir Path dir) {
        assertRefused(dir, PLAN.replace("key: customer,", "key: /client,"), "/client");
    }

    @Test
    void anUnknownTrafficRuleIsRefused(@TempDir Path dir) {
        assertRefused(dir, PLAN.replace("{sequence: 1}", "{counter: 1}"), "traffic.inputs.orders.fields");
    }

    @Test
    void anUnknownFieldOfThePipelineIsRefused(@TempDir Path dir) {
        assertRefused(dir, PLAN.replace("dead_letters:", "dead_letter:"), "dead_letter");
    }

    @Test
    void anAvroTopicWithoutItsSchemasIsRefused(@TempDir Path dir) {
        assertRefused(dir, PLAN.replace("format: json, key: customer", "format: avro, key: customer"),
                "pipeline.inputs[0].schemas");
    }

    @Test
    void anUnknownFormatIsRefused(@TempDir Path dir) {
        assertRefused(dir, PLAN.replace("format: json, key: customer", "format: protobuf, key: customer"),
                "pipeline.inputs[0].format");
    }

    @Test
    void aTopicNamedTwiceIsRefused(@TempDir Path dir) {
        assertRefused(dir, PLAN.replace("dead_letters: orders-dlq", "dead_letters: totals"), "named twice");
    }

    @Test
    void jobArgumentsThatNeverSayWhereKafkaIsAreRefused(@TempDir Path dir) {
        assertRefused(dir, PLAN.replace("\"{bootstrap_servers}\"", "localhost:9092"), "pipeline.job_args");
    }

    @Test
    void trafficRulesForANamedPipelineAreRefused(@TempDir Path dir) {
        String named = PLAN.replaceAll("(?s)pipeline:.*?traffic:", "pipeline: user-events\ntraffic:");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            Path file = dir.resolve("named.yaml");
            Files.writeString(file, named);
            PlanFile.read(file, n -> null);
        });
        assertTrue(e.getMessage().contains("traffic.inputs"), e.getMessage());
    }

    @Test
    void theExamplePlanOfTheRepositoryIsValid() throws IOException {
        Path plan = ProjectLayout.findProjectRoot().resolve("harness/examples/clicks/plan.yaml");
        Scenario s = PlanFile.read(plan, n -> null);
        DeclaredPipeline p = assertInstanceOf(DeclaredPipeline.class, s.pipeline());
        assertTrue(p.wantsReference());
        assertTrue(p.exactCut("v1", "v2") && !p.exactCut("v1", "v1"), "a change of version is cut exactly, a rescale is not");
        assertEquals(3, s.deployments().size());
    }
}
