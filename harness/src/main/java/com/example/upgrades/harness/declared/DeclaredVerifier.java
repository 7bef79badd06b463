package com.example.upgrades.harness.declared;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.example.upgrades.harness.pipeline.RunJobs;
import com.example.upgrades.harness.pipeline.Verdict;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The generic verification of a plan-described pipeline, each part enabled by what the plan
 * declares: every input answered exactly once by the output record that names it (LOST,
 * DUPLICATE, PHANTOM); a running count per key that equals what the key's inputs so far give
 * (STATE_LOST, DOUBLE_COUNTED); every malformed input with exactly one dead letter that carries it
 * (DLQ_MISMATCH); every output record written by a job of the run, with its version (VERSION_MISMATCH);
 * and, against a reference run, every output per key exactly the reference's modulo the volatile
 * fields (REFERENCE_MISMATCH), or different in exactly the way the plan's golden file approves
 * (UNAPPROVED_DIFFERENCE).
 */
final class DeclaredVerifier {

    /** The kinds of violation, in the order the report lists them. */
    enum Violation {
        LOST, DUPLICATE, PHANTOM, STATE_LOST, DOUBLE_COUNTED, DLQ_MISMATCH, VERSION_MISMATCH, REFERENCE_MISMATCH,
        UNAPPROVED_DIFFERENCE
    }

    /**
     * One good input: its id, key, place among its key's inputs, and the sum of the summed field
     * over its key's inputs up to it (null when no output sums one).
     */
    private record Good(long id, String key, long k, java.math.BigDecimal sum) {}

    private final PipelineSpec spec;
    private final Map<String, RecordCodec> codecs;

    DeclaredVerifier(PipelineSpec spec, Map<String, RecordCodec> codecs) {
        this.spec = spec;
        this.codecs = codecs;
    }

    /** The topics as read: the main input, and every output and the dead letters. */
    record Topics(List<ConsumerRecord<byte[], byte[]>> input, Map<String, List<ConsumerRecord<byte[], byte[]>>> outputs,
            List<ConsumerRecord<byte[], byte[]>> deadLetters) {}

