package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.UserEventsPipeline;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upgrade plan read from a file: the example is the built-in main scenario; a wrong plan says what is wrong. */
class PlanFileTest {

    @Test
    void theExamplePlanIsTheMainScenario() throws Exception {
        Path root = ProjectLayout.findProjectRoot();
        Scenario plan = PlanFile.read(root.resolve("docs/plans/upgrade.json"), name -> UserEventsPipeline.INSTANCE);
        Scenario builtIn = Scenarios.named("upgrade", root, Scenarios.defaultTraffic());

        assertEquals(builtIn.traffic(), plan.traffic());
        assertEquals(Duration.ofSeconds(10), plan.windowSize());
        assertEquals(SavepointFormatType.CANONICAL, plan.savepointFormat());
        assertEquals(builtIn.deployments().stream().map(d -> d.version() + "@" + d.parallelism() + " " + d.jar()).toList(),
                plan.deployments().stream().map(d -> d.version() + "@" + d.parallelism() + " " + d.jar()).toList());
        assertEquals(List.of("--state-backend", "hashmap"), plan.deployments().get(2).jobArgs());
        assertEquals("v2", plan.deployments().get(2).writerVersion());
    }

    @Test
    void theYamlExampleIsTheSamePlan() throws Exception {
        Path root = ProjectLayout.findProjectRoot();
        Scenario json = PlanFile.read(root.resolve("docs/plans/upgrade.json"), name -> UserEventsPipeline.INSTANCE);
        Scenario yaml = PlanFile.read(root.resolve("docs/plans/upgrade.yaml"), name -> UserEventsPipeline.INSTANCE);
        assertEquals(json, yaml);
    }

    @Test
    void aWrongYamlPlanSaysWhichField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan.yml");
        Files.writeString(file, "name: x\npipeline: user-events\ntraffic: {seed: 1, keys: 1, events: 1, events_per_second: 0, "
                + "bad_share: 0}\ndeployments:\n  - version: v1\n    jar: a.jar\n    paralelism: 2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanFile.read(file, name -> UserEventsPipeline.INSTANCE));
        assertTrue(e.getMessage().contains("paralelism") && e.getMessage().contains("Nothing was deployed"), e.getMessage());
    }

