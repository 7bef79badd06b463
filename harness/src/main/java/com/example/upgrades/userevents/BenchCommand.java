package com.example.upgrades.userevents;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.userevents.bench.Bench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import static com.example.upgrades.harness.cli.HarnessCli.FAIL;
import static com.example.upgrades.harness.cli.HarnessCli.PASS;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure, on the embedded environment: job v1's throughput against a raw exactly-once Kafka "
                + "consume -> produce loop doing the same per-record work (same broker, same machine, one run), and "
                + "the v2 -> v3 upgrade's cost (stop, savepoint size, restore, output gap, catch-up) against state size, "
                + "per state backend and savepoint format. Writes bench.json, bench.md and their charts.",
                "Exit status: 0 measured (and every upgrade verified PASS), 1 an upgrade failed verification, "
                        + "2 could not run."})
final class BenchCommand implements Callable<Integer> {

    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Option(names = "--quick", description = "The CI sweep (about two minutes on 2 cores): 100,000 events; "
            + "2,000 and 20,000 users on the heap with a canonical savepoint, 20,000 on RocksDB with a native one. "
            + "Default: the full sweep, 1,000,000 events; 10,000, 100,000 and 1,000,000 users, each on the heap "
            + "(canonical) and on RocksDB (canonical and native).")
    boolean quick;

    @Option(names = "--smoke", description = "The smallest run of every part (10,000 events; 500 users on the heap, "
            + "both hop paths): "
            + "that the command works end to end, in the test suite. Its figures mean little.")
    boolean smoke;

    @Option(names = "--throughput-only", description = "Only the throughput part: job v1 against the raw pipe (to measure "
            + "a change to the job quickly).")
    boolean throughputOnly;

    @Option(names = "--events", description = "Events for the throughput part (default: 100,000 quick, 1,000,000 full).")
    Long events;

    @Option(names = "--users", split = ",", description = "Users of the points of the state-size curve, e.g. "
            + "10000,100000 (each backend and format of the sweep at each).")
    List<Integer> users;

    @Option(names = "--report-dir", description = "Where bench.json and bench.md go (default: harness/target/bench in the project, ./harness-output/bench elsewhere).")
    Path reportDir;

    @Option(names = "--work-dir", description = "Data of the environments (default: harness/target/work/bench in the project, ./harness-output/work/bench elsewhere).")
    Path workDir;

    @Option(names = "--project-root", description = "Top folder of the project (default: found).")
    Path projectRoot;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path root = projectRoot != null ? projectRoot.toAbsolutePath().normalize() : ProjectLayout.findProjectRoot();
        for (String v : List.of("v1", "v2", "v3")) {
            if (!java.nio.file.Files.isRegularFile(ProjectLayout.jar(root, v))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "The job jar " + ProjectLayout.jar(root, v)
                        + " does not exist. Build the jars first (./mvnw package -DskipTests).");
            }
        }
        if ((events != null && events < 1) || (users != null && users.stream().anyMatch(u -> u < 1))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--events and --users must be at least 1.");
        }
        Path work = workDir != null ? workDir : ProjectLayout.outputDir(root).resolve("work/bench");
        Path reports = reportDir != null ? reportDir : ProjectLayout.outputDir(root).resolve("bench");
        if (quick && smoke) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Give --quick or --smoke, not both.");
        }
        Bench.Settings s = smoke ? Bench.Settings.smoke(root, work, reports)
                : quick ? Bench.Settings.quick(root, work, reports) : Bench.Settings.full(root, work, reports);
        if (users != null) {
            s = s.withUsers(users);
        }
        if (events != null) {
            s = new Bench.Settings(events, s.points(), s.hopRate(), s.hopSeconds(), s.projectRoot(), s.workDir(), s.reportDir());
        }
        if (throughputOnly) {
            s = new Bench.Settings(s.throughputEvents(), List.of(), s.hopRate(), s.hopSeconds(), s.projectRoot(), s.workDir(),
                    s.reportDir());
        }
        Bench.Result result = new Bench(s, out).run();
        out.println();
        out.printf(java.util.Locale.ROOT, "Throughput: job v1 %.0f events/s, raw pipe %.0f events/s, ratio %.2f%n",
                result.throughput().jobEventsPerSecond(), result.throughput().rawPipeEventsPerSecond(),
                result.throughput().ratio());
        out.println("Report: " + reports.resolve("bench.json") + " and " + reports.resolve("bench.md"));
        return result.hops().stream().allMatch(Bench.HopCost::asExpected) ? PASS : FAIL;
    }
}
