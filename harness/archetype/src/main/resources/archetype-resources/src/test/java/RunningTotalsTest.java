package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import ${package}.avro.Event;

/** RunningTotals in Flink's operator test harness: its answers, and its state through a snapshot and restore. */
class RunningTotalsTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Output> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RunningTotals("1")),
                Event::getKey, Types.STRING);
    }

    private static Event event(long id, String key, long amount) {
        return new Event(id, key, amount, Instant.ofEpochMilli(id));
    }

    private static List<String> answers(KeyedOneInputStreamOperatorTestHarness<String, Event, Output> h) {
        return h.extractOutputValues().stream().map(o -> new String(o.value, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void eachEventIsAnsweredWithItsKeysCountAndTotalAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(event(1, "a", 5), 1);
            h.processElement(event(2, "b", 7), 2);
            snapshot = h.snapshot(1, 2);
            assertEquals(List.of("{\"input_id\":1,\"key\":\"a\",\"count\":1,\"total\":5,\"version\":\"1\"}",
                    "{\"input_id\":2,\"key\":\"b\",\"count\":1,\"total\":7,\"version\":\"1\"}"), answers(h));
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(event(3, "a", 10), 3);
            assertEquals(List.of("{\"input_id\":3,\"key\":\"a\",\"count\":2,\"total\":15,\"version\":\"1\"}"), answers(h));
        }
    }

    @Test
    void aKeyIsWrittenAsAJsonString() {
        assertEquals("\"say \\\"hi\\\"\\u000a\"", RunningTotals.quoted("say \"hi\"\n"));
    }
}
