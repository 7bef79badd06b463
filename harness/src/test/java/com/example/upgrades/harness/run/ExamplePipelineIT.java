package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.example.upgrades.harness.cli.HarnessCli;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.variants.JobVariants;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example pipeline (harness/examples/clicks), which no Java of the harness knows, upgraded from
 * its plan alone: a rescale that must leave the output exactly the reference run's, then a change
 * of logic whose differences from the reference are the approved ones in plan.golden.json. And the
 * same plan with a v2 that loses its count state: the run fails, naming the keys.
 */
class ExamplePipelineIT {

    private static final Path EXAMPLE = ProjectLayout.findProjectRoot().resolve("harness/examples/clicks");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void harnessRunWithThePlanAlonePassesAgainstTheReferenceAndTheApprovedDifferences(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = HarnessCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, "run",
                "--plan", EXAMPLE.resolve("plan.yaml").toString(), "--work-dir", dir.resolve("work").toString(),
                "--report-dir", dir.resolve("report").toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertEquals(HarnessCli.PASS, status, printed);

        JsonNode report = JSON.readTree(dir.resolve("report/report.json").toFile());
        JsonNode golden = JSON.readTree(EXAMPLE.resolve("plan.golden.json").toFile());
        assertTrue(golden.size() > 0, "the change of logic differs from the reference somewhere");
        assertEquals(golden.size(), report.at("/checked/keys that differ from the reference").asLong(),
                "exactly the approved keys differ: the rescale changed nothing");
        assertTrue(report.at("/checked/keys compared with the reference").asLong() > golden.size(), report.toString());
        assertEquals(3000, report.at("/checked/running counts").asLong(), "every answer's running count was checked");
        assertTrue(report.at("/checked/dead letters").asLong() > 0, "malformed clicks were written and dead-lettered");
        for (JsonNode d : golden) {
            assertEquals("sessions", d.get("topic").asText(), "the session gap changed, the per-user counts did not: " + d);
        }
    }

    @Test
    void aSecondVersionThatLosesItsCountsFailsNamingTheKeys(@TempDir Path dir) throws Exception {
        Path module = EXAMPLE.resolve("job-v2");
        Path lossy = JobVariants.build(module, module.resolve("target/clicks-v2.jar"), "v2", List.of(JobVariants.replace(
                "src/main/java/com/example/clicks/ClickSessions.java",
                "new ValueStateDescriptor<>(\"clicks\", Types.LONG)",
                "new ValueStateDescriptor<>(\"clicks-counted-anew\", Types.LONG)")), dir.resolve("variant"));
        Scenario plan = PlanFile.read(EXAMPLE.resolve("plan.yaml"), name -> null);
        List<Scenario.Deployment> deployments = new ArrayList<>(plan.deployments());
        Scenario.Deployment v2 = deployments.get(2);
        deployments.set(2, Scenario.Deployment.of(v2.version(), lossy, v2.parallelism()));
        Scenario broken = plan.toBuilder().deployments(deployments).build();

        UpgradeRunner.Result result = ScenarioRuns.run(broken, dir, true);

        assertEquals(Outcome.FAIL, result.outcome(), result.verdict().describe());
        assertTrue(result.verdict().count("STATE_LOST") > 0, result.verdict().describe());
        assertEquals(0, result.verdict().count("LOST") + result.verdict().count("DUPLICATE"),
                "every click is still answered exactly once: " + result.verdict().describe());
        List<String> named = result.verdict().examples("UNAPPROVED_DIFFERENCE");
        assertTrue(named.stream().anyMatch(e -> e.startsWith("click-answers of key user-")), named.toString());
        assertTrue(Files.isRegularFile(result.reportJson()));
    }
}
