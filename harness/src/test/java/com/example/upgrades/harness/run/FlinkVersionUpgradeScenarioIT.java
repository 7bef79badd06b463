package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;

import com.example.upgrades.harness.inspect.SavepointInspector;
import com.example.upgrades.harness.inspect.UpgradeCheck;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.repair.CheckpointId;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenario flink-version-upgrade: Flink itself upgraded through a savepoint. v1, built against
 * Flink 2.1 and the Kafka connector for 2.1, runs on a Flink 2.1 cluster in a JVM of its own; it is
 * stopped with a savepoint under live traffic, and v1 built against this Flink restores it on the
 * environment's cluster. Nothing is lost or duplicated, every count continues, and windows opened
 * on 2.1 fire on the new release.
 *
 * <p>Scenario flink-1-to-2: the same from the last 1.x release, 1.20, with the Kafka connector 3.x,
 * to 2.x and the connector 5.x. Flink promises nothing across a major version; this is the test.
 */
class FlinkVersionUpgradeScenarioIT {

    @ParameterizedTest(name = "{0}: from Flink {1}")
    @CsvSource({"flink-version-upgrade, 2.1", "flink-1-to-2, 1.20"})
    void aSavepointOfTheOldReleaseRestoresOnTheNewOneWithEveryKindOfState(String scenario, String release, @TempDir Path work)
            throws Exception {
        UpgradeRunner.Result result = ScenarioRuns.run(scenario, work);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        assertEquals(List.of("v1", "v1"), result.report().deployments().stream().map(Report.DeploymentFigures::version).toList());
        Report report = result.report();
        assertTrue(report.rollbacks().isEmpty(), report.rollbacks().toString());
        // Each cluster says which Flink it is: the old job really ran on the previous release.
        List<String> versions = report.deployments().stream().map(Report.DeploymentFigures::flinkVersion).toList();
        assertTrue(versions.get(0).startsWith(release + "."), versions.toString());
        assertEquals(EnvironmentInformation.getVersion(), versions.get(1), versions.toString());
        report.deployments().forEach(d -> assertTrue(d.answerRecords() > 0,
                "both releases produced output, so the hop happened under live traffic: " + report.deployments()));
        assertEquals(report.events().produced(),
                report.deployments().stream().mapToLong(Report.DeploymentFigures::answerRecords).sum(),
                "every user-stats record is credited to exactly one of the two jobs");
        assertTrue(report.windowsSpanningUpgrades() > 0, "windows opened on Flink " + release + " fired on the new release");
        UpgradeScenarioIT.assertHopFiguresHold(report.hops().get(0));
        // harness check, with this release's classes, reads the old release's savepoint.
        assertEquals("COMPATIBLE", report.preflights().get(0).verdict(), report.preflights().toString());
        // harness inspect reads it too: the reduce's keyed state under the id its uid hashes to
        // (a 1.x savepoint names no uid), with the job's classes for the state's types.
        String path = report.preflights().get(0).savepointPath();
        Path savepoint = path.startsWith("file:") ? Path.of(java.net.URI.create(path)) : Path.of(path);
        try (java.net.URLClassLoader jobClasses = new java.net.URLClassLoader(new java.net.URL[] {
                ProjectLayout.jar(ProjectLayout.findProjectRoot(), "v1").toUri().toURL()}, getClass().getClassLoader())) {
            SavepointInspector.Summary inspected = SavepointInspector.inspect(savepoint, jobClasses);
            String reduce = org.apache.flink.state.api.OperatorIdentifier.forUid("user-stats-reduce").getOperatorId().toHexString();
            assertTrue(inspected.operators().stream().anyMatch(o -> o.operatorId().equals(reduce)
                    && o.keyedStates().contains("_op_state (VALUE)")), SavepointInspector.describe(inspected));
        }

        // The old jar is the 2.1 build: its build wrote down what it was built against.
        Properties built = buildOf(ProjectLayout.otherFlinkJar(ProjectLayout.findProjectRoot(), "v1", release));
        assertEquals(versions.get(0), built.getProperty("flink.version"), built.toString());
        assertTrue(built.getProperty("flink-connector-kafka.version").endsWith("-" + release),
                built.toString());
    }

    @Test
    void theNewConnectorCommitsTheTransactionsThatTheFlink1JobPreCommittedInItsSavepoint(@TempDir Path work) throws Exception {
        UpgradeRunner.Result result = ScenarioRuns.run("flink-1-to-2-commit-on-restore", work);

        assertEquals(Outcome.PASS, result.outcome(), result.report().markdown());
        Report report = result.report();
        assertTrue(report.deployments().get(0).flinkVersion().startsWith(ProjectLayout.FLINK_1 + "."), report.deployments().toString());
        Report.Hop hop = report.hops().get(0);
        HopEvent committed = hop.events().stream().filter(e -> e.kind() == HopEvent.Kind.COMMITTED_ON_RESTORE).findFirst()
                .orElseThrow(() -> new AssertionError("no commit on restore in " + hop.events()));
        long before = committed.number("visible_before");
        long after = committed.number("committed_on_restore");
        assertTrue(after > 0, "records of the 1.20 job, in transactions of the connector 3.x, committed by the 5.x one: " + committed);
        long ofTheFlink1Job = report.deployments().get(0).answerRecords();
        assertEquals(ofTheFlink1Job, before + after,
                "the 1.20 job's records as the verifier counted them: those seen before the 2.2 job started, and those it committed");
    }

