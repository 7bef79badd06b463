package com.example.userevents;

import com.example.userevents.avro.UserStats;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The way out of Kryo state before Flink 2.x, run on Flink 1.20 with 1.20's State Processor API:
 * reads every user's running aggregate that a job with a generic (Kryo) {@code UserStats} state
 * wrote, and writes it into a copy of the savepoint as the Avro state this job (v1) restores.
 * Every other operator's state is copied as it was. Flink 2.x reads no Kryo state of Flink 1.x,
 * so this has to happen while still on 1.x; the job restored from the copy on 1.20 then takes the
 * savepoint that 2.x restores.
 *
 * <p>Arguments: the savepoint to read, the folder to write the copy to. Run it as a job of its own
 * ({@code flink run -c com.example.userevents.KryoStateToAvro job-v1-flink-1.20.jar FROM TO}).
 */
public final class KryoStateToAvro {

    /** The reduce's state: Flink's reduce keeps the running value under this name. */
    static final String REDUCE_STATE = "_op_state";

    private KryoStateToAvro() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: KryoStateToAvro SAVEPOINT TARGET");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        OperatorIdentifier reduce = OperatorIdentifier.forUid(UserEventsJob.STATS_REDUCE_UID);

        DataStream<UserStats> values = SavepointReader.read(env, args[0], new HashMapStateBackend())
                .readKeyedState(reduce, new ReadKryoState(), Types.STRING, TypeInformation.of(UserStats.class));
        StateBootstrapTransformation<UserStats> asAvro = OperatorTransformation.bootstrapWith(values)
                .keyBy(UserStats::getUserId, Types.STRING)
                .transform(new WriteAvroState());
        SavepointWriter.fromExistingSavepoint(env, args[0])
                .removeOperator(reduce)
                .withOperator(reduce, asAvro)
                .write(args[1]);
        env.execute("Kryo state of " + UserEventsJob.STATS_REDUCE_UID + " to Avro");
    }

    /** Each user's aggregate, read with the serializer that wrote it: Kryo, for a generic type. */
    static final class ReadKryoState extends KeyedStateReaderFunction<String, UserStats> {
        private transient ValueState<UserStats> state;

        @Override
        public void open(Configuration parameters) {
            // 1.20's reader function still has the open(Configuration) that 2.x replaced with open(OpenContext).
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(REDUCE_STATE, new GenericTypeInfo<>(UserStats.class)));
        }

        @Override
        public void readKey(String key, Context context, Collector<UserStats> out) throws Exception {
            out.collect(state.value());
        }
    }

    /** The same aggregate, under the same key and state name, written with Avro's serializer. */
    static final class WriteAvroState extends KeyedStateBootstrapFunction<String, UserStats> {
        private transient ValueState<UserStats> state;

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(REDUCE_STATE, TypeInformation.of(UserStats.class)));
        }

        @Override
        public void processElement(UserStats value, Context context) throws Exception {
            state.update(value);
        }
    }
}
