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
 */
public class RunningUserStats implements ReduceFunction<UserStats> {

    public static UserStats ofEvent(UserEvent event) {
        Map<String, Long> actions = new HashMap<>();
        actions.put(event.getAction(), 1L);
        return UserStats.newBuilder()
                .setUserId(event.getUserId())
                .setEventCount(1)
                .setLastEventId(event.getEventId())
                .setActionCounts(actions)
                .build();
    }

    /** {@code soFar} is the state; {@code next} is the newest event's one-event aggregate. */
    @Override
    public UserStats reduce(UserStats soFar, UserStats next) {
        Map<String, Long> actions = new HashMap<>(soFar.getActionCounts());
        next.getActionCounts().forEach((action, n) -> actions.merge(action, n, Long::sum));
        return UserStats.newBuilder()
                .setUserId(soFar.getUserId())
                .setEventCount(soFar.getEventCount() + next.getEventCount())
                .setLastEventId(next.getLastEventId())
                .setActionCounts(actions)
                .build();
    }
}
