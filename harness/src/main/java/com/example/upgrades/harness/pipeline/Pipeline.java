package com.example.upgrades.harness.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.kafka.KafkaAccess;

/**
 * What the upgrade runner needs to know of a pipeline, and all it knows: the core (environments,
 * deployment, the runbook, the output tail, timings, report, check, inspect) never names a topic or
 * a field. The user-events pipeline of this project is the first implementation
 * (UserEventsPipeline).
 */
public interface Pipeline {

    /** Its name, as the CLI's --pipeline takes it. */
    String name();

    /**
     * Creates the pipeline's topics with their partitions. A run verifies every record in them, so
     * they must not exist yet: refuse, before anything is deployed, with the way out.
     */
    void createTopics(KafkaAccess kafka);

    /**
     * The program arguments every deployment of the pipeline's jobs gets (before its own): how
     * the jobs reach Kafka, their window size, how often they checkpoint (and so commit).
     *
     * @param kafkaPropertiesForJobs a properties file of Kafka client settings (a secured cluster),
     *     as the cluster that runs the jobs' main() sees its path; null when there are none
     */
    List<String> jobArguments(String bootstrapServersForJobs, String kafkaPropertiesForJobs, Duration windowSize,
            Duration checkpointInterval);

    /**
     * Deletes the pipeline's topics and its jobs' consumer groups, so that the next run on the same
     * cluster starts from nothing (tests that share a cluster between runs).
     */
    void reset(KafkaAccess kafka);

    /**
     * Where a job started WITHOUT a savepoint begins to read: the offsets its source's consumer
     * group has committed, by input partition. Flink commits them after each completed checkpoint,
     * on a best-effort basis (the last commit before a stop may never land, and they are never used
     * on a restore from a savepoint); a partition without one is read from its start.
     */
    CommittedOffsets committedInputOffsets(KafkaAccess kafka);

    /**
     * @param partitions the input partitions
     * @param committed the committed offset of each partition that has one
     */
    record CommittedOffsets(int partitions, Map<Integer, Long> committed) {

        public CommittedOffsets {
            committed = Map.copyOf(committed);
        }

        public boolean everyPartition() {
            return committed.size() == partitions;
        }

        public String describe() {
            return committed.size() + " of " + partitions + " input partitions have a committed offset (offsets summing to "
                    + committed.values().stream().mapToLong(Long::longValue).sum() + ")"
                    + (everyPartition() ? "" : "; the others are read from their first record");
        }
    }

    /** The output a downstream consumer waits for, and how to read one of its records. */
    OutputProbe output();

    /** A traffic source (not started) that writes the plan's events in the given input format. */
    Traffic traffic(KafkaAccess kafka, TrafficPlan plan, String writerVersion);

    /**
     * Whether the runner first runs the same traffic through one uninterrupted deployment of the
     * first version (no hop), the reference the upgraded run's output is compared with. When it
     * does, it calls {@link #keepReference} after that run and {@link #reset} before the real one.
     */
    default boolean wantsReference() {
        return false;
    }

    /** Reads and keeps the reference run's output (its topics are deleted right after). */
    default void keepReference(KafkaAccess kafka) {}

    /**
     * Whether the hop from one version to another is cut at a fixed input position: the traffic
     * held there until the old version has answered everything before it, so that which inputs the
     * old logic saw and which the new one sees is the same in every run (a change of logic compared
     * with the reference, the same differences every time).
     */
    default boolean exactCut(String fromVersion, String toVersion) {
        return false;
    }

    /**
     * How long the broker keeps a transaction of a job's sinks open before it aborts it (their
     * transaction.timeout.ms), for a job given {@code jobArgs}; empty when the pipeline does not
     * say. When an old job is gone before it committed what its savepoint pre-committed, the next
     * deployment must commit it within this time, or it is lost: the runner warns before the
     * restore.
     */
    default java.util.Optional<Duration> transactionTimeout(java.util.List<String> jobArgs) {
        return java.util.Optional.empty();
    }

    /** How its jobs take part in a gated blue/green upgrade; empty when they carry no gate. */
    default java.util.Optional<CutoverControl> cutover() {
        return java.util.Optional.empty();
    }

    /**
     * Reads the topics as a read_committed consumer and checks every output against every input.
     *
     * @param jobs the jobs the run started; {@link RunJobs#unknown()} for topics verified on their own
     * @throws com.example.upgrades.harness.pipeline.CouldNotVerifyException when the topics cannot be
     *     read as a verification needs them (missing, a transaction still open, a read stuck)
     */
    Verification verify(KafkaAccess kafka, Duration windowSize, RunJobs jobs);
}
