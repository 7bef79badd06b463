package com.example.upgrades.userevents;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.run.Soak;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import static com.example.upgrades.harness.cli.HarnessCli.FAIL;
import static com.example.upgrades.harness.cli.HarnessCli.PASS;

@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Run the v1 -> v2 upgrade N times on the embedded environment, each run with a real fault drawn "
                + "(seeded) from tm-kill-before-stop, tm-kill-during-savepoint, savepoint-storage-failure, "
                + "broker-restart-during-hop and crash-after-healthy, at a moment drawn within its window, and its own "
                + "traffic seed; print a summary table (soak.md, soak.json). The same seed replays the same runs.",
                "Exit status: 0 every run PASS, 1 any run did not, 2 could not run."})
final class SoakCommand implements Callable<Integer> {

    private final PrintStream out;

    SoakCommand(PrintStream out) {
        this.out = out;
    }

    @Option(names = "--runs", description = "How many runs (default: ${DEFAULT-VALUE}).")
    int runs = 10;

    @Option(names = "--seed", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--events", description = "Good events per run (default: ${DEFAULT-VALUE}).")
    long events = 16_000;

    @Option(names = "--users", description = "Distinct users (default: ${DEFAULT-VALUE}).")
    int users = 40;

    @Option(names = "--rate", description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate = 2_000;

    @Option(names = "--report-dir", description = "Where soak.md, soak.json and each run's report go "
            + "(default: harness/target/soak in the project, ./harness-output/soak elsewhere).")
    Path reportDir;

    @Option(names = "--work-dir", description = "Data of the environment (default: harness/target/work/soak in the project, ./harness-output/work/soak elsewhere).")
    Path workDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1.");
        }
        Path root = ProjectLayout.findProjectRoot();
        TrafficPlan traffic;
        try {
            traffic = new TrafficPlan(seed, users, events, rate, Scenarios.defaultTraffic().badShare());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path reports = reportDir != null ? reportDir : ProjectLayout.outputDir(root).resolve("soak");
        Path work = workDir != null ? workDir : ProjectLayout.outputDir(root).resolve("work/soak");
        try (EmbeddedEnvironment env = EmbeddedEnvironment.start(work, 4, out)) {
            List<Soak.Line> lines = Soak.run(env, runs, seed, traffic,
                    fault -> Scenarios.named(fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), root, traffic),
                    reports, out);
            out.println();
            out.print(java.nio.file.Files.readString(reports.resolve("soak.md")));
            return Soak.passes(lines) == lines.size() ? PASS : FAIL;
        }
    }
}
