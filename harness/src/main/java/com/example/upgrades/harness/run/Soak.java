package com.example.upgrades.harness.run;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.pipeline.TrafficPlan;

/**
 * {@code harness soak}: the same upgrade again and again, each run with a real fault drawn from
 * the fault scenarios, seeded so that a failing run can be replayed exactly (its traffic seed and
 * fault are in the table). One environment for all runs, reset between them.
 */
public final class Soak {

    static final Fault[] FAULTS = {Fault.TM_KILL_BEFORE_STOP, Fault.TM_KILL_DURING_SAVEPOINT, Fault.CRASH_AFTER_HEALTHY,
        Fault.BROKER_RESTART_DURING_HOP, Fault.SAVEPOINT_STORAGE_FAILURE};

    /**
     * How late after its moment in the runbook the soak lets each fault strike, drawn uniformly
     * below this bound: within one checkpoint interval (2 s) before the stop or after the first
     * output, within the stop (a savepoint takes 0.5-2 s here, so a late kill may also hit the
     * pause between the old job's end and the new one's start), within the restore for the broker.
     * The storage fault has one moment: the directory is unwritable when the stop is asked.
     */
    static long maxDelayMs(Fault fault) {
        return switch (fault) {
            case TM_KILL_BEFORE_STOP, CRASH_AFTER_HEALTHY -> 2_000;
            case TM_KILL_DURING_SAVEPOINT -> 2_500;
            case BROKER_RESTART_DURING_HOP -> 4_000;
            default -> 0;
        };
    }

    /** One run's line of the summary. */
    public record Line(int run, long trafficSeed, String fault, long faultDelayMs, String struck, String verdict, long lost, long duplicated,
            long outputGapMs, long wallMs, String cause) {}

    private Soak() {}

    /** What one run of the soak inflicts, and with which traffic. */
    public record Draw(Fault fault, long faultDelayMs, long trafficSeed) {}

    /** The runs' faults, moments and traffic seeds: the same seed, the same runs. */
    public static List<Draw> draw(long seed, int runs) {
        Random random = new Random(seed);
        List<Draw> draws = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Fault fault = FAULTS[random.nextInt(FAULTS.length)];
            long trafficSeed = random.nextLong();
            long delay = maxDelayMs(fault) == 0 ? 0 : random.nextLong(maxDelayMs(fault));
            draws.add(new Draw(fault, delay, trafficSeed));
        }
        return draws;
    }

    /**
     * @param plan the plan of each run, given the fault and the traffic seed drawn for it
     * @return one line per run; every run is attempted even when one fails
     */
    public static List<Line> run(Environment env, int runs, long seed, TrafficPlan traffic,
            Function<Fault, Scenario> plan, Path reportDir, PrintStream out) throws IOException {
        List<Line> lines = new ArrayList<>();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<Draw> draws = draw(seed, runs);
        for (int i = 1; i <= runs; i++) {
            Fault fault = draws.get(i - 1).fault();
            long trafficSeed = draws.get(i - 1).trafficSeed();
            long delay = draws.get(i - 1).faultDelayMs();
            Scenario scenario = plan.apply(fault).toBuilder().traffic(new TrafficPlan(trafficSeed, traffic.keys(),
                    traffic.events(), traffic.eventsPerSecond(), traffic.badShare())).faultDelay(delay).build();
            out.printf(Locale.ROOT, "[soak] run %d of %d: %s %d ms after its moment, traffic seed %d%n", i, runs, fault,
                    delay, trafficSeed);
            long started = System.currentTimeMillis();
            if (i > 1) {
                scenario.pipeline().reset(env.kafka());
            }
            Line line;
            try {
                UpgradeRunner.Result r = new UpgradeRunner(env, quiet).withPreflight(false).run(scenario, reportDir.resolve("run-" + i));
                Report.Hop hop = r.report().hops().isEmpty() ? null : r.report().hops().get(0);
                String struck = hop == null ? "-" : hop.events().stream().filter(e -> e.kind() == HopEvent.Kind.FAULT)
                        .map(HopEvent::text).map(n -> n.length() > 110 ? n.substring(0, 110) + "..." : n).findFirst()
                        .orElse("(no fault noted)");
                line = new Line(i, trafficSeed, fault.name(), delay, struck, r.report().verdict(),
                        r.report().violations().getOrDefault("LOST", 0L),
                        r.report().violations().getOrDefault("DUPLICATE", 0L),
                        hop == null ? -1 : hop.outputGapMs(), System.currentTimeMillis() - started,
                        r.report().passed() ? "" : r.verdict().describe().lines().findFirst().orElse(""));
            } catch (RuntimeException e) {
                line = new Line(i, trafficSeed, fault.name(), delay, "-", "COULD_NOT_RUN", -1, -1, -1,
                        System.currentTimeMillis() - started, e.getMessage() == null ? e.toString()
                                : e.getMessage().lines().findFirst().orElse(""));
            }
            out.printf(Locale.ROOT, "[soak]   %s in %d ms%n", line.verdict(), line.wallMs());
            lines.add(line);
        }
        Files.createDirectories(reportDir);
        Files.writeString(reportDir.resolve("soak.md"), markdown(lines, seed));
        Files.writeString(reportDir.resolve("soak.json"), Report.json(lines));
        return lines;
    }

    /**
     * The runs that passed: the verdict PASS, nothing else. A run that rolled back (ROLLED_BACK),
     * could not verify or could not run is not one, whatever it lost.
     */
    public static long passes(List<Line> lines) {
        return lines.stream().filter(l -> l.verdict().equals(Outcome.PASS.name())).count();
    }

    static String markdown(List<Line> lines, long seed) {
        StringBuilder md = new StringBuilder("# harness soak, seed " + seed + "\n\n");
        long passed = passes(lines);
        md.append(passed).append(" of ").append(lines.size()).append(" PASS; lost ")
                .append(lines.stream().mapToLong(l -> Math.max(0, l.lost())).sum()).append(", duplicated ")
                .append(lines.stream().mapToLong(l -> Math.max(0, l.duplicated())).sum()).append(".\n\n");
        md.append("| run | traffic seed | fault | ms after its moment | what happened | verdict | lost | duplicated | output gap ms | wall ms |\n");
        md.append("| ---: | ---: | --- | ---: | --- | --- | ---: | ---: | ---: | ---: |\n");
        for (Line l : lines) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %d | %s | %s | %d | %d | %d | %d |%n", l.run(), l.trafficSeed(),
                    l.fault(), l.faultDelayMs(), l.struck().replace("|", "/"), l.verdict() + (l.cause().isEmpty() ? "" : ": " + l.cause()),
                    l.lost(), l.duplicated(), l.outputGapMs(), l.wallMs()));
        }
        return md.toString();
    }
}
