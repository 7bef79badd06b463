package com.example.upgrades.harness.pipeline;

import java.util.Map;

import com.example.upgrades.harness.pipeline.Verdict;

/**
 * What a pipeline's verifier concluded, and the counts the report shows next to it.
 *
 * @param perVersion output records per code version that wrote them (their own version field)
 * @param recordsPerWriterJob output records per Flink job that wrote them
 * @param windowsSpanningUpgrades windows (or any state) opened under one deployment and closed
 *     under another: the pipeline's evidence that state crossed the upgrades; -1 if it has none
 * @param couldNotVerify why no verification could be made (a topic missing, a transaction still
 *     open); null when it was made
 */
public record Verification(Verdict verdict, Map<String, Long> perVersion, Map<String, Long> recordsPerWriterJob,
        long windowsSpanningUpgrades, String couldNotVerify) {

    public Verification(Verdict verdict, Map<String, Long> perVersion, Map<String, Long> recordsPerWriterJob,
            long windowsSpanningUpgrades) {
        this(verdict, perVersion, recordsPerWriterJob, windowsSpanningUpgrades, null);
    }

    /** No verification could be made, for this reason. */
    public static Verification couldNotVerify(String reason) {
        return new Verification(Verdict.none(), Map.of(), Map.of(), -1, reason);
    }
}
