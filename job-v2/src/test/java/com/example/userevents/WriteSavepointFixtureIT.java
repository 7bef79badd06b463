package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import com.example.upgrades.kafka.EmbeddedKafka;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes this version's savepoint fixture ({@link SavepointFixture}), on demand only: a fixture stands for
 * a savepoint already deployed, so it is regenerated deliberately, never by a build. From the
 * project's folder:
 *
 * <pre>
 * ./mvnw -pl job-vN -am verify -Dsavepoint-fixture.write=true -Dit.test=WriteSavepointFixtureIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "savepoint-fixture.write", matches = "true")
class WriteSavepointFixtureIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void writesThisVersionsFixture(@TempDir Path savepoints) throws Exception {
        String version = UserEventsJob.JOB_VERSION;
        Path fixture = SavepointFixture.home(version);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = JobConfig.fromArgs(new String[] {
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--checkpoint-interval", "500 ms",
                "--window-size", "10 s",
            });
            kafka.createTopic(config.inputTopic(), SavepointFixture.INPUT_PARTITIONS);
            kafka.createTopic(config.statsTopic(), 1);
            kafka.createTopic(config.windowsTopic(), 1);
            kafka.createTopic(config.deadLetterTopic(), 1);
            kafka.createTopic(config.controlTopic(), 1);
            kafka.produce(SavepointFixture.input(config.inputTopic(), version));

            StreamExecutionEnvironment env = UserEventsJob.createEnvironment(config);
            env.setParallelism(2);
            UserEventsJob.build(env, config, UserEventsJob.kafkaSource(config), UserEventsJob.kafkaSinks(config));
            JobClient job = env.executeAsync("writes the " + version + " savepoint fixture");
            SavepointFixture.awaitCommitted(kafka, config.statsTopic(), SavepointFixture.EVENTS);
            // Every window up to 50 s fired (the watermark is at 58 s): [50 s, 60 s) and [60 s, 70 s) stay open.
            SavepointFixture.awaitCommitted(kafka, config.windowsTopic(), 5 * SavepointFixture.USERS);
            String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
            assertEquals(5 * SavepointFixture.USERS, kafka.readCommitted(config.windowsTopic()).size());

            try (Stream<Path> old = Files.exists(fixture) ? Files.list(fixture) : Stream.empty()) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            Files.createDirectories(fixture);
            try (Stream<Path> files = Files.list(Path.of(URI.create(savepoint)))) {
                for (Path file : files.toList()) {
                    Files.copy(file, fixture.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.write(fixture.resolve("WRITTEN-BY"), List.of("job " + UserEventsJob.JOB_VERSION + ", Flink "
                    + EnvironmentInformation.getVersion() + ", heap state backend, CANONICAL savepoint, parallelism 2"));
        }
        assertEquals(SavepointFixture.expectedState(version), SavepointFixture.readState(fixture));
    }
}
