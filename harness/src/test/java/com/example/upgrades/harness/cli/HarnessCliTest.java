package com.example.upgrades.harness.cli;

import com.example.upgrades.harness.project.ProjectLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.example.upgrades.userevents.Scenarios;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong arguments exit with status 2 and a message that says what to do; nothing is started. */
class HarnessCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return HarnessCli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownScenarioListsTheKnownOnes() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--scenario", "v1-to-v9"));
        assertTrue(errors().contains("Unknown scenario 'v1-to-v9'") && errors().contains("rescale-v1"), errors());
    }

    @Test
    void unknownEnvironmentIsAUsageError() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--env", "cloud"));
        assertTrue(errors().contains("Unknown environment 'cloud'"), errors());
    }

    @Test
    void externalEnvironmentNeedsItsEndpoints() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--env", "external", "--bootstrap-servers", "localhost:9092"));
        assertTrue(errors().contains("--env external needs") && errors().contains("--flink-rest http://localhost:8081"),
                errors());
    }

    @Test
    void kafkaClientSettingsAreForAnExternalClusterAndAWrongOneNeverShowsItsValue() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--kafka-property", "security.protocol=SASL_SSL"));
        assertTrue(errors().contains("The embedded environment starts its own Kafka") && errors().contains("--env external"),
                errors());
        // A pair without '=' may be a pasted secret: the message says what is wrong, never what was given.
        assertEquals(HarnessCli.COULD_NOT_RUN, run("verify", "--bootstrap-servers", "127.0.0.1:1",
                "--kafka-property", "hunter2-not-a-pair"));
        assertTrue(errors().contains("--kafka-property takes key=value") && !errors().contains("hunter2"), errors());
        assertEquals(HarnessCli.COULD_NOT_RUN, run("verify", "--bootstrap-servers", "127.0.0.1:1",
                "--kafka-property", "bootstrap.servers=elsewhere:9092"));
        assertTrue(errors().contains("bootstrap.servers is given with --bootstrap-servers"), errors());
    }

    @Test
    void aCatchUpTimeoutThatIsNoPositiveDurationIsAUsageError() {
        for (String wrong : new String[] {"soon", "0 s", "-5 s"}) {
            err.reset();
            assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--catch-up-timeout", wrong), wrong);
            assertTrue(errors().contains("--catch-up-timeout"), wrong + ": " + errors());
        }
    }

    @Test
    void malformedNumberIsAUsageError() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--events", "many"));
        assertTrue(errors().contains("--events"), errors());
    }

    @Test
    void trafficOutOfRangeSaysWhatIsAllowed() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--bad-share", "1.5"));
        assertTrue(errors().contains("a bad share from 0 up to, not including, 1"), errors());
        for (String share : new String[] {"NaN", "-0.1"}) {
            err.reset();
            assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--bad-share", share));
            assertTrue(errors().contains("a bad share from 0 up to, not including, 1"), share + ": " + errors());
        }
        err.reset();
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--events", "0"));
        assertTrue(errors().contains("1 to 2147483646 events"), errors());
    }

    /** A misspelt option, or a JAAS config the shell split into words: the secret in it is never printed. */
    @Test
    void aParseErrorNeverPrintsAnArgumentsValue() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("verify", "--bootstrap-servers", "127.0.0.1:1",
                "--kafka-propery", "sasl.jaas.config=x password=\"hunter2\";"));
        assertTrue(errors().contains("Unknown option --kafka-propery") && errors().contains("--kafka-property"), errors());
        assertTrue(!errors().contains("hunter2") && !out.toString(StandardCharsets.UTF_8).contains("hunter2"), errors());

        err.reset();
        assertEquals(HarnessCli.COULD_NOT_RUN, run("verify", "--bootstrap-servers", "127.0.0.1:1", "--kafka-property",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule", "required", "username=\"u\"",
                "password=\"hunter2\";"));
        assertTrue(errors().contains("must be quoted") && !errors().contains("hunter2"), errors());

        err.reset();
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--events=hunter2"));
        assertTrue(errors().contains("The value of --events is not a valid") && !errors().contains("hunter2"), errors());

        err.reset();
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--secret=hunter2"));
        assertTrue(errors().contains("Unknown option --secret (its value is not shown)") && !errors().contains("hunter2"),
                errors());
    }

    @Test
    void aPlanNameCannotLeaveTheReportsFolder(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), String.join("\n",
                "name: ../../escaped", "pipeline: user-events",
                "traffic: {seed: 1, keys: 1, events: 10, events_per_second: 0, bad_share: 0}",
                "deployments:", "  - {version: v1, jar: job.jar, parallelism: 1}", ""));
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--plan", plan.toString()));
        assertTrue(errors().contains("names its report folder, so it is letters, digits"), errors());
        assertTrue(!Files.exists(dir.resolve("escaped")) && !Files.exists(dir.getParent().resolve("escaped")));
    }

    @Test
    void aPartOutsideTheTrafficIsAUsageError() {
        // Refused before any broker is reached (the address is unreachable).
        assertEquals(HarnessCli.COULD_NOT_RUN, run("generate", "--bootstrap-servers", "127.0.0.1:1", "--part", "4/3"));
        assertTrue(errors().contains("--part must be K/N with 1 <= K <= N <= --events, e.g. 2/3; got 4/3"), errors());
    }

    @Test
    void waitingForNoOutputIsAUsageError() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("wait-for-output", "--bootstrap-servers", "127.0.0.1:1", "--records", "0"));
        assertTrue(errors().contains("--records must be at least 1, got 0"), errors());
    }

    @Test
    void missingJarsSayHowToBuildThem() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--project-root", "/nonexistent"));
        assertTrue(errors().contains("./mvnw package -DskipTests"), errors());
    }

    @Test
    void inspectingSomethingThatIsNotASavepointSaysSo() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("inspect", "/tmp"));
        assertTrue(errors().contains("is not a savepoint: it has no _metadata file"), errors());
    }

    @Test
    void aRuleScenarioWithoutTheJarsSaysHowToBuildThem() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("run", "--scenario", "uid-changed", "--project-root", "/nonexistent"));
        assertTrue(errors().contains("The variant starts from") && errors().contains("./mvnw package -DskipTests"),
                errors());
    }

    @Test
    void checkingAMissingJarSaysSo() {
        assertEquals(HarnessCli.COULD_NOT_RUN, run("check", "/nonexistent/job.jar", "/tmp"));
        assertTrue(errors().contains("The job jar /nonexistent/job.jar does not exist"), errors());
    }

    @Test
    void checkingSomethingThatIsNotAJobJarCouldNotCheck(@TempDir Path dir) throws Exception {
        Path notAJar = Files.writeString(dir.resolve("job.jar"), "not a jar");
        Path savepoint = Files.createDirectories(dir.resolve("savepoint"));
        Files.writeString(savepoint.resolve("_metadata"), "not metadata");

        assertEquals(HarnessCli.COULD_NOT_RUN, run("check", notAJar.toString(), savepoint.toString()));
        assertTrue(errors().contains("is not a job jar Flink can run"), errors());
    }

    @Test
    void checkingAgainstAnUnreadableSavepointCouldNotCheck(@TempDir Path dir) throws Exception {
        Path jar = ProjectLayout.jar(ProjectLayout.findProjectRoot(), "v1");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "job-v1 is packaged before the harness's tests run");
        Path savepoint = Files.createDirectories(dir.resolve("savepoint"));
        Files.writeString(savepoint.resolve("_metadata"), "not metadata");

        assertEquals(HarnessCli.COULD_NOT_RUN, run("check", jar.toString(), savepoint.toString()));
        assertTrue(errors().contains("is not a savepoint this Flink can read"), errors());
    }

    @Test
    void helpExitsZero() {
        assertEquals(0, run("run", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--scenario"));
    }
}
