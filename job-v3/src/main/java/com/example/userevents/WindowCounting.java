package com.example.userevents;

import com.example.userevents.avro.UserEvent;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Counting events per user and tumbling window. The window state holds one running count (a Long)
 * per user and open window, and one event-time timer per user and window, at its end; when the
 * watermark passes it the window fires once and its state is cleared.
 */
public final class WindowCounting {

    private WindowCounting() {}

    /** Incremental count: the window keeps a number, not the events. */
    public static class CountEvents implements AggregateFunction<UserEvent, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(UserEvent event, Long count) {
            return count + 1;
        }

        @Override
        public Long getResult(Long count) {
            return count;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    /** Adds the user and the window's bounds to the final count. */
    public static class ToWindowCount extends ProcessWindowFunction<Long, WindowCount, String, TimeWindow> {
        @Override
        public void process(String userId, Context ctx, Iterable<Long> counts, Collector<WindowCount> out) {
            long count = counts.iterator().next();
            out.collect(new WindowCount(userId, ctx.window().getStart(), ctx.window().getEnd(), count));
        }
    }
}
