package com.example.upgrades.harness.declared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import com.example.upgrades.harness.pipeline.Verdict;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * How an upgraded run's output differs from the reference run's, per output topic and key: from
 * the first record that differs, both sides. A hop that keeps the logic leaves none; a hop that
 * changes it leaves the same ones on every run (its cut is made at a fixed input position), which
 * {@code --approve} writes to the plan's golden file and every later run must match exactly.
 */
final class Differences {

    /**
     * One key's difference: both sides from record number {@code from} (0 = the first) on, as
     * records (the golden file shows them as JSON, to be read by whoever approves them).
     */
    record KeyDifference(String topic, String key, int from, List<JsonNode> reference, List<JsonNode> upgraded) {}

    private final List<KeyDifference> found;
    private final long keysCompared;
    private final Path golden;
    private final boolean approving;

    private Differences(List<KeyDifference> found, long keysCompared, Path golden, boolean approving) {
        this.found = found;
        this.keysCompared = keysCompared;
        this.golden = golden;
        this.approving = approving;
    }

    static Differences between(Map<String, Map<String, List<String>>> reference, Map<String, Map<String, List<String>>> upgraded,
            Path golden, boolean approving) {
        List<KeyDifference> found = new ArrayList<>();
        long compared = 0;
        for (String topic : new TreeSet<>(reference.keySet())) {
            Map<String, List<String>> ref = reference.get(topic);
            Map<String, List<String>> up = upgraded.getOrDefault(topic, Map.of());
            TreeSet<String> keys = new TreeSet<>(ref.keySet());
            keys.addAll(up.keySet());
            for (String key : keys) {
                compared++;
                List<String> r = ref.getOrDefault(key, List.of());
                List<String> u = up.getOrDefault(key, List.of());
                int i = 0;
                while (i < r.size() && i < u.size() && r.get(i).equals(u.get(i))) {
                    i++;
                }
                if (i < r.size() || i < u.size()) {
                    found.add(new KeyDifference(topic, key, i, trees(r.subList(i, r.size())), trees(u.subList(i, u.size()))));
                }
            }
        }
        return new Differences(found, compared, golden, approving);
    }

    private static List<JsonNode> trees(List<String> records) {
        List<JsonNode> out = new ArrayList<>();
        for (String r : records) {
            try {
                out.add(RecordCodec.JSON.readTree(r));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    List<KeyDifference> found() {
        return found;
    }

    /** Into the verdict: nothing if every difference is approved; the keys that differ otherwise. */
    void report(Verdict verdict) {
        verdict.checked("keys compared with the reference", keysCompared);
        verdict.require("keys compared with the reference");
        verdict.checked("keys that differ from the reference", found.size());
        if (approving) {
            write();
            verdict.checked("differences approved into " + golden.getFileName(), found.size());
            return;
        }
        Optional<List<KeyDifference>> approved = approved();
        if (approved.isEmpty()) {
            for (KeyDifference d : found) {
                verdict.add(DeclaredVerifier.Violation.REFERENCE_MISMATCH, d.topic() + " of key " + d.key()
                        + " differs from the reference run from its record #" + (d.from() + 1) + ": reference "
                        + first(d.reference()) + ", this run " + first(d.upgraded()) + (golden == null ? ""
                        : " (a change of logic? review it, then approve it with --approve: " + golden.getFileName() + ")"));
            }
            return;
        }
        Map<String, KeyDifference> want = index(approved.get());
        Map<String, KeyDifference> got = index(found);
        for (Map.Entry<String, KeyDifference> g : got.entrySet()) {
            if (!g.getValue().equals(want.get(g.getKey()))) {
                verdict.add(DeclaredVerifier.Violation.UNAPPROVED_DIFFERENCE, g.getKey() + " differs from the reference "
                        + (want.containsKey(g.getKey()) ? "otherwise than approved" : "and no difference was approved for it")
                        + ", from its record #" + (g.getValue().from() + 1) + ": this run " + first(g.getValue().upgraded()));
            }
        }
        for (String key : want.keySet()) {
            if (!got.containsKey(key)) {
                verdict.add(DeclaredVerifier.Violation.UNAPPROVED_DIFFERENCE, key + ": the approved difference from the "
                        + "reference did not happen (the output is the reference's)");
            }
        }
    }

    private static Map<String, KeyDifference> index(List<KeyDifference> differences) {
        Map<String, KeyDifference> out = new LinkedHashMap<>();
        differences.forEach(d -> out.put(d.topic() + " of key " + d.key(), d));
        return out;
    }

    private static String first(List<JsonNode> records) {
        return records.isEmpty() ? "(no more records)" : records.get(0) + (records.size() > 1 ? " and " + (records.size() - 1)
                + " more" : "");
    }

    private Optional<List<KeyDifference>> approved() {
        if (golden == null || !Files.isRegularFile(golden)) {
            return Optional.empty();
        }
        try {
            return Optional.of(RecordCodec.JSON.readValue(golden.toFile(), new TypeReference<List<KeyDifference>>() {}));
        } catch (IOException e) {
            throw new IllegalArgumentException("The golden file " + golden + " cannot be read: " + e.getMessage()
                    + ". Approve the differences again (--approve) or remove it.", e);
        }
    }

    private void write() {
        try {
            Files.writeString(golden, RecordCodec.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(found) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the golden file " + golden, e);
        }
    }
}
