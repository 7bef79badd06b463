package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.cli.HarnessCli;
import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.verify.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands for an upgrade done by hand: {@code verify} gives the same verdict as {@code run}
 * on the same topics, and catches what no job processed; {@code topics create} and
 * {@code generate} prepare a fresh cluster.
 */
class ByHandCommandsIT {

    @Test
    void verifyAgreesWithRunOnTheSameTopicsAndCatchesWhatNoJobProcessed(@TempDir Path work) throws Exception {
        Scenario scenario = ScenarioRuns.named("rescale-v1", work);
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), scenario.slotsNeeded(), System.out)) {
            UpgradeRunner.Result run = new UpgradeRunner(env, System.out).run(scenario, work.resolve("run"));
            assertEquals(Outcome.PASS, run.outcome(), run.report().markdown());
            assertEquals(List.of("v1", "v1"), run.report().deployments().stream().map(Report.DeploymentFigures::version).toList());

            Cli verify = Cli.execute("verify", "--bootstrap-servers", env.kafkaBootstrapServers(),
                    "--report-dir", work.resolve("verify").toString());
            assertEquals(HarnessCli.PASS, verify.exit(), verify.out());
            JsonNode report = new ObjectMapper().readTree(work.resolve("verify/report.json").toFile());
            assertEquals("PASS", report.get("verdict").asText());
            assertEquals(run.report().events().produced(), report.get("events").get("produced").asLong());
            assertEquals(run.report().events().perVersion().get("v1"), report.get("events").get("per_version").get("v1").asLong());
            // The same two jobs, in the same order, with the same records, found from the topics alone.
            for (int i = 0; i < 2; i++) {
                assertEquals(run.report().deployments().get(i).jobId(), report.get("deployments").get(i).get("job_id").asText());
                assertEquals(run.report().deployments().get(i).answerRecords(),
                        report.get("deployments").get(i).get("answer_records").asLong());
            }

            // wait-for-output counts what a read_committed consumer sees: every answer of the run, no more.
            long answers = run.report().deployments().stream().mapToLong(d -> d.answerRecords()).sum();
            Cli reached = Cli.execute("wait-for-output", "--bootstrap-servers", env.kafkaBootstrapServers(),
                    "--records", String.valueOf(answers));
            assertEquals(HarnessCli.PASS, reached.exit(), reached.out() + reached.err());
            assertTrue(reached.out().contains(answers + " user-stats records visible"), reached.out());
            Cli beyond = Cli.execute("wait-for-output", "--bootstrap-servers", env.kafkaBootstrapServers(),
                    "--records", String.valueOf(answers + 1), "--timeout", "3 s");
            assertEquals(HarnessCli.FAIL, beyond.exit(), beyond.out() + beyond.err());
            assertTrue(beyond.out().contains("Only " + answers + " of " + (answers + 1) + " user-stats records were visible"),
                    beyond.out());

            Cli again = Cli.execute("topics", "create", "--bootstrap-servers", env.kafkaBootstrapServers());
            assertEquals(HarnessCli.COULD_NOT_RUN, again.exit());
            assertTrue(again.err().contains("already exist") && again.err().contains("Nothing was deployed"), again.err());

            // Three events that no job reads: verify must say they are lost.
            FewEvents.produce(env, new EventSchemas(), "v1", 1_000_001, 1_000_003, null);
            Cli lost = Cli.execute("verify", "--bootstrap-servers", env.kafkaBootstrapServers(),
                    "--report-dir", work.resolve("verify-lost").toString());
            assertEquals(HarnessCli.FAIL, lost.exit(), lost.out());
            JsonNode failed = new ObjectMapper().readTree(work.resolve("verify-lost/report.json").toFile());
            assertEquals(3, failed.get("violations").get(Violation.LOST.name()).asLong(), failed.toString());
        }
    }

    @Test
    void topicsCreateAndGenerateWriteTheSeededTrafficOnAFreshCluster(@TempDir Path work) throws Exception {
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work.resolve("env"), 1, System.out)) {
            // Verifying topics that do not exist is no pass: exit 2, saying what is missing.
            Cli nothing = Cli.execute("verify", "--bootstrap-servers", env.kafkaBootstrapServers(),
                    "--report-dir", work.resolve("verify-nothing").toString());
            assertEquals(2, nothing.exit(), nothing.out());
            assertTrue(nothing.out().contains("Verdict: COULD_NOT_VERIFY") && nothing.out().contains("does not exist"),
                    nothing.out());

            assertEquals(HarnessCli.PASS, Cli.execute("topics", "create", "--bootstrap-servers", env.kafkaBootstrapServers()).exit());
            // Empty topics: nothing to check is no pass either.
            Cli empty = Cli.execute("verify", "--bootstrap-servers", env.kafkaBootstrapServers(),
                    "--report-dir", work.resolve("verify-empty").toString());
            assertEquals(2, empty.exit(), empty.out());
            assertTrue(empty.out().contains("Verdict: COULD_NOT_VERIFY") && empty.out().contains("input events"), empty.out());
            Cli generate = Cli.execute("generate", "--bootstrap-servers", env.kafkaBootstrapServers(), "--events", "500",
                    "--rate", "0", "--bad-share", "0.1");
            assertEquals(HarnessCli.PASS, generate.exit(), generate.err());
            assertTrue(generate.out().contains("Wrote 500 events"), generate.out());

            // No job ran: every event is lost, and every bad record lacks its dead letter.
            Cli verify = Cli.execute("verify", "--bootstrap-servers", env.kafkaBootstrapServers(),
                    "--report-dir", work.resolve("verify").toString());
            assertEquals(HarnessCli.FAIL, verify.exit());
            JsonNode report = new ObjectMapper().readTree(work.resolve("verify/report.json").toFile());
            assertEquals(500, report.get("events").get("produced").asLong());
            assertEquals(500, report.get("violations").get("LOST").asLong());
            assertEquals(report.get("events").get("bad_records").asLong(), report.get("violations").get("DLQ_MISMATCH").asLong());
        }
    }
}
