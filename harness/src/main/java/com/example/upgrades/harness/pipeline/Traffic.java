package com.example.upgrades.harness.pipeline;

import java.util.Map;

/**
 * A pipeline's traffic source as the runner drives it: it writes events 1, 2, 3... and never more
 * than it is allowed, so that the runner can keep traffic for every hop.
 */
public interface Traffic extends AutoCloseable {

    /**
     * Writes what must be in the topics before the first version starts (a control topic read into
     * broadcast state, a table the job looks up): called once, before the first deployment.
     */
    default void writeBeforeStart() {}

    Traffic start();

    /** Write at most this many events in all until allowed more. */
    void allowUpTo(long events);

    /** Good events written so far. */
    long produced();

    /** Deliberately bad records written so far. */
    long badProduced();

    /** Good events written per input format. */
    Map<String, Long> producedPerWriterVersion();

    /** True while it waits for the runner to allow more. */
    boolean heldBack();

    boolean finished();

    /** Waits until every event was written and acknowledged; rethrows a write failure. */
    void awaitFinished(long timeoutMillis) throws InterruptedException;

    /** When the broker acknowledged event {@code eventId} (epoch ms), 0 if not (yet). */
    long acknowledgedAt(long eventId);

    /** The latest event time written so far (epoch ms); Long.MIN_VALUE if the traffic does not know. */
    default long maxEventTimeWritten() {
        return Long.MIN_VALUE;
    }

    /** From now on, write events in this input format. */
    void switchWriterVersion(String version);

    @Override
    void close();
}