    @Test
    void aWrongPlanSaysWhichFieldAndWhatItMustBe(@TempDir Path dir) throws Exception {
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"traffic\": "
                + "{\"seed\": 1, \"keys\": 1, \"events\": 1, \"events_per_second\": 0, \"bad_share\": 0}}", "needs deployments");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"deployments\": []}", "needs traffic");
        assertRefused(dir, "{\"name\": \"x\", \"pipline\": \"user-events\"}", "pipline");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"traffic\": "
                + "{\"seed\": 1, \"keys\": 0, \"events\": 1, \"events_per_second\": 0, \"bad_share\": 0}, \"deployments\": "
                + "[{\"version\": \"v1\", \"jar\": \"a.jar\", \"parallelism\": 1}]}", "at least 1 key");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"traffic\": "
                + "{\"seed\": 1, \"keys\": 1, \"events\": 1, \"events_per_second\": 0, \"bad_share\": 0}, \"deployments\": "
                + "[{\"version\": \"v1\", \"jar\": \"a.jar\"}]}", "deployments[0].parallelism");
    }

    @Test
    void jarsAreRelativeToThePlansFolder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plans/p.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"name\": \"p\", \"pipeline\": \"user-events\", \"traffic\": "
                + "{\"seed\": 1, \"keys\": 2, \"events\": 3, \"events_per_second\": 4, \"bad_share\": 0.5}, \"deployments\": "
                + "[{\"version\": \"v9\", \"jar\": \"../jars/j.jar\", \"parallelism\": 3}]}");
        Scenario plan = PlanFile.read(file, name -> UserEventsPipeline.INSTANCE);
        assertEquals(dir.resolve("jars/j.jar").toAbsolutePath(), plan.deployments().get(0).jar());
        assertEquals(new TrafficPlan(1, 2, 3, 4, 0.5), plan.traffic());
        assertEquals("v9", plan.deployments().get(0).writerVersion(), "the writer version defaults to the version");
    }

    @Test
    void aSavepointRepairIsReadAndAWrongOneSaysWhatItNeeds(@TempDir Path dir) throws Exception {
        String head = "name: r\npipeline: user-events\ntraffic: {seed: 1, keys: 2, events: 3, events_per_second: 4, "
                + "bad_share: 0}\ndeployments:\n  - {version: v1, jar: a.jar, parallelism: 4}\n"
                + "  - version: v2\n    jar: b.jar\n    parallelism: 4\n";
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, head + "    savepoint_repair: {change_uid: {from: user-stats-reduce, to: user-stats-aggregate}}\n");
        Scenario plan = PlanFile.read(file, name -> UserEventsPipeline.INSTANCE);
        assertEquals(null, plan.deployments().get(0).repair());
        assertEquals("the state of uid user-stats-reduce now belongs to uid user-stats-aggregate (State Processor API, "
                + "changeOperatorIdentifier)", plan.deployments().get(1).repair().describe());

        Files.writeString(file, head + "    savepoint_repair: {change_uid: {from: user-stats-reduce}}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanFile.read(file, name -> UserEventsPipeline.INSTANCE));
        assertTrue(e.getMessage().contains("deployments[1].savepoint_repair.change_uid: {from, to}"), e.getMessage());

        Files.writeString(file, head + "    savepoint_repair: {migrate_value_state: {uid: user-stats-reduce, state: _op_state, "
                + "convert_fields: [event_count]}}\n    flink_release: \"2.1\"\n");
        plan = PlanFile.read(file, name -> UserEventsPipeline.INSTANCE);
        assertEquals(com.example.upgrades.harness.repair.SavepointRepair.migrateValueState("user-stats-reduce", "_op_state",
                com.example.upgrades.harness.repair.AvroMigration.convertField("event_count")),
                plan.deployments().get(1).repair());
        assertEquals("2.1", plan.deployments().get(1).flinkRelease());
        assertEquals(null, plan.deployments().get(0).flinkRelease(), "the environment's own Flink by default");

        Files.writeString(file, head + "    savepoint_repair: {change_uid: {from: a, to: b}, migrate_value_state: "
                + "{uid: u, state: s, convert_fields: [f]}}\n");
        e = assertThrows(IllegalArgumentException.class, () -> PlanFile.read(file, name -> UserEventsPipeline.INSTANCE));
        assertTrue(e.getMessage().contains("exactly one of change_uid and migrate_value_state"), e.getMessage());

        Files.writeString(file, head + "    savepoint_repair: {migrate_value_state: {uid: u, state: s, convert_fields: []}}\n");
        e = assertThrows(IllegalArgumentException.class, () -> PlanFile.read(file, name -> UserEventsPipeline.INSTANCE));
        assertTrue(e.getMessage().contains("migrate_value_state: {uid, state, convert_fields}"), e.getMessage());
    }

    @Test
    void numbersNullsDuplicatesAndNamesAreCheckedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        String traffic = "\"traffic\": {\"seed\": 1, \"keys\": 1, \"events\": 10, \"events_per_second\": 0, \"bad_share\": 0}";
        String one = "\"deployments\": [{\"version\": \"v1\", \"jar\": \"a.jar\", \"parallelism\": 1}]";
        assertRefused(dir, "{\"name\": \"x\", \"name\": \"y\", \"pipeline\": \"user-events\", " + traffic + ", " + one + "}",
                "Duplicate field 'name'");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", " + traffic + ", \"deployments\": [null]}",
                "deployments[0]: a deployment, not null");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"traffic\": {\"seed\": 1, \"keys\": 1, "
                + "\"events\": 10, \"events_per_second\": 0}, " + one + "}", "every one of seed, keys, events");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"traffic\": {\"seed\": 1, \"keys\": 1, "
                + "\"events\": 10, \"events_per_second\": 0, \"bad_share\": -0.5}, " + one + "}", "a bad share from 0");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"traffic\": {\"seed\": 1, \"keys\": 1, "
                + "\"events\": 9999999999, \"events_per_second\": 0, \"bad_share\": 0}, " + one + "}", "1 to 2147483646 events");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", " + traffic + ", \"deployments\": "
                + "[{\"version\": \"v1\", \"jar\": \"a.jar\", \"parallelism\": 40000}]}", "a whole number from 1 to 32768");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", " + traffic + ", \"deployments\": "
                + "[{\"version\": \"v1\", \"jar\": \"a.jar\", \"parallelism\": 1, \"job_args\": [null]}]}", "none of them null");
        assertRefused(dir, "{\"name\": \"../../etc\", \"pipeline\": \"user-events\", " + traffic + ", " + one + "}",
                "names its report folder");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"window_size\": \"0 s\", " + traffic + ", "
                + one + "}", "The window size must be positive");
        assertRefused(dir, "{\"name\": \"x\", \"pipeline\": \"user-events\", \"expect_rollback\": true, " + traffic + ", "
                + one + "}", "needs a hop to it");
    }

    private static void assertRefused(Path dir, String json, String expected) throws Exception {
        Path file = dir.resolve("plan.json");
        Files.writeString(file, json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanFile.read(file, name -> UserEventsPipeline.INSTANCE));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("Nothing was deployed"), e.getMessage());
    }
}
