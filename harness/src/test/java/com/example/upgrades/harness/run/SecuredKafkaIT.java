package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import com.example.upgrades.harness.cli.HarnessCli;
import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka that lets only an authenticated user in (SASL/PLAIN): the harness gives the client
 * settings to every client of its own and to the jobs, which restore and pass; and the password
 * is in none of what the harness prints or writes, but the jobs' settings file, which only its
 * owner can read.
 */
class SecuredKafkaIT {

    private static final EmbeddedKafka.SaslUser USER = new EmbeddedKafka.SaslUser("pipeline", "s3cret-" + UUID.randomUUID());

    @Test
    void everyClientGetsTheSettingsOfASecuredKafkaAndNoSecretIsPrinted(@TempDir Path dir) throws Exception {
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(dir.resolve("cluster"), 2, System.out, USER)) {
            String secured = env.kafkaSaslBootstrapServers();
            Properties bare = new Properties();
            bare.put("bootstrap.servers", secured);
            try (KafkaConsumer<byte[], byte[]> anonymous = new KafkaConsumer<>(bare, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                assertThrows(TimeoutException.class, () -> anonymous.listTopics(Duration.ofSeconds(5)),
                        "the listener lets no client in without the settings");
            }

            Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                    name: secured
                    pipeline: user-events
                    traffic: {seed: 11, keys: 20, events: 3000, events_per_second: 1000, bad_share: 0.01}
                    deployments:
                      - {version: v1, jar: %s, parallelism: 2}
                      - {version: v2, jar: %s, parallelism: 2}
                    """.formatted(ProjectLayout.jar(ProjectLayout.findProjectRoot(), "v1"),
                    ProjectLayout.jar(ProjectLayout.findProjectRoot(), "v2")));
            Path work = dir.resolve("work");
            Path savepoints = Path.of(java.net.URI.create(env.savepointDirectory()));
            List<String> args = new ArrayList<>(List.of("run", "--plan", plan.toString(), "--env", "external",
                    "--bootstrap-servers", secured, "--flink-rest", env.flinkRestEndpoint().toString(),
                    "--savepoint-dir", env.savepointDirectory(), "--local-savepoint-dir", savepoints.toString(),
                    "--work-dir", work.toString(), "--report-dir", dir.resolve("run").toString()));
            USER.clientSettings().forEach((k, v) -> args.addAll(List.of("--kafka-property", k + "=" + v)));
            Cli run = Cli.execute(args.toArray(String[]::new));
            assertEquals(HarnessCli.PASS, run.exit(), run.out() + run.err());
            assertTrue(run.out().contains("Verdict: PASS"), run.out());

            // The jobs read the settings from a file that only its owner can read, and that is gone after the run.
            assertFalse(Files.exists(work.resolve("kafka-client.properties")), "the jobs' settings file is removed after the run");
            Path jobsFile = new com.example.upgrades.harness.kafka.KafkaAccess(secured, USER.clientSettings())
                    .writeSettings(dir.resolve("settings/kafka-client.properties"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jobsFile)));
            assertTrue(Files.readString(jobsFile).contains("SASL_PLAINTEXT"));

            // By hand, with a properties file: the same topics verify the same.
            Path clientFile = dir.resolve("client.properties");
            Properties settings = new Properties();
            settings.putAll(USER.clientSettings());
            try (var w = Files.newBufferedWriter(clientFile)) {
                settings.store(w, null);
            }
            Cli verify = Cli.execute("verify", "--bootstrap-servers", secured, "--kafka-properties", clientFile.toString(),
                    "--report-dir", dir.resolve("verify").toString());
            assertEquals(HarnessCli.PASS, verify.exit(), verify.out() + verify.err());

            Map<String, String> written = Map.of(
                    "run's console", run.out() + run.err(),
                    "verify's console", verify.out() + verify.err(),
                    "run's report.json", Files.readString(dir.resolve("run/report.json")),
                    "run's report.md", Files.readString(dir.resolve("run/report.md")),
                    "verify's report.json", Files.readString(dir.resolve("verify/report.json")),
                    "the tests' log of Flink and Kafka", Files.readString(Path.of("target/harness-tests.log")));
            written.forEach((what, text) -> assertFalse(text.contains(USER.password()), "the password is in " + what));
        }
    }
}
