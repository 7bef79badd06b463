package com.example.userevents;

import com.example.userevents.avro.UserEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Passes decoded events on and sends dead letters to the {@link #DEAD_LETTERS} side output. */
public class RouteDeadLetters extends ProcessFunction<Decoded, UserEvent> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    @Override
    public void processElement(Decoded record, Context ctx, Collector<UserEvent> out) {
        if (record.event != null) {
            out.collect(record.event);
        } else {
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
