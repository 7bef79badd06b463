package com.example.userevents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.example.userevents.avro.UserEvent;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Counting events per user and tumbling window. The window state holds one running count (a Long)
 * per user and open window, and one event-time timer per user and window, at its end; when the
 * watermark passes it the window fires once and its state is cleared. An event that arrives when
 * the watermark has already passed the end of its window is late: the window operator leaves it
 * out and sends it to the {@link #LATE_EVENTS} side output, which the job dead-letters.
 */
public final class WindowCounting {

    /** Events behind the watermark at the window count, kept out of every window. */
    public static final OutputTag<UserEvent> LATE_EVENTS = new OutputTag<>("late-events") {};

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

    /**
     * Turns a late event into a dead letter with reason LATE: keyed by user_id, the event as this
     * job's schema encodes it (single-object Avro, so it can be replayed into the input topic), and
     * the watermark it was behind in the detail.
     */
    public static class LateEventsToDeadLetters extends ProcessFunction<UserEvent, DeadLetter> {
        @Override
        public void processElement(UserEvent event, Context ctx, Collector<DeadLetter> out) {
            byte[] value;
            try {
                ByteBuffer encoded = event.toByteBuffer();
                value = new byte[encoded.remaining()];
                encoded.get(value);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot encode late event " + event.getEventId(), e);
            }
            String detail = "event_time " + Instant.ofEpochMilli(event.getEventTime()) + " is behind the watermark "
                    + Instant.ofEpochMilli(ctx.timerService().currentWatermark())
                    + ": its window had already fired; counted in user-stats, in no user-windows record";
            DeadLetter late = new DeadLetter(event.getUserId().getBytes(StandardCharsets.UTF_8), value, DeadLetter.Reason.LATE,
                    detail, null, -1, -1);
            late.eventTime = event.getEventTime();
            out.collect(late);
        }
    }
}
