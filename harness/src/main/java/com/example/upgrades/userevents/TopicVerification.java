package com.example.upgrades.userevents;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.pipeline.RunJobs;
import com.example.upgrades.harness.run.Outcome;
import com.example.upgrades.harness.run.Report;
import com.example.upgrades.harness.run.UpgradeRunner;
import com.example.upgrades.userevents.verify.Records;
import com.example.upgrades.harness.pipeline.Verdict;
import com.example.upgrades.harness.pipeline.Verification;

/**
 * The verification of a run without the run: the topics read as they are (read_committed, up to
 * their end offsets) after an upgrade that anyone performed, by hand with {@code flink} or with the
 * Kubernetes operator. Each output record is credited to the job that wrote it by its
 * writer-job-id header, and the deployments are listed in the order their first record appears;
 * their version is the job_version their records carry.
 */
public final class TopicVerification {

    private TopicVerification() {}

    public static UpgradeRunner.Result verify(KafkaAccess kafka, Duration windowSize, String environment,
            Path reportDir) throws IOException {
        long started = System.currentTimeMillis();
        Records.Topics topics = UserEventsPipeline.readAll(kafka);
        Verification verification = UserEventsPipeline.verification(topics, windowSize, RunJobs.unknown());
        Verdict verdict = verification.verdict();

        // The deployments, by the writer-job-id of their records, in the order their records begin.
        Map<String, Report.DeploymentFigures> deployments = new LinkedHashMap<>();
        topics.stats().stream()
                .sorted(Comparator.comparingLong(Records.Stats::offset))
                .forEach(s -> deployments.computeIfAbsent(String.valueOf(s.writerJobId()), job -> new Report.DeploymentFigures(
                        s.jobVersion(), -1, job, verification.recordsPerWriterJob().get(job), null)));
        long bad = topics.inputs().stream().filter(i -> i.intendedBad() != null).count();
        Map<String, Long> perWriterSchema = new TreeMap<>();
        topics.inputs().stream().filter(i -> i.event() != null && i.intendedBad() == null)
                .forEach(i -> perWriterSchema.merge(i.event().writerVersion(), 1L, Long::sum));
        long good = perWriterSchema.values().stream().mapToLong(n -> n).sum();

        Outcome outcome = !verdict.clean() ? Outcome.FAIL : verdict.passed() ? Outcome.PASS : Outcome.COULD_NOT_VERIFY;
        List<String> because = outcome == Outcome.COULD_NOT_VERIFY
                ? List.of("nothing was found wrong, but these had nothing to check: " + verdict.nothingChecked()
                        + "; a verification of nothing proves nothing")
                : List.of();
        Report report = new Report("verify", environment, outcome.name(), because, verdict.counts(),
                Report.examplesOf(verdict), verdict.checked(), List.of(), new Report.Events(good, bad, verification.perVersion(), perWriterSchema),
                new ArrayList<>(deployments.values()), List.of(), List.of(), List.of(), -1, List.of(),
                System.currentTimeMillis() - started, System.currentTimeMillis() - started);
        return new UpgradeRunner.Result(verdict, report, report.write(reportDir));
    }
}
