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

    public TrafficPlan {
        if (keys < 1 || events < 1 || eventsPerSecond < 0 || badShare < 0 || badShare >= 1) {
            throw new IllegalArgumentException("Traffic out of range: " + keys + " keys, " + events + " events, "
                    + eventsPerSecond + "/s, bad share " + badShare
                    + ". Use at least 1 key and 1 event, a rate >= 0 (0 = unthrottled) and a bad share in [0, 1).");
        }
    }
}
