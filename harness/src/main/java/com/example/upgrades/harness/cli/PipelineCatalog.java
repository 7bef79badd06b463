package com.example.upgrades.harness.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.run.Scenario;

/**
 * What a pipeline built into the harness brings to its command line: itself (a plan names it by
 * name), its named scenarios (harness run --scenario), and commands of its own. The core knows
 * none of them: it finds them on the classpath (META-INF/services/ this interface's name), so
 * that the user-events pipeline of this project is one such catalog and a pipeline described in a
 * plan needs none.
 */
public interface PipelineCatalog {

    /** The traffic of a named scenario run when the command line gives none. */
    TrafficPlan DEFAULT_TRAFFIC = new TrafficPlan(42L, 50, 30_000, 2_000, 0.01);

    Pipeline pipeline();

    List<String> scenarioNames();

    /**
     * @param variantsDir where the scenario may build the broken variants of a job it needs
     * @throws IllegalArgumentException for a name it does not have
     */
    Scenario scenario(String name, Path projectRoot, TrafficPlan traffic, Path variantsDir);

    /** Its own subcommands (picocli command objects), printing to {@code out}. */
    default List<Object> commands(PrintStream out) {
        return List.of();
    }

    /** The catalogs on the classpath, in the order the service loader finds them. */
    static List<PipelineCatalog> installed() {
        List<PipelineCatalog> all = new ArrayList<>();
        ServiceLoader.load(PipelineCatalog.class, PipelineCatalog.class.getClassLoader()).forEach(all::add);
        return all;
    }

    /** The named scenario of whichever catalog has it. */
    static Scenario named(String name, Path projectRoot, TrafficPlan traffic, Path variantsDir) {
        List<PipelineCatalog> catalogs = installed();
        for (PipelineCatalog c : catalogs) {
            if (c.scenarioNames().contains(name)) {
                return c.scenario(name, projectRoot, traffic, variantsDir);
            }
        }
        if (catalogs.size() == 1) {
            return catalogs.get(0).scenario(name, projectRoot, traffic, variantsDir); // its own message, with every scenario described
        }
        throw new IllegalArgumentException("Unknown scenario '" + name + "'. Known: "
                + catalogs.stream().flatMap(c -> c.scenarioNames().stream()).toList()
                + ". Or give your own plan with --plan (docs/own-pipeline.md).");
    }
}
