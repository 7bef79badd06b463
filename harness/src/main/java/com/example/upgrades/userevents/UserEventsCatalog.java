package com.example.upgrades.userevents;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import com.example.upgrades.harness.cli.PipelineCatalog;
import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.run.Scenario;
import picocli.CommandLine;

/**
 * The user-events pipeline on the harness's command line: the pipeline (plans name it
 * "user-events"), its named scenarios, and its own commands: the by-hand steps of the README's
 * walkthrough (topics create, generate, wait-for-output, verify), bench and soak.
 */
public final class UserEventsCatalog implements PipelineCatalog {

    @Override
    public Pipeline pipeline() {
        return UserEventsPipeline.INSTANCE;
    }

    @Override
    public List<String> scenarioNames() {
        return Scenarios.names();
    }

    @Override
    public Scenario scenario(String name, Path projectRoot, TrafficPlan traffic, Path variantsDir) {
        return Scenarios.named(name, projectRoot, traffic, variantsDir);
    }

    @Override
    public List<Object> commands(PrintStream out) {
        return List.of(new CommandLine(new ByHandCommands.Topics()).addSubcommand(new ByHandCommands.TopicsCreate(out)),
                new ByHandCommands.Generate(out), new ByHandCommands.WaitForOutput(out), new ByHandCommands.Verify(out),
                new BenchCommand(out), new SoakCommand(out));
    }
}
