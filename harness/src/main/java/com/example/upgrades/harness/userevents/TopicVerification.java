package com.example.upgrades.harness.userevents;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.example.upgrades.harness.run.Report;
import com.example.upgrades.harness.run.UpgradeRunner;
import com.example.upgrades.harness.verify.Records;
import com.example.upgrades.harness.verify.Verdict;
import com.example.upgrades.harness.verify.Verifier;

/**
 * The verification of a run without the run: the topics read as they are (read_committed, up to
 * their end offsets) after an upgrade that anyone performed, by hand with {@code flink} or with the
 * Kubernetes operator. Each output record is credited to the job that wrote it by its
 * writer-job-id header, and the deployments are listed in the order their first record appears;
 * their version is the job_version their records carry.
 */
public final class TopicVerification {

    private TopicVerification() {}

    public static UpgradeRunner.Result verify(String bootstrapServers, Duration windowSize, String environment,
            Path reportDir) throws IOException {
        long started = System.currentTimeMillis();
        Records.Topics topics = UserEventsPipeline.readAll(bootstrapServers);
        Verdict verdict = new Verifier(windowSize.toMillis()).verify(topics);

        Map<String, Report.DeploymentFigures> deployments = new LinkedHashMap<>();
        Map<String, Long> perVersion = new TreeMap<>();
        topics.stats().stream()
                .sorted(Comparator.comparingLong(Records.Stats::offset))
                .forEach(s -> {
                    perVersion.merge(s.jobVersion(), 1L, Long::sum);
                    deployments.merge(String.valueOf(s.writerJobId()),
                            new Report.DeploymentFigures(s.jobVersion(), -1, String.valueOf(s.writerJobId()), 1),
                            (a, b) -> new Report.DeploymentFigures(a.version(), -1, a.jobId(), a.userStatsRecords() + 1));
                });
        long good = topics.inputs().stream().filter(i -> i.event() != null && i.intendedBad() == null).count();
        long bad = topics.inputs().stream().filter(i -> i.intendedBad() != null).count();
        Map<String, Long> perWriterSchema = new TreeMap<>();
        topics.inputs().stream().filter(i -> i.event() != null && i.intendedBad() == null)
                .forEach(i -> perWriterSchema.merge(i.event().writerVersion(), 1L, Long::sum));

        Report report = new Report("verify", environment, verdict.passed() ? "PASS" : "FAIL", verdict.counts(),
                Report.examplesOf(verdict), List.of(), new Report.Events(good, bad, perVersion, perWriterSchema),
                new ArrayList<>(deployments.values()), List.of(), List.of(), List.of(), -1, List.of(),
                System.currentTimeMillis() - started, System.currentTimeMillis() - started);
        return new UpgradeRunner.Result(verdict, report, report.write(reportDir));
    }
}