    Verdict verify(Topics topics, RunJobs jobs, Differences differences) {
        Verdict verdict = Verdict.of(Violation.class);
        PipelineSpec.Input input = spec.mainInput();
        RecordCodec codec = codecs.get(input.topic());
        Map<Long, Good> good = new LinkedHashMap<>();
        List<ConsumerRecord<byte[], byte[]>> malformed = new ArrayList<>();
        Map<String, Long> perKey = new HashMap<>();
        Map<String, java.math.BigDecimal> sumPerKey = new HashMap<>();
        PipelineSpec.RunningSum summed = spec.answers().map(PipelineSpec.Output::runningSum).orElse(null);
        for (ConsumerRecord<byte[], byte[]> r : topics.input()) {
            Optional<JsonNode> record = r.headers().lastHeader(DeclaredTraffic.BAD_HEADER) != null
                    ? Optional.empty() : codec.decode(r.value());
            JsonNode id = record.map(j -> input.id() == null ? null : j.at(input.id())).orElse(null);
            JsonNode key = record.map(j -> j.at(input.key())).orElse(null);
            if (record.isEmpty() || (input.id() != null && !id.isIntegralNumber()) || key == null || key.isMissingNode()) {
                malformed.add(r);
                continue;
            }
            String k = key.asText();
            long n = perKey.merge(k, 1L, Long::sum);
            long identity = input.id() != null ? id.asLong() : r.offset();
            java.math.BigDecimal sum = null;
            if (summed != null) {
                JsonNode v = record.get().at(summed.of());
                sum = sumPerKey.merge(k, v.isNumber() ? v.decimalValue() : java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
            }
            good.put(identity, new Good(identity, k, n, sum));
        }
        verdict.checked("input records", good.size());
        verdict.require("input records");
        verdict.checked("malformed input records", malformed.size());

        spec.answers().ifPresent(out -> checkAnswers(out, topics.outputs().get(out.topic()), good, verdict));
        if (spec.deadLetters() != null) {
            checkDeadLetters(malformed, topics.deadLetters(), verdict);
        }
        checkWriters(topics, jobs, verdict);
        long outputs = topics.outputs().values().stream().mapToLong(List::size).sum();
        verdict.checked("output records", outputs);
        verdict.require("output records");
        if (differences != null) {
            differences.report(verdict);
        }
        return verdict;
    }

    private void checkAnswers(PipelineSpec.Output out, List<ConsumerRecord<byte[], byte[]>> records, Map<Long, Good> good,
            Verdict verdict) {
        RecordCodec codec = codecs.get(out.topic());
        Map<Long, List<JsonNode>> byInput = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Optional<JsonNode> j = codec.decode(r.value());
            JsonNode id = j.map(n -> n.at(out.answers())).orElse(null);
            if (id == null || !id.isIntegralNumber() || !good.containsKey(id.asLong())) {
                verdict.add(Violation.PHANTOM, out.topic() + " " + r.partition() + "@" + r.offset() + " answers no input: "
                        + j.map(JsonNode::toString).orElse("(not a record of its format)"));
                continue;
            }
            byInput.computeIfAbsent(id.asLong(), x -> new ArrayList<>()).add(j.get());
        }
        verdict.checked("answers", byInput.values().stream().mapToLong(List::size).sum());
        verdict.require("answers");
        long counted = 0;
        for (Good g : good.values()) {
            List<JsonNode> answers = byInput.getOrDefault(g.id(), List.of());
            if (answers.isEmpty()) {
                verdict.add(Violation.LOST, "input " + g.id() + " of " + g.key() + " has no answer in " + out.topic());
                continue;
            }
            if (answers.size() > 1) {
                verdict.add(Violation.DUPLICATE, "input " + g.id() + " of " + g.key() + " has " + answers.size() + " answers");
            }
            if (out.runningCount() != null) {
                counted++;
                for (JsonNode a : answers) {
                    long count = a.at(out.runningCount()).asLong(-1);
                    if (count < g.k()) {
                        verdict.add(Violation.STATE_LOST, "input " + g.id() + " is input #" + g.k() + " of " + g.key() + " but "
                                + out.runningCount() + " says " + count);
                    } else if (count > g.k()) {
                        verdict.add(Violation.DOUBLE_COUNTED, "input " + g.id() + " is input #" + g.k() + " of " + g.key()
                                + " but " + out.runningCount() + " says " + count);
                    }
                }
            }
        }
        if (out.runningCount() != null) {
            verdict.checked("running counts", counted);
        }
        if (out.runningSum() != null) {
            long summedChecked = 0;
            for (Good g : good.values()) {
                for (JsonNode a : byInput.getOrDefault(g.id(), List.of())) {
                    summedChecked++;
                    JsonNode said = a.at(out.runningSum().field());
                    int cmp = said.isNumber() ? said.decimalValue().compareTo(g.sum()) : -1;
                    if (cmp < 0) {
                        verdict.add(Violation.STATE_LOST, "input " + g.id() + " of " + g.key() + ": " + out.runningSum().field()
                                + " says " + said + " but the key's " + out.runningSum().of() + " so far sum to " + g.sum());
                    } else if (cmp > 0) {
                        verdict.add(Violation.DOUBLE_COUNTED, "input " + g.id() + " of " + g.key() + ": "
                                + out.runningSum().field() + " says " + said + " but the key's " + out.runningSum().of()
                                + " so far sum to " + g.sum());
                    }
                }
            }
            verdict.checked("running sums", summedChecked);
        }
    }

