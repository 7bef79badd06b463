package com.example.upgrades.harness.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.example.upgrades.harness.pipeline.RunJobs;
import com.example.upgrades.harness.pipeline.Verdict;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The declared verifier on topics made by hand: a correct run passes with every check counted,
 * and each way of spoiling it is found as exactly its own kind, naming the input or key.
 */
class DeclaredVerifierTest {

    private static final PipelineSpec SPEC = new PipelineSpec(
            List.of(new PipelineSpec.Input("clicks", 2, PipelineSpec.Format.JSON, Map.of(), "/user", "/ts", "/id", false)),
            List.of(new PipelineSpec.Output("answers", 1, PipelineSpec.Format.JSON, "/user", "/input_id", "/clicks", null,
                            List.of("/version"), "/version"),
                    new PipelineSpec.Output("sessions", 1, PipelineSpec.Format.JSON, "/user", null, null, null, List.of("/version"),
                            null)),
            "clicks-dlq", List.of(), List.of("{bootstrap_servers}"), true);

    private static final Map<String, RecordCodec> CODECS = Map.of(
            "clicks", new RecordCodec(PipelineSpec.Format.JSON, Map.of()),
            "answers", new RecordCodec(PipelineSpec.Format.JSON, Map.of()),
            "sessions", new RecordCodec(PipelineSpec.Format.JSON, Map.of()));

    /** A correct run: ann clicks twice, bob once, one malformed click dead-lettered. */
    private static final class Run {
        final List<ConsumerRecord<byte[], byte[]>> input = new ArrayList<>(List.of(
                record("clicks", 0, "{\"id\":1,\"user\":\"ann\",\"ts\":1000}"),
                record("clicks", 1, "{\"id\":2,\"user\":\"bob\",\"ts\":1200}"),
                bad("clicks", 2, "{ not json"),
                record("clicks", 3, "{\"id\":3,\"user\":\"ann\",\"ts\":1400}")));
        final List<ConsumerRecord<byte[], byte[]>> answers = new ArrayList<>(List.of(
                answer(0, 1, "ann", 1), answer(1, 2, "bob", 1), answer(2, 3, "ann", 2)));
        final List<ConsumerRecord<byte[], byte[]>> sessions = new ArrayList<>(List.of(
                record("sessions", 0, "{\"user\":\"ann\",\"clicks\":2,\"version\":\"v1\"}")));
        final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>(List.of(record("clicks-dlq", 0, "{ not json")));

