package com.example.upgrades.userevents.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.userevents.verify.Records;
import com.example.upgrades.userevents.verify.TopicReader;
import com.example.upgrades.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;

/**
 * What the generator really writes to a real broker: every event once, in step with its id except
 * the ones written late on purpose, and every kind of bad record the jobs must dead-letter.
 */
class TrafficGeneratorIT {

    private static final long START = 1_767_225_600_000L;
    private static final long STEP = 10;

    @Test
    void writesEveryEventOnceEveryKindOfBadRecordAndSomeEventsLate() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("events", 3);
            var settings = new TrafficGenerator.Settings(7L, 20, 2_000, 0, 0.05, START, STEP);
            long badProduced;
            try (TrafficGenerator generator = new TrafficGenerator(KafkaAccess.plain(kafka.bootstrapServers()), "events", new EventSchemas(),
                    settings, "v1")) {
                generator.start().awaitFinished(60_000);
                badProduced = generator.badProduced();
            }

            List<Records.Input> inputs = new TopicReader(KafkaAccess.plain(kafka.bootstrapServers()), new EventSchemas()).readInputs("events");
            Map<Long, Records.Event> events = new HashMap<>();
            Map<BadRecord, Long> bad = new EnumMap<>(BadRecord.class);
            for (Records.Input input : inputs) {
                if (input.intendedBad() != null) {
                    bad.merge(input.intendedBad(), 1L, Long::sum);
                } else {
                    assertEquals(null, events.put(input.event().eventId(), input.event()), "event written twice");
                }
            }
            assertEquals(2_000, events.size());
            assertEquals(badProduced, bad.values().stream().mapToLong(n -> n).sum());
            assertEquals(List.of(BadRecord.values()), List.copyOf(bad.keySet()), "every kind of bad record: " + bad);
            assertEquals(1L, bad.get(BadRecord.OVERSIZED), "one oversized record per run");

            for (long id = 1; id <= 2_000; id++) {
                long expected = id % TrafficGenerator.LATE_EVERY == 0 ? START - id * 60_000 : START + (id - 1) * STEP;
                assertEquals(expected, events.get(id).eventTime(), "event_time of event " + id);
            }
            long late = events.values().stream().filter(e -> e.eventTime() < START).count();
            assertEquals(2_000 / TrafficGenerator.LATE_EVERY, late, "written late on purpose");
        }
    }

    @Test
    void partsWrittenOneAfterTheOtherAreTheWholeTraffic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("whole", 3);
            kafka.createTopic("parts", 3);
            var settings = new TrafficGenerator.Settings(7L, 20, 2_000, 0, 0.05, START, STEP);
            try (TrafficGenerator whole = new TrafficGenerator(KafkaAccess.plain(kafka.bootstrapServers()), "whole", new EventSchemas(),
                    settings, "v1")) {
                whole.start().awaitFinished(60_000);
            }
            long written = 0;
            // Uneven parts; the middle one holds the oversized record (event 1000).
            for (long[] part : new long[][] {{1, 699}, {700, 1_400}, {1_401, 2_000}}) {
                try (TrafficGenerator generator = new TrafficGenerator(KafkaAccess.plain(kafka.bootstrapServers()), "parts", new EventSchemas(),
                        settings, "v1").only(part[0], part[1])) {
                    generator.start().awaitFinished(60_000);
                    assertEquals(part[1] - part[0] + 1, generator.produced());
                    written += generator.produced();
                }
            }
            assertEquals(2_000, written);

            TopicReader reader = new TopicReader(KafkaAccess.plain(kafka.bootstrapServers()), new EventSchemas());
            assertEquals(summary(reader.readInputs("whole")), summary(reader.readInputs("parts")));
        }
    }

    /** Every event, and every bad record by kind and bytes (keyless ones land on any partition). */
    private static Map<String, List<String>> summary(List<Records.Input> inputs) {
        Map<String, List<String>> summary = new java.util.TreeMap<>();
        for (Records.Input input : inputs) {
            String what = input.intendedBad() != null ? input.intendedBad() + " " + java.util.Arrays.toString(input.value())
                    : input.event().toString();
            summary.computeIfAbsent(input.intendedBad() != null ? "bad" : "events", k -> new java.util.ArrayList<>()).add(what);
        }
        summary.values().forEach(list -> list.sort(null));
        return summary;
    }

    @Test
    void withoutBadRecordsNoEventIsLate() throws Exception {
        try (TrafficGenerator clean = generator(0.0); TrafficGenerator hostile = generator(0.01)) {
            assertEquals(START + 999 * STEP, clean.eventTime(1_000));
            assertEquals(START - 1_000 * 60_000L, hostile.eventTime(1_000));
            assertEquals(START + 1_000 * STEP, hostile.eventTime(1_001));
        }
    }

    /** Never started: nothing is sent to the (unreachable) broker. */
    private static TrafficGenerator generator(double badShare) {
        return new TrafficGenerator(KafkaAccess.plain("127.0.0.1:1"), "events", new EventSchemas(),
                new TrafficGenerator.Settings(7L, 20, 2_000, 0, badShare, START, STEP), "v1");
    }
}
