package com.example.clicks;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per user: an answer for every click (the user's clicks so far), and a session record when the
 * user's session ends (no click for the session gap of event time). Its state, all of it in a
 * savepoint: the count and the open session (keyed), the session's end timer (an event-time timer
 * per user), and the page categories (broadcast state, the same on every subtask).
 *
 * <p>A session ends either when a click comes more than the gap after the last one (then it is
 * closed before the click is counted into a new one) or when its timer fires (no click came): the
 * same sessions whatever the watermark's timing, so two runs over the same input write the same.
 */
public class ClickSessions extends KeyedBroadcastProcessFunction<String, Click, String, Output> {

    static final OutputTag<Output> SESSIONS = new OutputTag<>("sessions") {};

    private static final ObjectMapper JSON = new ObjectMapper();

    private final long gapMillis;
    private final String version;

    private transient ValueState<Long> clicks;
    private transient ValueState<Long> sessionStart;
    private transient ValueState<Long> sessionEnd;
    private transient ValueState<Long> sessionClicks;
    private transient MapState<String, Long> sessionPages;

    public ClickSessions(long gapMillis, String version) {
        this.gapMillis = gapMillis;
        this.version = version;
    }

    @Override
    public void open(OpenContext context) {
        clicks = getRuntimeContext().getState(new ValueStateDescriptor<>("clicks", Types.LONG));
        sessionStart = getRuntimeContext().getState(new ValueStateDescriptor<>("session-start", Types.LONG));
        sessionEnd = getRuntimeContext().getState(new ValueStateDescriptor<>("session-end", Types.LONG));
        sessionClicks = getRuntimeContext().getState(new ValueStateDescriptor<>("session-clicks", Types.LONG));
        sessionPages = getRuntimeContext().getMapState(new MapStateDescriptor<>("session-pages", Types.STRING, Types.LONG));
    }

    @Override
    public void processElement(Click click, ReadOnlyContext ctx, Collector<Output> out) throws Exception {
        Long end = sessionEnd.value();
        if (end != null && click.ts > end + gapMillis) {
            closeSession(ctx.getBroadcastState(categories()), click.user, session -> ctx.output(SESSIONS, session));
            end = null;
        }
        if (end != null) {
            ctx.timerService().deleteEventTimeTimer(end + gapMillis);
        } else {
            sessionStart.update(click.ts);
        }
        long newEnd = end == null ? click.ts : Math.max(end, click.ts);
        sessionEnd.update(newEnd);
        sessionClicks.update((sessionClicks.value() == null ? 0 : sessionClicks.value()) + 1);
        Long onPage = sessionPages.get(click.page);
        sessionPages.put(click.page, onPage == null ? 1 : onPage + 1);
        ctx.timerService().registerEventTimeTimer(newEnd + gapMillis);

        long count = (clicks.value() == null ? 0 : clicks.value()) + 1;
        clicks.update(count);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("input_id", click.id);
        answer.put("user", click.user);
        answer.put("clicks", count);
        answer.put("version", version);
        out.collect(Output.of(click.user, answer.toString()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Output> out) throws Exception {
        Long end = sessionEnd.value();
        // At or past the gap: a timer set by another version (another gap) closes the session too.
        if (end != null && timestamp >= end + gapMillis) {
            closeSession(ctx.getBroadcastState(categories()), ctx.getCurrentKey(), session -> ctx.output(SESSIONS, session));
        }
    }

    /** Writes the open session and forgets it. */
    private void closeSession(ReadOnlyBroadcastState<String, String> categories, String user,
            java.util.function.Consumer<Output> sessions) throws Exception {
        Map<String, Long> byCategory = new TreeMap<>();
        for (Map.Entry<String, Long> page : sessionPages.entries()) {
            String category = categories.get(page.getKey());
            byCategory.merge(category == null ? "uncategorized" : category, page.getValue(), Long::sum);
        }
        ObjectNode session = JSON.createObjectNode();
        session.put("user", user);
        session.put("start", sessionStart.value());
        session.put("end", sessionEnd.value());
        session.put("clicks", sessionClicks.value());
        session.set("categories", JSON.valueToTree(byCategory));
        session.put("version", version);
        sessions.accept(Output.of(user, session.toString()));
        sessionStart.clear();
        sessionEnd.clear();
        sessionClicks.clear();
        sessionPages.clear();
    }

    /** A page's category, broadcast to every subtask: {"page", "category"}. */
    @Override
    public void processBroadcastElement(String line, Context ctx, Collector<Output> out) throws Exception {
        try {
            JsonNode j = JSON.readTree(line);
            if (j != null && j.path("page").isTextual() && j.path("category").isTextual()) {
                ctx.getBroadcastState(categories()).put(j.get("page").asText(), j.get("category").asText());
            }
        } catch (IOException e) {
            // not a category: ignored
        }
    }

    static MapStateDescriptor<String, String> categories() {
        return ClicksJob.CATEGORIES;
    }
}