    @Test
    void stateThatFlink1SerializedWithKryoIsRefusedOnFlink2AndTheCheckSaysSoFirst(@TempDir Path work) {
        UpgradeRunner.Result result = ScenarioRuns.run(ScenarioRuns.named("flink-1-to-2-kryo-state", work), work, true);

        Report report = result.report();
        assertEquals(1, report.rollbacks().size(), report.markdown());
        String cause = report.rollbacks().get(0).cause();
        System.out.println("[test] the harness says:\n" + cause);
        assertTrue(cause.contains("v1 at parallelism 4 could not be restored"), cause);
        List<String> versions = report.deployments().stream().map(Report.DeploymentFigures::flinkVersion).toList();
        assertTrue(versions.size() == 2 && versions.stream().allMatch(v -> v.startsWith(ProjectLayout.FLINK_1 + ".")),
                "rolled back to the 1.20 cluster: " + versions);
        assertTrue(result.verdict().passed(), "rolled back, nothing lost or duplicated: " + result.verdict().describe());
        assertEquals(Outcome.PASS, result.outcome(), "the plan expects the refusal: " + report.markdown());
        // harness check, with 2.2's classes, read the 1.20 savepoint and predicted it.
        Report.Preflight check = report.preflights().get(0);
        assertEquals("INCOMPATIBLE", check.verdict(), report.preflights().toString());
        assertEquals(List.of("STATE_UNREADABLE user-stats-reduce"), check.findings(), "the reduce's Kryo state, by the name the new job gives it");
        // What check says of it, run by hand on the same savepoint: what it is, and the way out.
        UpgradeCheck.Result byHand = UpgradeCheck.check(ProjectLayout.jar(ProjectLayout.findProjectRoot(), "v1"),
                check.savepointPath().startsWith("file:") ? Path.of(java.net.URI.create(check.savepointPath()))
                        : Path.of(check.savepointPath()), 4, List.of());
        System.out.println(UpgradeCheck.describe(byHand));
        UpgradeCheck.Finding unreadable = byHand.findings().stream().filter(f -> f.kind() == UpgradeCheck.Kind.STATE_UNREADABLE)
                .findFirst().orElseThrow();
        assertTrue(unreadable.detail().contains("serialized with Kryo") && unreadable.detail().contains("while still on 1.x"),
                unreadable.detail());
    }

    @Test
    void kryoStateMigratedOnFlink1FirstThenEveryCountCarriesOverTo2(@TempDir Path work) throws Exception {
        UpgradeRunner.Result result = ScenarioRuns.run("flink-1-to-2-kryo-migrated", work);

        Report report = result.report();
        assertEquals(Outcome.PASS, result.outcome(), report.markdown());
        assertTrue(report.rollbacks().isEmpty(), report.rollbacks().toString());
        List<String> versions = report.deployments().stream().map(Report.DeploymentFigures::flinkVersion).toList();
        assertEquals(3, versions.size(), versions.toString());
        assertTrue(versions.get(0).startsWith(ProjectLayout.FLINK_1 + ".") && versions.get(1).startsWith(ProjectLayout.FLINK_1 + "."),
                versions.toString());
        assertEquals(EnvironmentInformation.getVersion(), versions.get(2), versions.toString());
        assertTrue(report.hops().get(0).events().stream().anyMatch(e -> e.kind() == HopEvent.Kind.SAVEPOINT_REPAIRED),
                report.hops().get(0).events().toString());
        // 1.20's State Processor API wrote the copy as checkpoint 0; the harness gave it the savepoint's id,
        // under which the copied sink committers hold their transactions (else: a restart, FLINK-25920's message).
        Path savepoint = Path.of(java.net.URI.create(report.hops().get(0).savepointPath()));
        long id = CheckpointId.of(savepoint);
        assertTrue(id > 0, "the savepoint's checkpoint id: " + id);
        assertEquals(id, CheckpointId.of(Path.of(savepoint + "-repaired")), "the copy's checkpoint id");
        report.deployments().forEach(d -> assertTrue(d.answerRecords() > 0, "each of the three answered: " + report.deployments()));
        // The hop on 1.20 is not checked (check runs this Flink's classes); the one to this Flink is.
        assertEquals(List.of("NOT_CHECKED", "COMPATIBLE"), report.preflights().stream().map(Report.Preflight::verdict).toList(),
                report.preflights().toString());
    }

    /** What a job jar of harness/flink-<release> was built against: META-INF/flink-build.properties. */
    private static Properties buildOf(Path jar) throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            Properties p = new Properties();
            p.load(file.getInputStream(file.getEntry("META-INF/flink-build.properties")));
            return p;
        }
    }
}
