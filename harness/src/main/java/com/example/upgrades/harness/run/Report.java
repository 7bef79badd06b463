package com.example.upgrades.harness.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.verify.Verdict;
import com.example.upgrades.harness.verify.Violation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a scenario run measured and concluded; written as report.json (the contract of DESIGN.md,
 * machine-readable) and report.md (for people).
 */
public record Report(
        String scenario,
        String environment,
        String verdict,
        Map<Violation, Long> violations,
        Map<Violation, List<String>> examples,
        Events events,
        List<DeploymentFigures> deployments,
        List<Hop> hops,
        List<Rollback> rollbacks,
        List<Preflight> preflights,
        long windowsSpanningUpgrades,
        long wallMs) {

    public record Events(long produced, long badRecords, Map<String, Long> perVersion, Map<String, Long> perWriterSchema) {}

    /** One job as deployed: how many user-stats records it produced. */
    public record DeploymentFigures(String version, int parallelism, String jobId, long userStatsRecords) {}

    /** One upgrade step and what it cost. */
    public record Hop(
            String from,
            String to,
            int fromParallelism,
            int toParallelism,
            String savepointPath,
            long savepointBytes,
            long stopMs,
            long restoreMs,
            long outputGapMs) {}

    /** An upgrade that did not take: the previous version was restored from the same savepoint. */
    public record Rollback(String from, String to, String savepointPath, String cause) {}

    /**
     * What {@code harness check} says about a hop's new jar and savepoint: run after the run's last
     * stop (so it never lengthens a hop), to set the prediction next to what Flink did.
     *
     * @param verdict COMPATIBLE, INCOMPATIBLE, or COULD_NOT_CHECK
     * @param findings the incompatible findings, as "KIND operator"
     */
    public record Preflight(String from, String to, int toParallelism, String savepointPath, String verdict,
            List<String> findings) {}

    static Map<Violation, List<String>> examplesOf(Verdict verdict) {
        Map<Violation, List<String>> out = new java.util.EnumMap<>(Violation.class);
        for (Violation v : Violation.values()) {
            if (!verdict.examples(v).isEmpty()) {
                out.put(v, verdict.examples(v));
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
        return json;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Upgrade report: ").append(scenario).append("\n\n");
        md.append("**Verdict: ").append(verdict).append("** (environment: ").append(environment)
                .append(", wall time ").append(wallMs / 1000.0).append(" s)\n\n");
        md.append("Events produced: ").append(events.produced()).append(" good, ").append(events.badRecords())
                .append(" deliberately bad. User-stats records per job version: ").append(events.perVersion())
                .append(". Events per writer schema: ").append(events.perWriterSchema()).append(".\n\n");
        md.append("Windows spanning an upgrade (opened under one job, fired under the next): ")
                .append(windowsSpanningUpgrades).append("\n\n");
        md.append("## Violations\n\n| class | count | examples |\n| --- | ---: | --- |\n");
        violations.forEach((v, n) -> md.append("| ").append(v).append(" | ").append(n).append(" | ")
                .append(String.join("<br>", examples.getOrDefault(v, List.of()))).append(" |\n"));
        md.append("\n## Deployments\n\n| # | version | parallelism | job id | user-stats records |\n| ---: | --- | ---: | --- | ---: |\n");
        for (int i = 0; i < deployments.size(); i++) {
            DeploymentFigures d = deployments.get(i);
            md.append("| ").append(i + 1).append(" | ").append(d.version()).append(" | ").append(d.parallelism())
                    .append(" | ").append(d.jobId()).append(" | ").append(d.userStatsRecords()).append(" |\n");
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
                    .append(h.to()).append(" (p=").append(h.toParallelism()).append(")\n\n");
            md.append("| figure | value |\n| --- | ---: |\n");
            md.append("| stop with savepoint | ").append(h.stopMs()).append(" ms |\n");
            md.append("| savepoint size | ").append(h.savepointBytes()).append(" bytes |\n");
            md.append("| restore until all tasks RUNNING | ").append(h.restoreMs()).append(" ms |\n");
            md.append("| output gap (read_committed) | ").append(h.outputGapMs()).append(" ms |\n");
            md.append("| savepoint | `").append(h.savepointPath()).append("` |\n");
        }
        return md.toString();
    }
}
