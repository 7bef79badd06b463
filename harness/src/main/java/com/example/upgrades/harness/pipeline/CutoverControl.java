package com.example.upgrades.harness.pipeline;

import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.kafka.KafkaAccess;

/**
 * What a pipeline whose jobs carry a cutover gate gives the runner for a blue/green upgrade: how
 * to start a job of a given generation, and how to tell the running jobs where a cutover is and
 * when each side of it is final. The runner decides when; the jobs decide each record alike.
 */
public interface CutoverControl {

    /**
     * Where generation n begins, in terms both versions read from the records: the first event id
     * of the new side (answers), a window boundary in event time (windows, late events), a Kafka
     * timestamp (records that cannot be decoded).
     */
    record Cut(int generation, long firstEventId, long cutEventTime, long cutTimestamp) {}

    /**
     * The program arguments that make a deployment generation n (added after its own); {@code gated}
     * false for the ungated mode, in which the job emits everything it reads.
     */
    List<String> jobArguments(int generation, boolean gated);

    /** How far the jobs of generation n have read the main input, by their consumer group's committed offsets. */
    Pipeline.CommittedOffsets committedInputOffsets(KafkaAccess kafka, int generation);

    /** Per main input partition, the offset of the first record written at or after this time (epoch ms). */
    Map<Integer, Long> offsetsAtOrAfter(KafkaAccess kafka, long timestamp);

    void announce(KafkaAccess kafka, Cut cut);

    /**
     * The old side of generation n's cut is complete for one kind of output ("POSITION" or
     * "TIME"); for TIME, with the input offsets at which the old version stopped.
     */
    void go(KafkaAccess kafka, int generation, String outputs, Map<Integer, Long> sourceOffsets);

    void abort(KafkaAccess kafka, int generation);

    /** The operators whose gauge {@link #GAUGE} the runner reads before the cut may be relied on. */
    List<String> gateOperators();

    /** The operator whose input watermark says that every window up to the cut has fired. */
    String windowOperator();

    /** The uid of the source that reads the main input, and its topic: where a stopped job stood. */
    String sourceUid();

    String inputTopic();

    /** The gates' gauge: the highest generation announced to them, or -1 - n when one had passed n's cut already. */
    String GAUGE = "cutoverKnown";
}
