package ${package};

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import ${package}.avro.Event;

/**
 * Per key: how many events so far and the total of their amounts (keyed state, in every
 * savepoint), and an answer for every event: {"input_id", "key", "count", "total", "version"}.
 */
public class RunningTotals extends KeyedProcessFunction<String, Event, Output> {

    private final String version;
    private transient ValueState<Long> count;
    private transient ValueState<Long> total;

    public RunningTotals(String version) {
        this.version = version;
    }

    @Override
    public void open(OpenContext context) {
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        total = getRuntimeContext().getState(new ValueStateDescriptor<>("total", Types.LONG));
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<Output> out) throws Exception {
        long n = (count.value() == null ? 0 : count.value()) + 1;
        long sum = (total.value() == null ? 0 : total.value()) + e.getAmount();
        count.update(n);
        total.update(sum);
        String answer = "{\"input_id\":" + e.getId() + ",\"key\":" + quoted(e.getKey()) + ",\"count\":" + n
                + ",\"total\":" + sum + ",\"version\":" + quoted(version) + "}";
        out.collect(new Output(e.getKey().getBytes(StandardCharsets.UTF_8), answer.getBytes(StandardCharsets.UTF_8)));
    }

    /** A JSON string. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
