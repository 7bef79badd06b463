package com.example.upgrades.harness.cli;

import com.example.upgrades.harness.kafka.KafkaAccess;
import com.example.upgrades.harness.project.ProjectLayout;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.example.upgrades.harness.env.ContainerImages;
import com.example.upgrades.harness.env.ContainersEnvironment;
import com.example.upgrades.harness.env.EmbeddedEnvironment;
import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.env.ExternalEnvironment;
import com.example.upgrades.harness.inspect.SavepointInspector;
import com.example.upgrades.harness.inspect.SavepointValues;
import com.example.upgrades.harness.inspect.UpgradeCheck;
import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.run.PlanFile;
import com.example.upgrades.harness.run.Report;
import com.example.upgrades.harness.run.Scenario;
import com.example.upgrades.harness.run.UpgradeRunner;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code harness run}: performs a scenario and prints the verdict. Exit status 0 PASS (every planned
 * step happened, everything checked and right), 1 FAIL (violations, or a problem of the run), 2
 * when the scenario could not run (usage, environment) or nothing could be verified, 3
 * ROLLED_BACK (a version was refused and the previous one restored: nothing lost, no upgrade).
 * {@code harness verify}: 0, 1, or 2 as for run. {@code harness check}: 0 compatible, 1
 * incompatible, 2 could not check. {@code harness inspect}: 0, or 2 when the savepoint cannot be read.
 */
@Command(name = "harness", mixinStandardHelpOptions = true,
        description = "Performs and verifies stateful upgrades of Flink pipelines: the ones built in, or yours, described in a plan.")
public final class HarnessCli {

    public static final int PASS = 0;
    public static final int FAIL = 1;
    public static final int COULD_NOT_RUN = 2;
    public static final int ROLLED_BACK = 3;

