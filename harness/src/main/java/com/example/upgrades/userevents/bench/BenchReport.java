package com.example.upgrades.userevents.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.example.upgrades.harness.run.Report;

/** bench.json (snake_case, like report.json), bench.md, and its two charts. */
final class BenchReport {

    static final String THROUGHPUT_SVG = "throughput.svg";
    static final String HOP_COST_SVG = "hop-cost.svg";

    private static final String[] COLOURS = {"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"};

    private BenchReport() {}

    static void write(Bench.Result result, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench.json"), Report.json(result));
        Files.writeString(dir.resolve(THROUGHPUT_SVG), throughputChart(result.throughput()));
        Files.writeString(dir.resolve(HOP_COST_SVG), hopCostChart(result.hops()));
        Files.writeString(dir.resolve("bench.md"), markdown(result));
    }

    static String markdown(Bench.Result r) {
        StringBuilder md = new StringBuilder("# harness bench\n\n");
        md.append("Machine: ").append(r.machine()).append(". Wall time ").append(r.wallMs() / 1000).append(" s.\n\n");
        Bench.Throughput t = r.throughput();
        md.append("## Throughput: job v1 against the raw exactly-once Kafka pipe\n\n");
        md.append("![throughput](").append(THROUGHPUT_SVG).append(")\n\n");
        md.append("| | events | ms | events/s |\n| --- | ---: | ---: | ---: |\n");
        md.append(String.format(Locale.ROOT, "| traffic generator (unthrottled, acknowledged) | %d | | %.0f |%n",
                t.events(), t.generatorEventsPerSecond()));
        md.append(String.format(Locale.ROOT, "| job v1, parallelism 4, checkpoints every 2 s | %d | %d | %.0f |%n",
                t.events(), t.jobMs(), t.jobEventsPerSecond()));
        md.append(String.format(Locale.ROOT, "| raw pipe, 4 workers, commits every 2 s | %d | %d | %.0f |%n",
                t.events(), t.rawPipeMs(), t.rawPipeEventsPerSecond()));
        md.append(String.format(Locale.ROOT, "%n**Ratio job / raw pipe: %.2f**%n%n", t.ratio()));
        md.append("## Upgrade cost against state size: v2 (p=4) -> v3 (p=10)\n\n");
        md.append("![hop cost](").append(HOP_COST_SVG).append(")\n\n");
        md.append("A hop's path: JAR_RUN starts the next version as `flink run -s` does (its main() runs on the JobManager "
                + "after the savepoint; its first commit comes with the next periodic checkpoint); PREPARED builds its job "
                + "graph before the stop, submits it when the savepoint is complete and triggers a checkpoint as soon as "
                + "every task runs. The gap's floor is the stop plus the state restore plus that checkpoint.\n\n"
                + "A hop's strategy: stop-and-restore (a consumer waits the output gap); blue-green, a gated cutover (both "
                + "versions run, the consumer waits at most the longest interval without new output, exactly once); "
                + "blue-green-ungated, a deployment operator's basic mode (no wait, the overlap emitted twice: its "
                + "duplicates counted, so its verdict is FAIL). In a blue/green hop, stop ms is the overlap (from blue's "
                + "savepoint, which does not stop it, until blue ended) and restore ms is green's start beside it.\n\n");
        md.append("| users | events | backend | savepoint | path | strategy | verdict | duplicates | savepoint bytes | stop ms "
                + "| restore ms | jar run / submit ms | state restore ms | output gap ms | gap - (stop + state restore) ms "
                + "| longest wait ms | wait / checkpoint interval | longest wait before the hop ms | catch-up ms | gap / (stop + restore + 1 checkpoint) |\n");
        md.append("| ---: | ---: | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                + "| ---: | ---: | ---: | ---: |\n");
        for (Bench.HopCost h : r.hops()) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %d | %d | %d "
                    + "| %d | %.2f | %d | %s | %.2f |%n",
                    h.users(), h.events(), h.backend(), h.format(), h.path(), h.strategy(), h.verdict(), h.duplicates(),
                    h.savepointBytes(), h.stopMs(), h.restoreMs(), h.restoreParts().jarRunMs(),
                    h.restoreParts().stateRestoreMs(), h.outputGapMs(),
                    h.outputGapMs() - h.stopMs() - h.restoreParts().stateRestoreMs(), h.longestQuietMs(),
                    h.quietOverCheckpointInterval(), h.longestQuietBeforeMs(), h.catchUpMs() < 0 ? "not reached" : h.catchUpMs(),
                    h.gapOverStopRestoreCheckpoint()));
        }
        return md.toString();
    }

    /** Two bars: job v1 and the raw pipe, events per second. */
    static String throughputChart(Bench.Throughput t) {
        double max = Math.max(1, Math.max(t.jobEventsPerSecond(), t.rawPipeEventsPerSecond()));
        StringBuilder svg = header(520, 160);
        bar(svg, 0, "job v1", t.jobEventsPerSecond(), max, COLOURS[0]);
        bar(svg, 1, "raw pipe", t.rawPipeEventsPerSecond(), max, COLOURS[1]);
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"150\">events/s, %d events; job / raw = %.2f</text>%n",
                t.events(), t.ratio()));
        return svg.append("</svg>\n").toString();
    }

    private static void bar(StringBuilder svg, int row, String label, double value, double max, String colour) {
        int y = 20 + row * 50;
        double w = value / max * 380;
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 22, label));
        svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"90\" y=\"%d\" width=\"%.1f\" height=\"34\" fill=\"%s\"/>%n",
                y, w, colour));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.0f</text>%n", 95 + w, y + 22, value));
    }

    /**
     * Output gap and restore time (ms) against savepoint size (bytes, log scale): one line per
     * backend and format, solid for the gap, dashed for the restore.
     */
    static String hopCostChart(List<Bench.HopCost> hops) {
        int width = 760;
        int height = 370;
        int left = 70;
        int top = 30;
        int plotW = 520;
        int plotH = 270;
        StringBuilder svg = header(width, height);
        List<Bench.HopCost> measured = hops.stream().filter(h -> h.savepointBytes() > 0 && h.outputGapMs() > 0).toList();
        if (measured.isEmpty()) {
            return svg.append("<text x=\"20\" y=\"20\">no measured hop</text>\n</svg>\n").toString();
        }
        double minB = Math.log10(measured.stream().mapToLong(Bench.HopCost::savepointBytes).min().orElse(1));
        double maxB = Math.log10(measured.stream().mapToLong(Bench.HopCost::savepointBytes).max().orElse(10));
        if (maxB - minB < 1) {
            maxB = minB + 1;
        }
        long maxMs = measured.stream().mapToLong(h -> Math.max(h.outputGapMs(), h.restoreMs())).max().orElse(1);
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">output gap (solid) and restore "
                + "(dashed), ms, against savepoint size</text>%n", left));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                left, top + plotH, left + plotW, top + plotH));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                left, top, left, top + plotH));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>%n", left - 4, top + 10, maxMs));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", left - 4, top + plotH));
        for (int e = (int) Math.ceil(minB); e <= (int) Math.floor(maxB); e++) {
            double x = left + (e - minB) / (maxB - minB) * plotW;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, top + plotH + 16, bytes(Math.pow(10, e))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">savepoint size (log scale)</text>%n",
                left + plotW / 2 - 60, top + plotH + 32));
        Map<String, List<Bench.HopCost>> byConfig = new LinkedHashMap<>();
        measured.forEach(h -> byConfig.computeIfAbsent(h.backend() + "/" + h.format().toLowerCase(Locale.ROOT)
                + ("PREPARED".equals(h.path()) ? "/prepared" : "")
                + ("stop-and-restore".equals(h.strategy()) ? "" : "/" + h.strategy()), k -> new ArrayList<>()).add(h));
        int i = 0;
        for (Map.Entry<String, List<Bench.HopCost>> e : byConfig.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            List<Bench.HopCost> points = new ArrayList<>(e.getValue());
            points.sort(java.util.Comparator.comparingLong(Bench.HopCost::savepointBytes));
            for (boolean gap : new boolean[] {true, false}) {
                StringBuilder p = new StringBuilder();
                for (Bench.HopCost h : points) {
                    double x = left + (Math.log10(h.savepointBytes()) - minB) / (maxB - minB) * plotW;
                    double y = top + plotH - (double) (gap ? h.outputGapMs() : h.restoreMs()) / maxMs * plotH;
                    p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                }
                svg.append(String.format(Locale.ROOT, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                        + "points=\"%s\"/>%n", gap ? "gap" : "restore", colour, gap ? "" : " stroke-dasharray=\"5 3\"",
                        p.toString().trim()));
                for (Bench.HopCost h : points) {
                    double x = left + (Math.log10(h.savepointBytes()) - minB) / (maxB - minB) * plotW;
                    double y = top + plotH - (double) (gap ? h.outputGapMs() : h.restoreMs()) / maxMs * plotH;
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, colour));
                    if (gap) {
                        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s users, %s</text>%n",
                                x + 5, y - 5, colour, h.users(), bytes(h.savepointBytes())));
                    }
                }
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                    left + plotW + 15, top + 20 + i * 18, colour, e.getKey()));
            i++;
        }
        return svg.append("</svg>\n").toString();
    }

    private static String bytes(double b) {
        if (b >= 1e9) {
            return String.format(Locale.ROOT, "%.0f GB", b / 1e9);
        }
        if (b >= 1e6) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
        }
        if (b >= 1e3) {
            return String.format(Locale.ROOT, "%.0f kB", b / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    private static StringBuilder header(int width, int height) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" "
                + "fill=\"white\"/>%n", width, height));
    }
}
