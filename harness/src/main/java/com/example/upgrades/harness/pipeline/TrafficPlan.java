package com.example.upgrades.harness.pipeline;

/**
 * How much traffic a run writes, for any pipeline.
 *
 * @param keys distinct keys (users, accounts, devices...)
 * @param events good events in all
 * @param eventsPerSecond 0 for as fast as possible
 * @param badShare the share of extra, deliberately bad records
 */
public record TrafficPlan(long seed, int keys, long events, int eventsPerSecond, double badShare) {

    /** The most events one run writes: each one's acknowledgement time is kept in an array. */
    public static final long MAX_EVENTS = Integer.MAX_VALUE - 1;

    public TrafficPlan {
        // Written so that NaN fails every check: a comparison with NaN is always false.
        if (keys < 1 || events < 1 || events > MAX_EVENTS || eventsPerSecond < 0 || !(badShare >= 0 && badShare < 1)) {
            throw new IllegalArgumentException("Traffic out of range: " + keys + " keys, " + events + " events, "
                    + eventsPerSecond + "/s, bad share " + badShare + ". Use at least 1 key, 1 to " + MAX_EVENTS
                    + " events, a rate >= 0 (0 = unthrottled) and a bad share from 0 up to, not including, 1.");
        }
    }
}
