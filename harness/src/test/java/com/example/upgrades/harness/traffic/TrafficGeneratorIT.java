package com.example.upgrades.harness.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.verify.Records;
import com.example.upgrades.harness.verify.TopicReader;
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
            try (TrafficGenerator generator = new TrafficGenerator(kafka.bootstrapServers(), "events", new EventSchemas(),
                    settings, "v1")) {
                generator.start().awaitFinished(60_000);
                badProduced = generator.badProduced();
            }

            List<Records.Input> inputs = new TopicReader(kafka.bootstrapServers(), new EventSchemas()).readInputs("events");
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
    void withoutBadRecordsNoEventIsLate() throws Exception {
        try (TrafficGenerator clean = generator(0.0); TrafficGenerator hostile = generator(0.01)) {
            assertEquals(START + 999 * STEP, clean.eventTime(1_000));
            assertEquals(START - 1_000 * 60_000L, hostile.eventTime(1_000));
            assertEquals(START + 1_000 * STEP, hostile.eventTime(1_001));
        }
    }

    /** Never started: nothing is sent to the (unreachable) broker. */
    private static TrafficGenerator generator(double badShare) {
        return new TrafficGenerator("127.0.0.1:1", "events", new EventSchemas(),
                new TrafficGenerator.Settings(7L, 20, 2_000, 0, badShare, START, STEP), "v1");
    }
}
