package com.example.upgrades.harness.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.pipeline.Verdict;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a scenario run measured and concluded; written as report.json (the contract of docs/DESIGN.md,
 * machine-readable) and report.md (for people).
 */
public record Report(
        String scenario,
        String environment,
        String verdict,
        List<String> because,
        Map<String, Long> violations,
        Map<String, List<String>> examples,
        Map<String, Long> checked,
        List<String> problems,
        Events events,
        List<DeploymentFigures> deployments,
        List<Hop> hops,
        List<Rollback> rollbacks,
        List<Preflight> preflights,
        long windowsSpanningUpgrades,
        List<Timeline.Second> timeline,
        long verifyMs,
        long wallMs) {

    public record Events(long produced, long badRecords, Map<String, Long> perVersion, Map<String, Long> perWriterSchema) {}

    /**
     * One job as deployed, and the answer records (the output probe's topic) it wrote: counted in the topic by the
     * writer-job-id header each record carries, so every record is credited to the job that
     * committed it, whenever the tail happened to read it.
     */
    /**
     * One deployment and the output records its job wrote.
     *
     * @param flinkVersion the Flink version of the cluster that ran it, as that cluster reports it
     *     (GET /config); null where it was not asked (a verify from the topics alone)
     */
    public record DeploymentFigures(String version, int parallelism, String jobId, long answerRecords,
            String flinkVersion) {}

    /**
     * One upgrade step and what it cost, from a downstream read_committed consumer's point of view.
     *
     * @param stopMs stop-with-savepoint requested -> old job FINISHED
     * @param restoreMs new job's run requested -> its last task RUNNING (= the sum of the first three
     *     restore parts)
     * @param outputGapMs last answer record of the old job visible (before the new job was
     *     started) -> first one written by the new job visible: how long a consumer saw no new
     *     output. Always at least the restore, since the new job commits nothing of its own before
     *     its tasks run and a checkpoint completes. Records of the old job that the new one commits
     *     on restore (commit-after-savepoint) arrive late: their wait is in the latency.
     * @param longestQuietBeforeMs the same measure as {@code longestQuietMs} over the 10 s up to the
     *     hop's start: what a consumer waits anyway between two commits, the floor a hop is held to
     * @param catchUpMs stop requested -> the output's latency is back at its level before the hop
     *     (see {@link Timeline#caughtUpAt}); -1 if it never was before the next hop or the end
     * @param events what happened besides the runbook: faults inflicted, stops retried, repairs
     */
    public record Hop(
            String from,
            String to,
            int fromParallelism,
            int toParallelism,
            String fromJobId,
            String toJobId,
            String savepointPath,
            long savepointBytes,
            long stopMs,
            long restoreMs,
            RestoreParts restoreParts,
            String strategy,
            long outputGapMs,
            long longestQuietMs,
            long longestQuietBeforeMs,
            long catchUpMs,
            HopTraffic traffic,
            HopLatency latency,
            HopMoments at,
            List<HopEvent> events) {}

    /**
     * The restore, part by part (Flink's own task timestamps).
     *
     * @param jarRunMs POST /jars/:id/run until it answered: the job's main ran, the graph was built
     *     from the jar and submitted; in a prepared hop, the submission of the graph built before the stop
     * @param schedulingMs until the last task was deployed and INITIALIZING (slots allocated)
     * @param stateRestoreMs until the last task was RUNNING: its state read from the savepoint
     * @param firstCheckpointMs from then until the job's first checkpoint completed: the first moment
     *     its output can be committed
     */
    public record RestoreParts(long jarRunMs, long schedulingMs, long stateRestoreMs, long firstCheckpointMs) {}

    /**
     * The traffic around a hop, in good events.
     *
     * @param producedDuringHop written from the stop request until the new job ran
     * @param producedWhileNoJobRan written from the old job's end until the new job ran
     * @param backlogAtRestore written but not yet answered by committed output when the new job ran:
     *     what it had to catch up on. A hop with no backlog happened without traffic.
     */
    public record HopTraffic(long producedDuringHop, long producedWhileNoJobRan, long backlogAtRestore) {}

    /**
     * End-to-end latency (event acknowledged by Kafka -> its answer record visible) before the
     * hop (up to 10 s before the stop), during it (stop -> caught up) and after it (10 s from then).
     */
    public record HopLatency(Timeline.Percentiles before, Timeline.Percentiles during, Timeline.Percentiles after) {}

    /** The moments of a hop, epoch ms (-1 where not reached), from which the figures are taken. */
    public record HopMoments(long stopRequested, long oldFinished, long runRequested, long newRunning,
            long firstCheckpoint, long lastOutputOfOld, long firstOutputOfNew, long caughtUp) {}

    /** An upgrade that did not take: the previous version was restored from the same savepoint. */
    public record Rollback(String from, String to, String savepointPath, String cause) {}

    /**
     * What {@code harness check} says about a hop's new jar and savepoint: run after the run's last
     * stop (so it never lengthens a hop), to set the prediction next to what Flink did.
     *
     * @param verdict COMPATIBLE, INCOMPATIBLE, COULD_NOT_CHECK (the check itself failed: why, in
     *     findings) or NOT_CHECKED (the savepoint is not on this machine)
     * @param findings the incompatible findings, as "KIND operator"; or why it could not check
     */
    public record Preflight(String from, String to, int toParallelism, String savepointPath, String verdict,
            List<String> findings) {}

    /**
     * True only for the outcome PASS: every planned step happened, every check had something to
     * check, the verifier found nothing and the run had no problem of its own. A rollback is not a
     * pass (unless the plan expected it), nor is a verification of nothing.
     */
    public boolean passed() {
        return outcome() == Outcome.PASS;
    }

    /** The verdict as an outcome, with its exit status. */
    public Outcome outcome() {
        return Outcome.valueOf(verdict);
    }

    public static Map<String, List<String>> examplesOf(Verdict verdict) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String kind : verdict.counts().keySet()) {
            if (!verdict.examples(kind).isEmpty()) {
                out.put(kind, verdict.examples(kind));
            }
        }
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The JSON of every harness output (report.json, inspect --json, check --json): snake_case, indented. */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Writes report.json and report.md into {@code dir}; returns the JSON file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve("report.json");
        JSON.writeValue(json.toFile(), this);
        Files.writeString(dir.resolve("report.md"), markdown());
        if (!timeline.isEmpty()) {
            Files.writeString(dir.resolve(TIMELINE_SVG), TimelineChart.svg(timeline, hops));
        }
        return json;
    }

    /** The chart next to report.md: committed output per second and latency, hops marked. */
    public static final String TIMELINE_SVG = "timeline.svg";

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Upgrade report: ").append(scenario).append("\n\n");
        md.append("**Verdict: ").append(verdict).append("** (exit status ").append(outcome().exitStatus())
                .append("; environment: ").append(environment)
                .append(", wall time ").append(wallMs / 1000.0).append(" s, of which verification ")
                .append(verifyMs / 1000.0).append(" s)\n\n");
        because.forEach(b -> md.append("- because ").append(b).append('\n'));
        if (!because.isEmpty()) {
            md.append('\n');
        }
        if (!problems.isEmpty()) {
            md.append("**Problems of the run itself** (the verdict is FAIL for them):\n\n");
            problems.forEach(p -> md.append("- ").append(p).append('\n'));
            md.append('\n');
        }
        if (!timeline.isEmpty()) {
            md.append("![Committed answer records per second and their end-to-end latency; hops marked](")
                    .append(TIMELINE_SVG).append(")\n\n");
        }
        md.append("Events produced: ").append(events.produced()).append(" good, ").append(events.badRecords())
                .append(" deliberately bad. Answer records per job version: ").append(events.perVersion())
                .append(". Events per writer schema: ").append(events.perWriterSchema()).append(".\n\n");
        if (!checked.isEmpty()) {
            md.append("Checked: ").append(String.join(", ", checked.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList())).append(".\n\n");
        }
        md.append("Windows spanning an upgrade (opened under one job, fired under the next): ")
                .append(windowsSpanningUpgrades).append("\n\n");
        md.append("## Violations\n\n| class | count | examples |\n| --- | ---: | --- |\n");
        violations.forEach((v, n) -> md.append("| ").append(v).append(" | ").append(n).append(" | ")
                .append(String.join("<br>", examples.getOrDefault(v, List.of()))).append(" |\n"));
        md.append("\n## Deployments\n\n| # | version | parallelism | Flink | job id | answer records |\n"
                + "| ---: | --- | ---: | --- | --- | ---: |\n");
        for (int i = 0; i < deployments.size(); i++) {
            DeploymentFigures d = deployments.get(i);
            md.append("| ").append(i + 1).append(" | ").append(d.version()).append(" | ").append(d.parallelism())
                    .append(" | ").append(d.flinkVersion() != null ? d.flinkVersion() : "-")
                    .append(" | ").append(d.jobId()).append(" | ").append(d.answerRecords()).append(" |\n");
        }
        for (Rollback r : rollbacks) {
            md.append("\n## Rolled back: ").append(r.to()).append(" -> ").append(r.from()).append("\n\n")
                    .append(r.to()).append(" did not take; ").append(r.from()).append(" was restored from `")
                    .append(r.savepointPath()).append("`.\n\n```\n").append(r.cause()).append("\n```\n");
        }
        for (Preflight p : preflights) {
            md.append("\n## harness check: ").append(p.from()).append(" -> ").append(p.to()).append(" (p=")
                    .append(p.toParallelism()).append("): ").append(p.verdict()).append("\n\n");
            p.findings().forEach(f -> md.append("- ").append(f).append('\n'));
        }
        for (Hop h : hops) {
            md.append("\n## Hop ").append(h.from()).append(" (p=").append(h.fromParallelism()).append(") -> ")
                    .append(h.to()).append(" (p=").append(h.toParallelism()).append("), ").append(h.strategy()).append("\n\n");
            md.append("Seen by a downstream read_committed consumer. Visibility times are late by at most the ")
                    .append("tail's fetch wait (").append(OutputTail.FETCH_MAX_WAIT_MS).append(" ms).\n\n");
            h.events().forEach(e -> md.append("- ").append(e.text()).append('\n'));
            if (!h.events().isEmpty()) {
                md.append('\n');
            }
            md.append("| figure | value | from -> to |\n| --- | ---: | --- |\n");
            row(md, "stop with savepoint", ms(h.stopMs()), "stop requested -> old job FINISHED");
            row(md, "savepoint size", h.savepointBytes() + " bytes", "`" + h.savepointPath() + "`");
            row(md, "restore", ms(h.restoreMs()), "run requested -> last task RUNNING");
            row(md, "&nbsp;&nbsp;jar run", ms(h.restoreParts().jarRunMs()), "main() ran, graph built from the jar, submitted "
                    + "(a prepared hop: the graph built before the stop, submitted)");
            row(md, "&nbsp;&nbsp;scheduling", ms(h.restoreParts().schedulingMs()), "-> last task deployed (INITIALIZING)");
            row(md, "&nbsp;&nbsp;state restore", ms(h.restoreParts().stateRestoreMs()), "-> last task RUNNING");
            row(md, "first checkpoint", ms(h.restoreParts().firstCheckpointMs()), "-> first checkpoint completed (first commit possible)");
            boolean blueGreen = !h.strategy().equals("stop-and-restore");
            row(md, "**output gap**", ms(h.outputGapMs()), blueGreen ? "the longest wait below (both versions ran; there is no "
                    + "last output of one and first of the other)" : "last output of the old job visible -> first output of the new job visible");
            row(md, "**longest wait**", ms(h.longestQuietMs()), "the longest a consumer saw no new output while an event waited "
                    + "for its answer, from the hop's start until the new version caught up");
            row(md, "longest wait before the hop", h.longestQuietBeforeMs() < 0 ? "n/a" : ms(h.longestQuietBeforeMs()),
                    "the same, over the 10 s up to the hop's start: what a consumer waits anyway between two commits");
            row(md, "**catch-up**", h.catchUpMs() < 0 ? "not reached" : ms(h.catchUpMs()),
                    "stop requested -> latency back at its level before the hop (a 1 s span's p99 <= the p99 before)");
            row(md, "events produced during the hop", String.valueOf(h.traffic().producedDuringHop()), "stop requested -> new job RUNNING");
            row(md, "events produced while no job ran", String.valueOf(h.traffic().producedWhileNoJobRan()), "old job FINISHED -> new job RUNNING");
            row(md, "backlog at restore", String.valueOf(h.traffic().backlogAtRestore()), "events without committed output when the new job ran");
            md.append("\n| end-to-end latency | records | p50 | p99 |\n| --- | ---: | ---: | ---: |\n");
            latencyRow(md, "before (10 s up to the stop)", h.latency().before());
            latencyRow(md, "during (stop -> caught up)", h.latency().during());
            latencyRow(md, "after (10 s from caught up)", h.latency().after());
        }
        return md.toString();
    }

    private static String ms(long ms) {
        return ms < 0 ? "n/a" : ms + " ms";
    }

    private static void row(StringBuilder md, String figure, String value, String span) {
        md.append("| ").append(figure).append(" | ").append(value).append(" | ").append(span).append(" |\n");
    }

    private static void latencyRow(StringBuilder md, String span, Timeline.Percentiles p) {
        md.append("| ").append(span).append(" | ").append(p.records()).append(" | ").append(ms(p.p50Ms()))
                .append(" | ").append(ms(p.p99Ms())).append(" |\n");
    }
}
