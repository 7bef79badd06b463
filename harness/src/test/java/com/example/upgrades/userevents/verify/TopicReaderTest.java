package com.example.upgrades.userevents.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.example.upgrades.userevents.PipelineContract;
import com.example.upgrades.userevents.verify.Records.Stats;
import com.example.upgrades.userevents.verify.Records.Window;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The output records as the verifier reads them: field by field, as the jobs write them, and garbage as garbage. */
class TopicReaderTest {

    @Test
    void aUserStatsRecordIsReadFieldByFieldWithItsCountsInOrder() {
        Stats s = TopicReader.stats(record("user-0001", """
                {"user_id":"user-0001","event_count":3,"last_event_id":42,"job_version":"v2",
                 "action_counts":{"view":2,"click":1},"device_counts":{"ios":1,"unknown":2},"extra":[1,{"a":2}]}""", "job-a"));

        assertEquals(new Stats(7, 99, "user-0001", 3, 42, "v2", Map.of("view", 2L, "click", 1L), Map.of("ios", 1L, "unknown", 2L),
                "job-a", "user-0001"), s);
        assertEquals(List.of("view", "click"), List.copyOf(s.actionCounts().keySet()), "in the order the record has them");
        assertEquals(List.of("ios", "unknown"), List.copyOf(s.deviceCounts().keySet()));
    }

    @Test
    void aRecordWithoutDeviceCountsHasNoneAndMissingFieldsAreEmpty() {
        Stats v1 = TopicReader.stats(record("user-0002", """
                {"user_id":"user-0002","event_count":"5","action_counts":{"view":"5"}}""", null));

        assertNull(v1.deviceCounts(), "v1 writes no device_counts");
        assertEquals(5, v1.eventCount(), "a number written as text reads as the number");
        assertEquals(0, v1.lastEventId(), "missing: 0");
        assertEquals("", v1.jobVersion(), "missing: empty");
        assertEquals(Map.of("view", 5L), v1.actionCounts());
        assertEquals(Map.of(), TopicReader.stats(record("u", """
                {"user_id":"u","device_counts":null}""", null)).deviceCounts(), "present but null: no devices counted");
    }

    @Test
    void aUserWindowsRecordIsReadFieldByField() {
        Window w = TopicReader.window(record("user-0003", """
                {"user_id":"user-0003","window_start":10000,"window_end":20000,"event_count":4,"job_version":"v3"}""", "job-b"));

        assertEquals(new Window(7, 99, "user-0003", 10_000, 20_000, 4, "v3", "job-b", "user-0003"), w);
    }

    @Test
    void somethingThatIsNotAJsonObjectMatchesNoUser() {
        for (String garbage : List.of("not json", "[1,2]", "{\"user_id\":", "")) {
            Stats s = TopicReader.stats(record("k", garbage, null));
            assertEquals("<not JSON at user-stats-7@99>", s.userId(), garbage);
            assertEquals(0, s.lastEventId(), garbage);
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String json, String writer) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("user-stats", 7, 99, key.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
        if (writer != null) {
            r.headers().add(PipelineContract.HEADER_WRITER_JOB, writer.getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }
}
