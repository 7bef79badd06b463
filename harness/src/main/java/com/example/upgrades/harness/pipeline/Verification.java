package com.example.upgrades.harness.pipeline;

import java.util.Map;

import com.example.upgrades.harness.verify.Verdict;

/**
 * What a pipeline's verifier concluded, and the counts the report shows next to it.
 *
 * @param perVersion output records per code version that wrote them (their own version field)
 * @param recordsPerWriterJob output records per Flink job that wrote them
 * @param windowsSpanningUpgrades windows (or any state) opened under one deployment and closed
 *     under another: the pipeline's evidence that state crossed the upgrades; -1 if it has none
 */
public record Verification(Verdict verdict, Map<String, Long> perVersion, Map<String, Long> recordsPerWriterJob,
        long windowsSpanningUpgrades) {}
