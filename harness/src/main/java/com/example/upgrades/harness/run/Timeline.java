package com.example.upgrades.harness.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Committed output over time, as a downstream read_committed consumer saw it: one sample per
 * answer record (the output probe's topic), with the moment it became visible, the job that wrote it, and its end-to-end
 * latency (from the moment Kafka acknowledged the event it answers to the moment the answer was
 * visible). The figures of a hop are computed from it; so is the report's chart.
 *
 * <p>Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at rank
 * ceil(p/100 * n). No interpolation, so every figure is a latency some record really had.
 */
public final class Timeline {

    /** A latency distribution over some span: how many records, their median and 99th percentile. */
    public record Percentiles(long records, long p50Ms, long p99Ms) {
        static final Percentiles NONE = new Percentiles(0, -1, -1);
    }

    /** One second of the chart: records made visible in it, and their latency. */
    public record Second(long startMs, long records, long p50Ms, long p99Ms) {}

    /** A span is too thin to give a latency level below this many records. */
    static final int MIN_RECORDS_FOR_LEVEL = 10;

    /** Catch-up is judged on spans of this length (one second, longer than a checkpoint interval). */
    static final long SPAN_MS = 1_000;

    private final long[] visibleAt;
    private final long[] latencyMs;
    private final String[] writer;

    /**
     * @param visibleAt when each record became visible, non-decreasing (the tail's reading order)
     * @param latencyMs each record's end-to-end latency
     * @param writer the id of the job that wrote each record
     */
    public Timeline(long[] visibleAt, long[] latencyMs, String[] writer) {
        if (visibleAt.length != latencyMs.length || visibleAt.length != writer.length) {
            throw new IllegalArgumentException("one visibility time, latency and writer per record");
        }
        for (int i = 1; i < visibleAt.length; i++) {
            if (visibleAt[i] < visibleAt[i - 1]) {
                throw new IllegalArgumentException("visibility times must not decrease (record " + i + ")");
            }
        }
        this.visibleAt = visibleAt;
        this.latencyMs = latencyMs;
        this.writer = writer;
    }

    public int size() {
        return visibleAt.length;
    }

    /** Latency of the records that became visible in [from, to), whoever wrote them. */
    public Percentiles latencyBetween(long from, long to) {
        return latencyBetween(from, to, null);
    }

    /** Latency of the records that {@code job} wrote (every job if null) and became visible in [from, to). */
    public Percentiles latencyBetween(long from, long to, String job) {
        long[] values = new long[0];
        int n = 0;
        for (int i = first(from); i < visibleAt.length && visibleAt[i] < to; i++) {
            if (job == null || job.equals(writer[i])) {
                if (n == values.length) {
                    values = Arrays.copyOf(values, Math.max(16, n * 2));
                }
                values[n++] = latencyMs[i];
            }
        }
        return percentiles(Arrays.copyOf(values, n));
    }

    static Percentiles percentiles(long[] values) {
        if (values.length == 0) {
            return Percentiles.NONE;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 99));
    }

    private static long rank(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /**
     * When the output of {@code job} was back at its latency level: the start of the first
     * one-second span, counted from {@code firstVisible} (the job's first visible record), in which
     * 99% of that job's records were as fast as {@code levelMs} (the 99th percentile before the
     * hop). Spans without a record of the job are skipped. -1 if no span before {@code until} does.
     */
    public long caughtUpAt(String job, long firstVisible, long levelMs, long until) {
        for (long start = firstVisible; start < until; start += SPAN_MS) {
            Percentiles span = latencyBetween(start, Math.min(start + SPAN_MS, until), job);
            if (span.records() > 0 && span.p99Ms() <= levelMs) {
                return start;
            }
        }
        return -1;
    }

    /** The records per second and their latency, from {@code start} to the last record. */
    public List<Second> perSecond(long start) {
        List<Second> out = new ArrayList<>();
        if (visibleAt.length == 0) {
            return out;
        }
        long end = visibleAt[visibleAt.length - 1];
        for (long s = start; s <= end; s += 1000) {
            Percentiles p = latencyBetween(s, s + 1000);
            out.add(new Second(s, p.records(), p.p50Ms(), p.p99Ms()));
        }
        return out;
    }

    /** When the first record became visible; -1 if none. */
    public long firstVisible() {
        return visibleAt.length == 0 ? -1 : visibleAt[0];
    }

    /** When the first record that {@code job} wrote became visible; -1 if none. */
    public long firstVisibleOf(String job) {
        for (int i = 0; i < writer.length; i++) {
            if (job.equals(writer[i])) {
                return visibleAt[i];
            }
        }
        return -1;
    }

    /** When the last record that {@code job} wrote became visible; -1 if none. */
    public long lastVisibleOf(String job) {
        for (int i = writer.length - 1; i >= 0; i--) {
            if (job.equals(writer[i])) {
                return visibleAt[i];
            }
        }
        return -1;
    }

    /**
     * When the last record that {@code job} wrote became visible before {@code time}; -1 if none.
     * Records of a job that the next one commits on restore become visible after it started.
     */
    public long lastVisibleOfBefore(String job, long time) {
        for (int i = first(time) - 1; i >= 0; i--) {
            if (job.equals(writer[i])) {
                return visibleAt[i];
            }
        }
        return -1;
    }

    /**
     * The longest time a consumer waited for new output while an event was waiting for its answer,
     * between {@code from} and {@code to}: for each record visible in the span, the time since the
     * record before it, but no longer than its own event had been waiting (its latency). A pause in
     * the traffic, when no event waits, is no wait; an upgrade that keeps answered events waiting
     * is. -1 when nothing was visible in the span.
     */
    public long longestQuiet(long from, long to) {
        int i = first(from);
        long longest = -1;
        for (; i < visibleAt.length && visibleAt[i] <= to; i++) {
            long sincePrevious = i > 0 ? visibleAt[i] - visibleAt[i - 1] : latencyMs[i];
            longest = Math.max(longest, Math.min(sincePrevious, latencyMs[i]));
        }
        return longest;
    }

    /** Index of the first record visible at or after {@code time}. */
    private int first(long time) {
        int lo = 0;
        int hi = visibleAt.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (visibleAt[mid] < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
