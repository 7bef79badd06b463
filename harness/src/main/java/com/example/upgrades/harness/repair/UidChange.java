package com.example.upgrades.harness.repair;

import java.nio.file.Path;

import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Rule 1 repaired: the savepoint's state of one uid is handed to another. A small Flink job, run in
 * this JVM, reads the savepoint's metadata and writes new metadata in which the operator's state
 * has the new uid; the state files themselves are not copied, the new metadata points at them.
 */
record UidChange(String from, String to) implements SavepointRepair {

    UidChange {
        if (from.isBlank() || to.isBlank() || from.equals(to)) {
            throw new IllegalArgumentException("A uid change needs two different uids, got '" + from + "' -> '" + to + "'");
        }
    }

    @Override
    public String describe() {
        return "the state of uid " + from + " now belongs to uid " + to + " (State Processor API, changeOperatorIdentifier)";
    }

    @Override
    public void apply(Path savepoint, Path target, Jobs jobs) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SavepointWriter.fromExistingSavepoint(env, savepoint.toUri().toString())
                .changeOperatorIdentifier(OperatorIdentifier.forUid(from), OperatorIdentifier.forUid(to))
                .write(target.toUri().toString());
        env.execute("repair savepoint: uid " + from + " -> " + to);
    }
}
