package com.example.userevents;

import java.util.HashMap;
import java.util.Map;

import com.example.userevents.avro.UserEvent;
import com.example.userevents.avro.UserStats;
import org.apache.flink.api.common.functions.ReduceFunction;

/**
 * The per-user running aggregate. Each event becomes a one-event {@link UserStats}
 * ({@link #ofEvent}); the keyed reduce merges it into the user's aggregate, which Flink keeps in
 * keyed state (a ValueState of UserStats named "_op_state", one entry per user) and emits after
 * every event.
 *
 * <p>Version 2 also counts devices. The aggregates restored from a v1 savepoint were written
 * with the v1 UserStats schema; Flink migrates them to this one on restore (Avro schema
 * evolution: device_counts takes its default, an empty map), so no conversion code is needed.
 *
 * <p>Its state grows with the number of users, never with the traffic: each user's aggregate holds
 * at most {@link #MAX_NAMES} names per map (the decoder bounds each name's length), and the names
 * past the bound are counted together under {@link #OTHER}. No state TTL: event_count is a count over
 * the whole life of the pipeline, which an expired entry would silently restart. What it costs per
 * user is measured by {@code harness bench} (savepoint bytes against users).
 */
public class RunningUserStats implements ReduceFunction<UserStats> {

    /** The most distinct names a user's map holds; further ones are counted under {@link #OTHER}. */
    public static final int MAX_NAMES = 100;

    /** Where names past {@link #MAX_NAMES} are counted. */
    public static final String OTHER = "(other)";

    public static UserStats ofEvent(UserEvent event) {
        Map<String, Long> actions = new HashMap<>();
        actions.put(event.getAction(), 1L);
        Map<String, Long> devices = new HashMap<>();
        devices.put(event.getDeviceType(), 1L);
        return UserStats.newBuilder()
                .setUserId(event.getUserId())
                .setEventCount(1)
                .setLastEventId(event.getEventId())
                .setActionCounts(actions)
                .setDeviceCounts(devices)
                .build();
    }

    /**
     * {@code soFar} is the state; {@code next} is the newest event's one-event aggregate. The state's
     * aggregate is updated in place and returned: no copy of a user's maps per event. Safe because
     * nothing else holds it: the heap backend hands out a copy of a state object while a snapshot
     * may still read it (copy-on-write), RocksDB a fresh one on every access, and the operators
     * after the reduce serialize it (the sinks) or copy it (v3's sanitizer) before the next event.
     */
    @Override
    public UserStats reduce(UserStats soFar, UserStats next) {
        soFar.setEventCount(soFar.getEventCount() + next.getEventCount());
        soFar.setLastEventId(next.getLastEventId());
        soFar.setActionCounts(merge(soFar.getActionCounts(), next.getActionCounts()));
        soFar.setDeviceCounts(merge(soFar.getDeviceCounts(), next.getDeviceCounts()));
        return soFar;
    }

    /**
     * {@code a} plus {@code b}, into {@code a} (a new map only if {@code a} cannot be changed), with
     * the names new to {@code a} past {@link #MAX_NAMES} under {@link #OTHER}.
     */
    static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> merged = a instanceof HashMap<String, Long> ? a : new HashMap<>(a);
        b.forEach((name, n) -> {
            boolean fits = merged.containsKey(name) || merged.size() - (merged.containsKey(OTHER) ? 1 : 0) < MAX_NAMES;
            merged.merge(fits ? name : OTHER, n, Long::sum);
        });
        return merged;
    }
}
