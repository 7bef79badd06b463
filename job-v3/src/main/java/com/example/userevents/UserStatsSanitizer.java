package com.example.userevents;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.example.userevents.avro.UserStats;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Cleans the action and device names in user-stats: producers send "click", " click" and
 * "Click" for the same thing, so the counts were split over spellings. This version merges them
 * under the trimmed, lower-case name in the output. The state keeps the names as they came: the
 * sanitizer is a stateless map after the reduce, so it changes what is shown, not what is stored,
 * and can be changed again without touching the state. user_id, event_count and last_event_id
 * pass through unchanged.
 */
public class UserStatsSanitizer implements MapFunction<UserStats, UserStats> {

    @Override
    public UserStats map(UserStats stats) {
        // A new record: the one from the reduce is the value held in its state.
        return UserStats.newBuilder(stats)
                .setActionCounts(sanitize(stats.getActionCounts()))
                .setDeviceCounts(sanitize(stats.getDeviceCounts()))
                .build();
    }

    static String sanitize(String name) {
        String clean = name.strip().toLowerCase(Locale.ROOT);
        return clean.isEmpty() ? "unknown" : clean;
    }

    private static Map<String, Long> sanitize(Map<String, Long> counts) {
        Map<String, Long> clean = new HashMap<>();
        counts.forEach((name, n) -> clean.merge(sanitize(name), n, Long::sum));
        return clean;
    }
}
