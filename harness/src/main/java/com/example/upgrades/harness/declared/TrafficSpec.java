package com.example.upgrades.harness.declared;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a plan's traffic is made, per input topic: generated from per-field rules (in their order,
 * seeded: the same plan writes the same records every run), or replayed from a recorded sample
 * (JSON lines, or an Avro container file), paced like live traffic.
 *
 * <p>Field rules: {@code {sequence: first}} unique increasing numbers; {@code {key: {prefix, skew}}}
 * one of the plan's keys, more often the first ones the higher the skew (0 to 1); {@code {choice:
 * [a, b]}}; {@code {number: {min, max}}}; {@code {constant: v}}; {@code {time: {start, step_ms,
 * pause_every, pause_ms, late_share, late_by_ms}}} event time that steps with each record, pauses
 * (a silence in event time) every so many records, and is written late (behind by late_by_ms, 60 s by
 * default) for a share of them.
 */
record TrafficSpec(Map<String, InputTraffic> inputs) {

    /**
     * @param fields the rule of each field, in order (null for a replay)
     * @param replay the recorded sample (null for generated records)
     */
    record InputTraffic(LinkedHashMap<String, JsonNode> fields, Path replay) {}

    InputTraffic of(String topic) {
        return inputs.get(topic);
    }
}
