package com.example.upgrades.harness.env;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import com.example.upgrades.harness.kafka.KafkaAccess;

/**
 * Where a scenario runs: a Kafka cluster and a Flink cluster with a savepoint directory. The
 * upgrade logic only ever sees this interface, so the same runner and verifier work on the
 * embedded environment, in containers, or against any running cluster.
 */
public interface Environment extends AutoCloseable {

    /** {@code embedded}, {@code containers} or {@code external}; written into the report. */
    String name();

    /** Kafka as the harness reaches it (generator, verifier). */
    String kafkaBootstrapServers();

    /**
     * Kafka as the harness's own clients reach it: the bootstrap servers, and the client settings
     * of a secured cluster (none unless given).
     */
    default KafkaAccess kafka() {
        return KafkaAccess.plain(kafkaBootstrapServers());
    }

    /**
     * Where the jobs read the Kafka client settings of a secured cluster (their
     * --kafka-properties), as the cluster that runs their main() sees the path; null when there
     * are none.
     */
    default String kafkaPropertiesForJobs() {
        return null;
    }

    /** Kafka as the Flink jobs reach it; differs from the harness's view when Flink runs in containers. */
    default String kafkaBootstrapServersForJobs() {
        return kafkaBootstrapServers();
    }

    /** Flink's REST endpoint, e.g. {@code http://127.0.0.1:8081}. */
    URI flinkRestEndpoint();

    /**
     * Flink's REST endpoint of a cluster of another Flink release, for an upgrade of Flink itself:
     * {@code "2.1"}, the previous release, or null for this environment's own cluster.
     *
     * @throws EnvironmentException where this environment has no cluster of that release
     */
    default URI flinkRestEndpoint(String flinkRelease) {
        if (flinkRelease == null) {
            return flinkRestEndpoint();
        }
        throw new EnvironmentException("The " + name() + " environment runs one Flink release, its own; a deployment on "
                + "Flink " + flinkRelease + " needs the embedded environment, which starts that release's cluster beside its "
                + "own. Nothing was deployed.");
    }

    /** The directory savepoints are written to, as a path or URI that the Flink cluster understands. */
    String savepointDirectory();

    /**
     * Where a path of the Flink cluster (a savepoint) can be read on this machine, if it can: the
     * report measures savepoint sizes on disk.
     */
    default Optional<Path> localPath(String clusterPath) {
        return Optional.empty();
    }

    /**
     * Real faults this environment can inflict on its own cluster, for the fault scenarios; empty
     * where it cannot (a cluster the harness does not own).
     */
    default Optional<Faults> faults() {
        return Optional.empty();
    }

    /** Real faults, never mocks: what a fault scenario does to the cluster. */
    interface Faults {
        /**
         * Terminates the TaskManager that runs the tasks (they fail; Flink restarts the job from its
         * last checkpoint) and starts a new one in its place, with the same slots.
         */
        void replaceTaskManager();

        /**
         * Stops the Kafka broker (a controlled shutdown, as on SIGTERM) and starts it again on the
         * same data and address; returns once it serves clients again. Clients see the broker gone,
         * then back.
         */
        void restartBroker();

        /**
         * Makes the savepoint directory unwritable for Flink (for every user: for root too), until
         * the returned storage is restored; restoring twice is fine.
         */
        BlockedStorage blockSavepointStorage();

        /**
         * A savepoint folder whose writes can be held, so that a savepoint stays in progress until
         * released; empty where the environment cannot hold one (Flink in containers).
         */
        default java.util.Optional<SavepointHold> savepointHold() {
            return java.util.Optional.empty();
        }
    }

    /** A savepoint kept in progress on purpose: its state files wait to be written until {@link #release()}. */
    interface SavepointHold {
        /** The savepoint folder to stop into, so that the stop's savepoint is held. */
        String directory();

        /** From now on, the savepoint's writes wait. */
        void hold();

        /** Until some of the savepoint's writes wait (true), or the timeout (false). */
        boolean awaitHeld(java.time.Duration timeout) throws InterruptedException;

        /** How many of its writes wait now. */
        int waiting();

        /** Lets the writes through. */
        void release();
    }

    /** A savepoint directory made unwritable by {@link Faults#blockSavepointStorage()}. */
    interface BlockedStorage {
        /** The directory, as Flink names it. */
        String directory();

        /** Gives the directory its permissions back. */
        void restore();
    }

    /** Stops whatever this environment started; safe to call twice. */
    @Override
    void close();
}