    /** Every malformed input has exactly one dead letter, which carries its bytes; no other dead letter. */
    private static void checkDeadLetters(List<ConsumerRecord<byte[], byte[]>> malformed,
            List<ConsumerRecord<byte[], byte[]>> letters, Verdict verdict) {
        Map<String, Integer> expected = new HashMap<>();
        Map<String, String> where = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : malformed) {
            String bytes = Arrays.toString(r.value() == null ? new byte[0] : r.value());
            expected.merge(bytes, 1, Integer::sum);
            where.putIfAbsent(bytes, r.partition() + "@" + r.offset());
        }
        verdict.checked("dead letters", letters.size());
        for (ConsumerRecord<byte[], byte[]> d : letters) {
            String bytes = Arrays.toString(d.value() == null ? new byte[0] : d.value());
            Integer left = expected.get(bytes);
            if (left == null || left == 0) {
                verdict.add(Violation.DLQ_MISMATCH, "dead letter " + d.partition() + "@" + d.offset()
                        + " carries no malformed input (or one dead-lettered twice)");
            } else {
                expected.put(bytes, left - 1);
            }
        }
        expected.forEach((bytes, left) -> {
            if (left > 0) {
                verdict.add(Violation.DLQ_MISMATCH, "malformed input " + where.get(bytes) + " has no dead letter");
            }
        });
    }

    /** Where the output names its writer (writer-job-id) and its version: a job of the run, deployed as that version. */
    private void checkWriters(Topics topics, RunJobs jobs, Verdict verdict) {
        if (jobs.versionOfJob().isEmpty()) {
            return;
        }
        for (PipelineSpec.Output out : spec.outputs()) {
            for (ConsumerRecord<byte[], byte[]> r : topics.outputs().getOrDefault(out.topic(), List.of())) {
                Header h = r.headers().lastHeader("writer-job-id");
                if (h == null) {
                    continue;
                }
                String writer = new String(h.value(), StandardCharsets.UTF_8);
                String deployedAs = jobs.versionOfJob().get(writer);
                if (deployedAs == null) {
                    verdict.add(Violation.VERSION_MISMATCH, out.topic() + " " + r.partition() + "@" + r.offset()
                            + " was written by job " + writer + ", which this run did not deploy");
                } else if (out.version() != null) {
                    String version = codecs.get(out.topic()).decode(r.value()).map(j -> j.at(out.version()).asText()).orElse("");
                    if (!version.equals(deployedAs)) {
                        verdict.add(Violation.VERSION_MISMATCH, out.topic() + " " + r.partition() + "@" + r.offset()
                                + " says version " + version + ", but its job was deployed as " + deployedAs);
                    }
                }
            }
        }
    }

    /** Every output record, per topic and key, as the reference comparison sees it: volatile fields out, fields in order. */
    Map<String, Map<String, List<String>>> outputsByKey(Topics topics) {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        for (PipelineSpec.Output o : spec.outputs()) {
            Map<String, List<String>> byKey = new TreeMap<>();
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(topics.outputs().getOrDefault(o.topic(), List.of()));
            records.sort(Comparator.comparingInt(ConsumerRecord<byte[], byte[]>::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                JsonNode j = codecs.get(o.topic()).decode(r.value()).orElse(null);
                if (j == null) {
                    continue;
                }
                ObjectNode copy = ((ObjectNode) j).deepCopy();
                o.volatileFields().forEach(p -> remove(copy, p));
                String key = o.key() != null ? j.at(o.key()).asText() : (r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
                byKey.computeIfAbsent(key, x -> new ArrayList<>()).add(canonical(copy));
            }
            out.put(o.topic(), byKey);
        }
        return out;
    }

    private static void remove(ObjectNode node, String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = slash <= 0 ? node : node.at(pointer.substring(0, slash));
        if (parent instanceof ObjectNode o) {
            o.remove(pointer.substring(slash + 1));
        }
    }

    /** The record with its fields in name order, at every level: the same record, the same text. */
    static String canonical(JsonNode node) {
        try {
            Object tree = RecordCodec.JSON.treeToValue(node, Object.class);
            return RecordCodec.JSON.copy().configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