        DeclaredVerifier.Topics topics() {
            Map<String, List<ConsumerRecord<byte[], byte[]>>> outputs = new LinkedHashMap<>();
            outputs.put("answers", answers);
            outputs.put("sessions", sessions);
            return new DeclaredVerifier.Topics(input, outputs, deadLetters);
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, String json) {
        return new ConsumerRecord<>(topic, 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, null,
                json.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> bad(String topic, long offset, String value) {
        RecordHeaders h = new RecordHeaders();
        h.add(new RecordHeader(DeclaredTraffic.BAD_HEADER, "NOT_JSON".getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>(topic, 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, null,
                value.getBytes(StandardCharsets.UTF_8), h, Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> answer(long offset, long input, String user, long clicks) {
        return record("answers", offset, "{\"input_id\":" + input + ",\"user\":\"" + user + "\",\"clicks\":" + clicks
                + ",\"version\":\"v1\"}");
    }

    private static Verdict assertFinds(Consumer<Run> spoil, Map<DeclaredVerifier.Violation, Long> expected) {
        Run run = new Run();
        spoil.accept(run);
        Verdict verdict = new DeclaredVerifier(SPEC, CODECS).verify(run.topics(), RunJobs.unknown(), null);
        Map<String, Long> want = new LinkedHashMap<>();
        for (DeclaredVerifier.Violation v : DeclaredVerifier.Violation.values()) {
            want.put(v.name(), expected.getOrDefault(v, 0L));
        }
        assertEquals(want, verdict.counts(), verdict.describe());
        return verdict;
    }

    @Test
    void aCorrectRunPassesAndCountsWhatItChecked() {
        Verdict verdict = assertFinds(run -> {}, Map.of());
        assertTrue(verdict.passed(), verdict.describe());
        assertEquals(3L, verdict.checked().get("input records"));
        assertEquals(1L, verdict.checked().get("malformed input records"));
        assertEquals(3L, verdict.checked().get("running counts"));
        assertEquals(1L, verdict.checked().get("dead letters"));
    }

    @Test
    void anInputWithoutAnswerIsLost() {
        Verdict v = assertFinds(run -> run.answers.remove(1), Map.of(DeclaredVerifier.Violation.LOST, 1L));
        assertTrue(v.examples("LOST").get(0).contains("input 2 of bob"), v.examples("LOST").toString());
    }

    @Test
    void anInputAnsweredTwiceIsADuplicate() {
        assertFinds(run -> run.answers.add(answer(3, 2, "bob", 1)), Map.of(DeclaredVerifier.Violation.DUPLICATE, 1L));
    }

    @Test
    void anAnswerToNoInputIsAPhantom() {
        assertFinds(run -> run.answers.add(answer(3, 99, "eve", 1)), Map.of(DeclaredVerifier.Violation.PHANTOM, 1L));
    }

    @Test
    void aCountThatStartedAgainLostState() {
        Verdict v = assertFinds(run -> run.answers.set(2, answer(2, 3, "ann", 1)), Map.of(DeclaredVerifier.Violation.STATE_LOST, 1L));
        assertTrue(v.examples("STATE_LOST").get(0).contains("ann"), v.examples("STATE_LOST").toString());
    }

    @Test
    void aCountTooHighCountedTwice() {
        assertFinds(run -> run.answers.set(0, answer(0, 1, "ann", 2)), Map.of(DeclaredVerifier.Violation.DOUBLE_COUNTED, 1L));
    }

    @Test
    void aMalformedInputWithoutItsDeadLetterIsFound() {
        assertFinds(run -> run.deadLetters.clear(), Map.of(DeclaredVerifier.Violation.DLQ_MISMATCH, 1L));
    }

    @Test
    void aDeadLetterOfAGoodInputIsFound() {
        assertFinds(run -> run.deadLetters.add(record("clicks-dlq", 1, "{\"id\":1,\"user\":\"ann\",\"ts\":1000}")),
                Map.of(DeclaredVerifier.Violation.DLQ_MISMATCH, 1L));
    }

    @Test
    void anOutputOfAJobTheRunDidNotDeployIsFound() {
        Run run = new Run();
        RecordHeaders h = new RecordHeaders();
        h.add(new RecordHeader("writer-job-id", "cafe".getBytes(StandardCharsets.UTF_8)));
        run.sessions.set(0, new ConsumerRecord<>("sessions", 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, null,
                "{\"user\":\"ann\",\"clicks\":2}".getBytes(StandardCharsets.UTF_8), h, Optional.empty()));
        Verdict verdict = new DeclaredVerifier(SPEC, CODECS).verify(run.topics(),
                new RunJobs(Map.of("beef", 0), Map.of("beef", "v1")), null);
        assertEquals(1L, verdict.count("VERSION_MISMATCH"), verdict.describe());
    }

    @Test
    void nothingToCheckIsNotAPass() {
        Verdict verdict = assertFinds(run -> {
            run.input.clear();
            run.answers.clear();
            run.sessions.clear();
            run.deadLetters.clear();
        }, Map.of());
        assertTrue(verdict.clean(), verdict.describe());
        assertTrue(!verdict.passed() && verdict.nothingChecked().contains("input records"), verdict.describe());
    }

    @Test
    void theSameOutputAsTheReferenceModuloVolatileFieldsHasNoDifference(@TempDir Path dir) {
        DeclaredVerifier verifier = new DeclaredVerifier(SPEC, CODECS);
        Run reference = new Run();
        Run upgraded = new Run();
        upgraded.answers.set(2, record("answers", 2, "{\"version\":\"v2\",\"clicks\":2,\"user\":\"ann\",\"input_id\":3}"));
        Differences d = Differences.between(verifier.outputsByKey(reference.topics()), verifier.outputsByKey(upgraded.topics()),
                dir.resolve("plan.golden.json"), false);
        assertEquals(List.of(), d.found());
        Verdict verdict = verifier.verify(upgraded.topics(), RunJobs.unknown(), d);
        assertTrue(verdict.passed(), verdict.describe());
        assertEquals(3L, verdict.checked().get("keys compared with the reference"), "ann and bob in answers, ann in sessions");
    }

    @Test
    void aDifferenceNamesTheKeyThenOnceApprovedPassesAndAnyOtherFails(@TempDir Path dir) throws Exception {
        DeclaredVerifier verifier = new DeclaredVerifier(SPEC, CODECS);
        Path golden = dir.resolve("plan.golden.json");
        Run reference = new Run();
        Run changed = new Run();
        changed.sessions.set(0, record("sessions", 0, "{\"user\":\"ann\",\"clicks\":1,\"version\":\"v2\"}"));
        changed.sessions.add(record("sessions", 1, "{\"user\":\"ann\",\"clicks\":1,\"version\":\"v2\"}"));
        var ref = verifier.outputsByKey(reference.topics());

        Verdict unapproved = verifier.verify(changed.topics(), RunJobs.unknown(),
                Differences.between(ref, verifier.outputsByKey(changed.topics()), golden, false));
        assertEquals(1L, unapproved.count("REFERENCE_MISMATCH"), unapproved.describe());
        assertTrue(unapproved.examples("REFERENCE_MISMATCH").get(0).startsWith("sessions of key ann"),
                unapproved.examples("REFERENCE_MISMATCH").toString());

        Verdict approving = verifier.verify(changed.topics(), RunJobs.unknown(),
                Differences.between(ref, verifier.outputsByKey(changed.topics()), golden, true));
        assertTrue(approving.passed(), approving.describe());
        assertTrue(Files.readString(golden).contains("\"key\" : \"ann\""), Files.readString(golden));

        Verdict again = verifier.verify(changed.topics(), RunJobs.unknown(),
                Differences.between(ref, verifier.outputsByKey(changed.topics()), golden, false));
        assertTrue(again.passed(), again.describe());

        Run otherwise = new Run();
        otherwise.sessions.set(0, record("sessions", 0, "{\"user\":\"ann\",\"clicks\":3,\"version\":\"v2\"}"));
        Verdict other = verifier.verify(otherwise.topics(), RunJobs.unknown(),
                Differences.between(ref, verifier.outputsByKey(otherwise.topics()), golden, false));
        assertEquals(1L, other.count("UNAPPROVED_DIFFERENCE"), other.describe());

        Verdict none = verifier.verify(reference.topics(), RunJobs.unknown(),
                Differences.between(ref, verifier.outputsByKey(reference.topics()), golden, false));
        assertEquals(1L, none.count("UNAPPROVED_DIFFERENCE"), "the approved difference did not happen: " + none.describe());
    }

    @Test
    void aRunningSumMustBeTheSumOfTheKeysInputsSoFar() {
        PipelineSpec summing = new PipelineSpec(SPEC.inputs(), List.of(new PipelineSpec.Output("answers", 1,
                PipelineSpec.Format.JSON, "/user", "/input_id", null, new PipelineSpec.RunningSum("/total", "/ts"), List.of(), null)),
                null, List.of(), List.of("{bootstrap_servers}"), false);
        java.util.function.IntFunction<Verdict> withAnnsSecondTotal = total -> {
            Run run = new Run();
            run.answers.clear();
            run.answers.add(record("answers", 0, "{\"input_id\":1,\"user\":\"ann\",\"total\":1000}"));
            run.answers.add(record("answers", 1, "{\"input_id\":2,\"user\":\"bob\",\"total\":1200.0}"));
            run.answers.add(record("answers", 2, "{\"input_id\":3,\"user\":\"ann\",\"total\":" + total + "}"));
            return new DeclaredVerifier(summing, CODECS).verify(run.topics(), RunJobs.unknown(), null);
        };
        Verdict right = withAnnsSecondTotal.apply(2400);
        assertTrue(right.passed(), right.describe());
        assertEquals(3L, right.checked().get("running sums"));
        assertEquals(1L, withAnnsSecondTotal.apply(1400).count("STATE_LOST"), "the first 1000 forgotten");
        assertEquals(1L, withAnnsSecondTotal.apply(3400).count("DOUBLE_COUNTED"), "1000 counted twice");
    }
}
