package com.example.userevents;

import java.util.function.Function;

import com.example.userevents.avro.UserEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamGroupedReduceOperator;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.transformations.ReduceTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Builds an operator test harness around the very operator the job's pipeline builds, so a unit
 * test exercises the job's real wiring (key selector, window assigner, state types) and not a
 * copy of it.
 */
final class OperatorHarnesses {

    private OperatorHarnesses() {}

    /**
     * Applies {@code stage} (a pipeline method of the job) to a placeholder stream and wraps the
     * keyed operator it produces in a harness: one subtask, max parallelism as in the job.
     */
    @SuppressWarnings("unchecked")
    static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harnessFor(
            Function<DataStream<UserEvent>, DataStream<OUT>> stage) throws Exception {
        StreamExecutionEnvironment env = UserEventsJob.createEnvironment(JobConfig.defaults());
        DataStream<UserEvent> placeholder = env.fromData(TestEvents.event(0, "nobody", "none", 0));
        Transformation<OUT> transformation = stage.apply(placeholder).getTransformation();

        OneInputStreamOperator<IN, OUT> operator;
        KeySelector<IN, String> keySelector;
        if (transformation instanceof ReduceTransformation<?, ?> reduce) {
            // A keyed reduce becomes a StreamGroupedReduceOperator when the job graph is built.
            var typed = (ReduceTransformation<IN, String>) reduce;
            operator = (OneInputStreamOperator<IN, OUT>) new StreamGroupedReduceOperator<>(
                    typed.getReducer(), typed.getInputType().createSerializer(env.getConfig().getSerializerConfig()));
            keySelector = typed.getKeySelector();
        } else {
            var oneInput = (OneInputTransformation<IN, OUT>) transformation;
            operator = oneInput.getOperator();
            keySelector = (KeySelector<IN, String>) oneInput.getStateKeySelector();
        }
        return new KeyedOneInputStreamOperatorTestHarness<>(
                operator, keySelector, Types.STRING, UserEventsJob.MAX_PARALLELISM, 1, 0);
    }
}
