package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import com.example.userevents.avro.UserStats;
import org.junit.jupiter.api.Test;

/** Spellings of one name are merged; what the verifier relies on passes through untouched. */
class UserStatsSanitizerTest {

    @Test
    void mergesSpellingsOfTheSameActionAndDevice() {
        UserStats dirty = UserStats.newBuilder()
                .setUserId("alice")
                .setEventCount(7)
                .setLastEventId(42)
                .setActionCounts(Map.of("click", 2L, " click", 1L, "Click", 1L, "VIEW ", 3L))
                .setDeviceCounts(Map.of("mobile", 1L, "Mobile ", 2L, " ", 1L, "unknown", 3L))
                .build();

        UserStats clean = new UserStatsSanitizer().map(dirty);

        assertEquals(Map.of("click", 4L, "view", 3L), clean.getActionCounts());
        assertEquals(Map.of("mobile", 3L, "unknown", 4L), clean.getDeviceCounts());
        assertEquals("alice", clean.getUserId());
        assertEquals(7, clean.getEventCount());
        assertEquals(42, clean.getLastEventId());
        assertEquals(Map.of("click", 2L, " click", 1L, "Click", 1L, "VIEW ", 3L), dirty.getActionCounts(),
                "the reduce's record, which is its state, is not modified");
    }
}