    public static void main(String[] args) {
        // Before anything logs: Flink's and Kafka's logs go to this file, the console shows progress.
        if (System.getProperty("harness.log.file") == null) {
            System.setProperty("harness.log.file", ProjectLayout.outputDir().resolve("harness.log").toString());
        }
        System.exit(execute(System.out, System.err, args));
    }

    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new HarnessCli()).addSubcommand(new Run(out)).addSubcommand(new Inspect(out))
                .addSubcommand(new Check(out));
        for (PipelineCatalog catalog : PipelineCatalog.installed()) {
            catalog.commands(out).forEach(cli::addSubcommand);
        }
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, arguments) -> {
            java.io.PrintWriter w = e.getCommandLine().getErr();
            w.println(ParseErrors.message(e));
            w.println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            return COULD_NOT_RUN;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println();
            err.println("Could not run: " + e.getMessage());
            return COULD_NOT_RUN;
        });
        return cli.execute(args);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run an upgrade scenario on an environment, verify every output, write report.json and report.md.",
            footer = {"", "Exit status: 0 PASS (every planned deployment took, or was refused as the plan expects; every "
                    + "check had something to check; nothing wrong), 1 FAIL, 2 could not run or could not verify, "
                    + "3 ROLLED_BACK (a version was refused and the one before restored: nothing lost, no upgrade)."})
    static final class Run implements Callable<Integer> {

        private final PrintStream out;

        Run(PrintStream out) {
            this.out = out;
        }

        @Option(names = "--scenario", defaultValue = "upgrade",
                description = "Which scenario (default: ${DEFAULT-VALUE}): ${COMPLETION-CANDIDATES}",
                completionCandidates = ScenarioNames.class)
        String scenario;

        @Option(names = "--plan", description = "An upgrade plan file (JSON, or YAML for .yaml/.yml; schema "
                + "docs/plan.schema.json, examples docs/plans/upgrade.json and upgrade.yaml) instead of a named scenario. Traffic options given here override the plan's.")
        Path plan;

        @Option(names = "--strategy", description = "How every hop is taken: stop-and-restore (stop with a savepoint, "
                + "start the next version from it: an output gap, exactly once), blue-green (the next version started "
                + "beside the running one from a savepoint that does not stop it, a gated cutover: no gap, exactly once; "
                + "the jobs must carry the gate) or blue-green-ungated (the same without the gate: the overlap is emitted "
                + "twice). Default: each hop's own (a plan's strategy field), else stop-and-restore.")
        String strategy;

        @Option(names = "--approve", description = "For a plan that describes its pipeline and compares it with a "
                + "reference run (differential: true): write the differences this run finds from the reference into the "
                + "golden file beside the plan (PLAN.golden.json). Review them first: later runs fail on any other.")
        boolean approve;

        @Option(names = "--env", defaultValue = "embedded",
                description = "Where to run: embedded (default; Kafka and Flink started in this JVM, no Docker), "
                        + "containers (Kafka and Flink in Docker containers, images from .env or KAFKA_IMAGE/FLINK_IMAGE), "
                        + "or external (a running cluster: give --bootstrap-servers, --flink-rest, --savepoint-dir).")
        String env;

        @Option(names = "--bootstrap-servers", description = "external: Kafka as this machine reaches it, e.g. localhost:9092.")
        String bootstrapServers;

        @Option(names = "--job-bootstrap-servers",
                description = "external: Kafka as the Flink TaskManagers reach it (default: --bootstrap-servers), e.g. kafka:19092.")
        String jobBootstrapServers;

        @CommandLine.Mixin
        KafkaSettingsOptions kafkaSettings;

        @Option(names = "--job-kafka-properties", paramLabel = "PATH",
                description = "external: where the jobs read the Kafka client settings, as the Flink JobManager sees the "
                        + "path (default: the harness writes them, readable by its owner only, to kafka-client.properties "
                        + "in --work-dir, for a JobManager on this machine).")
        String jobKafkaProperties;

        @Option(names = "--flink-rest", description = "external: Flink's REST endpoint, e.g. http://localhost:8081.")
        URI flinkRest;

        @Option(names = "--savepoint-dir",
                description = "external: savepoint directory as the Flink cluster sees it, e.g. file:///flink-data/savepoints.")
        String savepointDir;

        @Option(names = "--local-savepoint-dir",
                description = "external: where that directory is on this machine, if it is (to measure savepoint sizes).")
        Path localSavepointDir;

        @Option(names = "--events", description = "Good events to produce (default: ${DEFAULT-VALUE}).")
        long events = PipelineCatalog.DEFAULT_TRAFFIC.events();

        @Option(names = "--users", description = "Distinct users (default: ${DEFAULT-VALUE}).")
        int users = PipelineCatalog.DEFAULT_TRAFFIC.keys();

        @Option(names = "--rate", description = "Events per second, 0 for unthrottled (default: ${DEFAULT-VALUE}).")
        int rate = PipelineCatalog.DEFAULT_TRAFFIC.eventsPerSecond();

        @Option(names = "--bad-share", description = "Share of extra, deliberately bad records (default: ${DEFAULT-VALUE}).")
        double badShare = PipelineCatalog.DEFAULT_TRAFFIC.badShare();

        @Option(names = "--seed", description = "Seed of the traffic generator (default: ${DEFAULT-VALUE}).")
        long seed = PipelineCatalog.DEFAULT_TRAFFIC.seed();

        @Option(names = "--fault-delay-ms", description = "For a fault scenario: let the fault strike this many ms after "
                + "its moment in the runbook, as a soak run drew it (default: ${DEFAULT-VALUE}, at once).")
        long faultDelayMs;

        @Option(names = "--no-rollback", description = "When a version fails to restore, stop instead of "
                + "redeploying the previous version from the same savepoint.")
        boolean noRollback;

        @Option(names = "--prepared-hops", description = "Prepare each hop: build the next version's job graph from its jar "
                + "before the old version stops, submit it the moment the savepoint is complete, and trigger a checkpoint as "
                + "soon as every task runs (a shorter output gap; see harness bench for both paths measured).")
        boolean preparedHops;

        @Option(names = "--catch-up-timeout", description = "How long a job may take to catch up after a hop, or to "
                + "answer the events it was given, before the run ends with that reason and no verdict (exit 2); and how "
                + "long a version just deployed may take to commit its first output before it counts as failed (a new "
                + "version is rolled back, exit 3). E.g. "
                + "'90 s' for a CI that would rather fail fast on a stuck job (default: ${DEFAULT-VALUE}).")
        String catchUpTimeout = "5 min";

        @Option(names = "--recreate-topics", description = "If the pipeline's topics exist (a run before this one), "
                + "delete them and the jobs' consumer group first, instead of refusing to run. Their records are lost.")
        boolean recreateTopics;

        @Option(names = "--allow-non-restored-state", description = "Restore every hop even if the savepoint holds "
                + "state that no operator of the new version claims; that state is DROPPED (Flink's "
                + "--allowNonRestoredState). For the uid-changed scenario: the verifier then shows the loss.")
        boolean allowNonRestoredState;

        @Option(names = "--report-dir", description = "Where report.json and report.md go (default: harness/target/reports/SCENARIO in the project, ./harness-output/reports/SCENARIO elsewhere).")
        Path reportDir;

        @Option(names = "--work-dir", description = "Data of the embedded or containers environment (default: harness/target/work in the project, ./harness-output/work elsewhere).")
        Path workDir;

        @Option(names = "--project-root", description = "Top folder of the project, where job-vN/target/job-vN.jar are (default: found).")
        Path projectRoot;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Path root = projectRoot != null ? projectRoot.toAbsolutePath().normalize() : ProjectLayout.findProjectRoot();
            Scenario s;
            CommandLine.ParseResult given = spec.commandLine().getParseResult();
            try {
                TrafficPlan traffic = new TrafficPlan(seed, users, events, rate, badShare);
                if (plan != null) {
                    if (given.hasMatchedOption("--scenario")) {
                        throw new IllegalArgumentException("Give --plan or --scenario, not both.");
                    }
                    s = PlanFile.read(plan, HarnessCli::pipeline, approve);
                    TrafficPlan p = s.traffic();
                    s = s.toBuilder().traffic(new TrafficPlan(
                            given.hasMatchedOption("--seed") ? seed : p.seed(),
                            given.hasMatchedOption("--users") ? users : p.keys(),
                            given.hasMatchedOption("--events") ? events : p.events(),
                            given.hasMatchedOption("--rate") ? rate : p.eventsPerSecond(),
                            given.hasMatchedOption("--bad-share") ? badShare : p.badShare())).build();
                } else {
                    if (approve) {
                        throw new IllegalArgumentException("--approve is for a plan that describes its pipeline (--plan).");
                    }
                    s = PipelineCatalog.named(scenario, root, traffic, ProjectLayout.outputDir(root).resolve("variants"));
                }
                Scenario.Builder changed = s.toBuilder().faultDelay(faultDelayMs);
                if (strategy != null) {
                    Scenario.Strategy how = Scenario.Strategy.of(strategy);
                    java.util.List<Scenario.Deployment> all = new java.util.ArrayList<>(s.deployments());
                    for (int i = 1; i < all.size(); i++) {
                        all.set(i, all.get(i).by(how));
                    }
                    changed.deployments(all);
                }
                if (allowNonRestoredState) {
                    changed.allowingNonRestoredState();
                }
                s = changed.build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (java.io.IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Cannot read the plan " + plan + ": " + e);
            }
            java.time.Duration patience;
            try {
                patience = org.apache.flink.util.TimeUtils.parseDuration(catchUpTimeout);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--catch-up-timeout takes a duration such as "
                        + "'90 s' or '5 min'.");
            }
            if (patience.isZero() || patience.isNegative()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--catch-up-timeout must be positive.");
            }
            if (!List.of("embedded", "containers", "external").contains(env)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Unknown environment '" + env + "'. Use --env embedded, containers or external.");
            }
            if (env.equals("external") && (bootstrapServers == null || flinkRest == null || savepointDir == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--env external needs --bootstrap-servers, "
                        + "--flink-rest and --savepoint-dir (for the docker-compose.yml of this project: "
                        + "--bootstrap-servers localhost:9092 --job-bootstrap-servers kafka:19092 "
                        + "--flink-rest http://localhost:8081 --savepoint-dir file:///flink-data/savepoints).");
            }
            if ((kafkaSettings.given() || jobKafkaProperties != null) && !env.equals("external")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "The " + env + " environment starts its own "
                        + "Kafka, which needs no client settings: --kafka-properties, --kafka-property and "
                        + "--job-kafka-properties are for --env external.");
            }
            java.util.Map<String, String> kafkaClientSettings = kafkaSettings.settings(spec);
            for (Scenario.Deployment d : s.deployments()) {
                if (!java.nio.file.Files.isRegularFile(d.jar())) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "The job jar " + d.jar()
                            + " does not exist. Build the jars first (./mvnw package -DskipTests), or point "
                            + "--project-root at the folder that holds job-v1/, job-v2/, ...");
                }
            }
            Path work = workDir != null ? workDir : ProjectLayout.outputDir(root).resolve("work");
            Path reports = reportDir != null ? reportDir : ProjectLayout.outputDir(root).resolve("reports").resolve(s.name());

            // Failures from here on (EnvironmentException, UpgradeException, FlinkJobException) carry a
            // message that says what happened and what to do; the handler above prints it, exit 2.
            Environment environment = switch (env) {
                case "external" -> new ExternalEnvironment(bootstrapServers,
                        jobBootstrapServers != null ? jobBootstrapServers : bootstrapServers, flinkRest, savepointDir,
                        Optional.ofNullable(localSavepointDir), kafkaClientSettings,
                        jobKafkaSettingsFile(kafkaClientSettings, work));
                case "containers" -> ContainersEnvironment.start(ContainerImages.resolve(root), work, s.slotsNeeded(), out);
                default -> EmbeddedEnvironment.start(work, s.slotsNeeded(), out);
            };
            // Ctrl-C: stop what the environment started, cleanly.
            Thread cleanup = new Thread(environment::close, "environment-shutdown");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try (Environment ignored = environment) {
                UpgradeRunner.Result result = new UpgradeRunner(environment, out).withRollback(!noRollback)
                        .withPreparedHops(preparedHops).withCatchUpTimeout(patience)
                        .withRecreatedTopics(recreateTopics).run(s, reports);
                return result.outcome().exitStatus();
            } finally {
                Runtime.getRuntime().removeShutdownHook(cleanup);
                if (writtenSettings != null) {
                    try {
                        java.nio.file.Files.deleteIfExists(writtenSettings);
                    } catch (java.io.IOException e) {
                        out.println("[harness] could not remove " + writtenSettings + " (it holds the Kafka client settings, "
                                + "readable by its owner only): " + e.getMessage() + ". Remove it yourself.");
                    }
                }
            }
        }

        /** The jobs' Kafka client settings as the harness wrote them for this run; removed after it. */
        private Path writtenSettings;

        /**
         * Where the jobs read the Kafka client settings: --job-kafka-properties as given, or a file
         * the harness writes into its work folder (one it made, or an empty one: never a folder of
         * the user's), readable by its owner only (for a JobManager on this machine), and removes
         * after the run; null when there are none.
         */
        private String jobKafkaSettingsFile(java.util.Map<String, String> settings, Path work) {
            if (jobKafkaProperties != null) {
                return jobKafkaProperties;
            }
            if (settings.isEmpty()) {
                return null;
            }
            try {
                com.example.upgrades.harness.env.Directories.empty(work);
                writtenSettings = new KafkaAccess(bootstrapServers, settings).writeSettings(work.resolve("kafka-client.properties"))
                        .toAbsolutePath();
                return writtenSettings.toString();
            } catch (java.io.IOException | com.example.upgrades.harness.env.EnvironmentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Cannot write the jobs' Kafka client "
                        + "settings into " + work + " (" + e.getMessage() + "). Nothing was deployed. Give the "
                        + "file yourself with --job-kafka-properties, as the JobManager sees its path.");
            }
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "List what a savepoint holds: operators (uid, id), their state names and kinds, "
                    + "max parallelism, key groups, sizes.")
    static final class Inspect implements Callable<Integer> {

        private final PrintStream out;

        Inspect(PrintStream out) {
            this.out = out;
        }

        @CommandLine.Parameters(paramLabel = "SAVEPOINT", description = "The savepoint folder (path or file: URI).")
        String savepoint;

        @Option(names = "--jar", description = "A job jar, to read serializer snapshots that name its classes "
                + "(default: the newest job-vN/target/job-vN.jar of the project).")
        Path jar;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Option(names = "--values", description = "Also read the values, with the State Processor API: each key's value "
                + "of every keyed value state, each open window's accumulator, where each Kafka source split resumes.")
        boolean values;

        @Option(names = "--limit", description = "With --values: how many values of each state to print "
                + "(default: ${DEFAULT-VALUE}); the count is always of all.")
        int limit = 20;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (limit < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 0 or more, got " + limit);
            }
            Path dir = savepointFolder(spec, savepoint);
            Path jobJar = jar != null ? jar : newestJobJar(ProjectLayout.findProjectRoot());
            try (java.net.URLClassLoader loader = new java.net.URLClassLoader(
                    jobJar == null ? new java.net.URL[0] : new java.net.URL[] {jobJar.toUri().toURL()},
                    HarnessCli.class.getClassLoader())) {
                SavepointInspector.Summary summary = SavepointInspector.inspect(dir, loader);
                if (!values) {
                    out.println(json ? Report.json(summary) : SavepointInspector.describe(summary));
                    return PASS;
                }
                SavepointValues.Values read = SavepointValues.read(dir, loader,
                        jobJar == null ? List.of() : List.of(jobJar.toUri().toURL()), limit);
                out.println(json ? Report.json(java.util.Map.of("savepoint", summary, "values", read))
                        : SavepointInspector.describe(summary) + "\n" + SavepointValues.describe(read));
            }
            return PASS;
        }

        private static Path newestJobJar(Path root) {
            for (String version : List.of("v3", "v2", "v1")) {
                Path candidate = ProjectLayout.jar(root, version);
                if (java.nio.file.Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            return null;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Before deploying: will this job jar restore from this savepoint? Builds the job's graph from "
                    + "the jar (nothing is started) and compares it with the savepoint: state without an operator, "
                    + "max parallelism, parallelism above max parallelism, state serializer compatibility.",
                    "Exit status: 0 compatible, 1 incompatible, 2 could not check."})
    static final class Check implements Callable<Integer> {

        private final PrintStream out;

        Check(PrintStream out) {
            this.out = out;
        }

        @CommandLine.Parameters(index = "0", paramLabel = "JAR", description = "The new version's job jar.")
        Path jar;

        @CommandLine.Parameters(index = "1", paramLabel = "SAVEPOINT",
                description = "The savepoint it would restore from (folder, path or file: URI).")
        String savepoint;

        @CommandLine.Parameters(index = "2..*", paramLabel = "JOB_ARGS",
                description = "The job's own arguments, after --, if its graph depends on them.")
        List<String> jobArgs = List.of();

        @Option(names = "--parallelism", description = "The parallelism it will be deployed at "
                + "(default: the savepoint's).")
        Integer parallelism;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.isRegularFile(jar)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "The job jar " + jar + " does not exist.");
            }
            if (parallelism != null && parallelism < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism must be at least 1.");
            }
            UpgradeCheck.Result result = UpgradeCheck.check(jar, savepointFolder(spec, savepoint), parallelism, jobArgs);
            out.println(json ? Report.json(result) : UpgradeCheck.describe(result));
            return result.compatible() ? PASS : FAIL;
        }
    }

    /** The pipelines the CLI knows, by name: those of the catalogs on the classpath. */
    public static Pipeline pipeline(String name) {
        for (PipelineCatalog c : PipelineCatalog.installed()) {
            if (c.pipeline().name().equals(name)) {
                return c.pipeline();
            }
        }
        throw new IllegalArgumentException("Unknown pipeline '" + name + "'. Known: " + PipelineCatalog.installed().stream()
                .map(c -> c.pipeline().name()).toList() + "; or describe yours in the plan (docs/own-pipeline.md).");
    }

    /** A savepoint folder given as a path or a file: URI; it must have a _metadata file. */
    private static Path savepointFolder(CommandLine.Model.CommandSpec spec, String savepoint) {
        Path dir = savepoint.startsWith("file:") ? Path.of(URI.create(savepoint)) : Path.of(savepoint);
        if (!java.nio.file.Files.isRegularFile(dir.resolve("_metadata")) && !java.nio.file.Files.isRegularFile(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), dir + " is not a savepoint: it has no "
                    + "_metadata file. Give the folder that stop-with-savepoint printed.");
        }
        return dir;
    }

    static final class ScenarioNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return PipelineCatalog.installed().stream().flatMap(c -> c.scenarioNames().stream()).iterator();
        }
    }
}
