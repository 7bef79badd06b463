package com.example.upgrades.harness.run;

import java.util.List;
import java.util.Locale;

/**
 * The report's chart, as a self-contained SVG: committed answer records per second (bars) and
 * their end-to-end latency per second (median and 99th percentile lines), with each hop marked:
 * the stop request (red), the output gap (grey band, from the old job's last visible output to the
 * new job's first) and the moment the latency was back at its level (green).
 */
final class TimelineChart {

    private static final int WIDTH = 960;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int PANEL = 150;
    private static final int TOP_A = 40;
    private static final int TOP_B = TOP_A + PANEL + 60;
    private static final int HEIGHT = TOP_B + PANEL + 45;

    private TimelineChart() {}

    static String svg(List<Timeline.Second> seconds, List<Report.Hop> hops) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        if (seconds.isEmpty()) {
            return svg.append("<text x=\"20\" y=\"20\">no committed output</text>\n</svg>\n").toString();
        }
        long start = seconds.get(0).startMs();
        int n = seconds.size();
        double slot = (double) (WIDTH - LEFT - RIGHT) / n;
        long maxRecords = Math.max(1, seconds.stream().mapToLong(Timeline.Second::records).max().orElse(1));
        long maxLatency = Math.max(1, seconds.stream().mapToLong(Timeline.Second::p99Ms).max().orElse(1));

        panel(svg, TOP_A, "committed answer records per second", maxRecords, "");
        panel(svg, TOP_B, "end-to-end latency per second: median (blue), p99 (orange)", maxLatency, " ms");
        for (int i = 0; i < n; i++) {
            Timeline.Second s = seconds.get(i);
            double h = (double) s.records() / maxRecords * PANEL;
            svg.append(String.format(Locale.ROOT,
                    "<rect class=\"records\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4c78a8\"/>%n",
                    LEFT + i * slot, TOP_A + PANEL - h, Math.max(slot - 1, 0.5), h));
        }
        ticks(svg, n, slot);
        line(svg, seconds, slot, maxLatency, true, "#4c78a8");
        line(svg, seconds, slot, maxLatency, false, "#f58518");

        for (Report.Hop hop : hops) {
            Report.HopMoments at = hop.at();
            double gapFrom = x(at.lastOutputOfOld(), start, slot);
            double gapTo = x(at.firstOutputOfNew(), start, slot);
            if (at.lastOutputOfOld() > 0 && at.firstOutputOfNew() > 0) {
                svg.append(String.format(Locale.ROOT, "<rect class=\"gap\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        + "fill=\"#999\" fill-opacity=\"0.3\"/>%n", gapFrom, TOP_A, gapTo - gapFrom, TOP_B + PANEL - TOP_A));
            }
            marker(svg, at.stopRequested(), start, slot, "#d62728", "stop " + hop.from() + " -> " + hop.to());
            marker(svg, at.caughtUp(), start, slot, "#2ca02c", "caught up");
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds since the first "
                + "committed output (grey: output gap of a hop)</text>%n", (WIDTH + LEFT) / 2, HEIGHT - 8));
        return svg.append("</svg>\n").toString();
    }

    private static double x(long time, long start, double slot) {
        return LEFT + (time - start) / 1000.0 * slot;
    }

    private static void panel(StringBuilder svg, int top, String title, long max, String unit) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", LEFT, top - 8, title));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, top + PANEL, WIDTH - RIGHT, top + PANEL));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, top, LEFT, top + PANEL));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d%s</text>%n",
                LEFT - 4, top + 10, max, unit));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", LEFT - 4, top + PANEL));
    }

    /** A latency line, broken where a second had no record (no latency was seen then). */
    private static void line(StringBuilder svg, List<Timeline.Second> seconds, double slot, long max, boolean median,
            String colour) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i <= seconds.size(); i++) {
            long value = i == seconds.size() ? -1 : median ? seconds.get(i).p50Ms() : seconds.get(i).p99Ms();
            if (value >= 0) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + (i + 0.5) * slot,
                        TOP_B + PANEL - (double) value / max * PANEL));
            } else if (!points.isEmpty()) {
                svg.append(String.format(Locale.ROOT, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" "
                        + "stroke-width=\"1.5\" points=\"%s\"/>%n", median ? "p50" : "p99", colour, points.toString().trim()));
                points.setLength(0);
            }
        }
    }

    /** Second marks under both panels, every 1, 5, 10... seconds so that at most about 20 are drawn. */
    private static void ticks(StringBuilder svg, int seconds, double slot) {
        int every = seconds <= 20 ? 1 : seconds <= 100 ? 5 : seconds <= 200 ? 10 : 60;
        for (int s = 0; s <= seconds; s += every) {
            double x = LEFT + s * slot;
            for (int top : new int[] {TOP_A, TOP_B}) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>%n",
                        x, top + PANEL, x, top + PANEL + 4));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                        x, top + PANEL + 15, s));
            }
        }
    }

    private static void marker(StringBuilder svg, long time, long start, double slot, String colour, String label) {
        if (time <= 0) {
            return;
        }
        double at = x(time, start, slot);
        svg.append(String.format(Locale.ROOT, "<line class=\"hop\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                + "stroke-dasharray=\"4 3\"/>%n", at, TOP_A - 4, at, TOP_B + PANEL, colour));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>%n", at + 3, TOP_A + 12,
                colour, label));
    }
}
