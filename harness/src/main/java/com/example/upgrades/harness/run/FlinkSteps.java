package com.example.upgrades.harness.run;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.harness.flink.FlinkJobException;
import com.example.upgrades.harness.flink.FlinkJobs;
import com.example.upgrades.harness.run.Scenario.Deployment;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The Flink side of the runbook, each step as a user does it through the REST API, with its
 * failure said in a message that says what it means for the data and what to do; and the one
 * failure watch every wait on a job goes through.
 */
final class FlinkSteps implements AutoCloseable {

    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(2);

    private final Environment env;
    private final Scenario scenario;
    private final PrintStream out;
    /** A client of each Flink cluster the scenario deploys to, by release (the environment's own under ""). */
    private final Map<String, FlinkJobs> clusters = new HashMap<>();
    /** The cluster of each job this run started. */
    private final Map<JobID, FlinkJobs> clusterOfJob = new HashMap<>();
    /** The Flink version each cluster reports, by release. */
    private final Map<String, String> versions = new HashMap<>();
    private final Map<String, String> jarIds = new HashMap<>();

    FlinkSteps(Environment env, Scenario scenario, PrintStream out) {
        this.env = env;
        this.scenario = scenario;
        this.out = out;
        clusters.put("", new FlinkJobs(env.flinkRestEndpoint()));
    }

    /** The client of the cluster that runs {@code job}. */
    FlinkJobs jobs(JobID job) {
        return clusterOfJob.getOrDefault(job, clusters.get(""));
    }

    private static String release(Deployment d) {
        return release(d.flinkRelease());
    }

    private static String release(String flinkRelease) {
        return flinkRelease == null ? "" : flinkRelease;
    }

    /** The client of the cluster a deployment runs on; a cluster of another release starts on first use. */
    FlinkJobs cluster(Deployment d) {
        return cluster(d.flinkRelease());
    }

    /** The client of the cluster of a Flink release (null: the environment's own). */
    FlinkJobs cluster(String flinkRelease) {
        return clusters.computeIfAbsent(release(flinkRelease), release -> new FlinkJobs(env.flinkRestEndpoint(flinkRelease)));
    }

    /** The Flink version that runs a deployment, as its cluster reports it: what the report shows. */
    String flinkVersion(Deployment d) {
        return versions.computeIfAbsent(release(d), release -> figure("the Flink version", () -> cluster(d).flinkVersion(), null));
    }

    /**
     * Before anything is deployed: every deployment fits in its cluster's task slots (a job wider
     * than its cluster waits for slots that never come, until its deployment times out), except the
     * one a plan expects to be refused.
     */
    void checkSlots() {
        List<Deployment> all = scenario.deployments();
        for (int i = 0; i < all.size(); i++) {
            Deployment d = all.get(i);
            boolean refusalExpected = scenario.expectRollback() && i == all.size() - 1;
            int slots = cluster(d).totalSlots();
            int needed = i > 0 && d.strategy() != Scenario.Strategy.STOP_AND_RESTORE
                    ? d.parallelism() + all.get(i - 1).parallelism() : d.parallelism();
            if (needed > slots && !refusalExpected) {
                throw new UpgradeException(d + " needs " + needed + " task slots" + (needed > d.parallelism()
                        ? " (beside the version before it, for a blue/green hop)" : "") + ", and its cluster has " + slots
                        + ".\nWhat it means for the data: nothing was deployed, nothing was read or written.\nWhat to do: "
                        + "deploy it at " + slots + " or less, or give the cluster more TaskManagers or "
                        + "taskmanager.numberOfTaskSlots.");
            }
        }
    }

    /**
     * The jars already uploaded, by cluster and jar file (its path, size and time): a cluster that
     * several runs share (the tests' shared environment, a soak) gets each jar once, not once per
     * run. A cluster that no longer knows the jar (restarted on the same port) gets it again.
     */
    private static final Map<String, String> UPLOADED = new java.util.concurrent.ConcurrentHashMap<>();

    private String uploadKey(Deployment d) {
        try {
            return (d.flinkRelease() == null ? env.flinkRestEndpoint() : env.flinkRestEndpoint(d.flinkRelease())) + " "
                    + d.jar().toAbsolutePath() + " " + Files.size(d.jar()) + " " + Files.getLastModifiedTime(d.jar()).toMillis();
        } catch (java.io.IOException e) {
            throw new UpgradeException("Cannot read the job jar " + d.jar() + ": " + e.getMessage(), e);
        }
    }

    /** Uploads each job jar once to each cluster that runs it (POST /jars/upload), unless that cluster has it already. */
    void uploadJars() {
        for (Deployment d : scenario.deployments()) {
            String key = release(d) + " " + d.jar();
            if (!jarIds.containsKey(key)) {
                if (!Files.isRegularFile(d.jar())) {
                    throw new UpgradeException("The job jar " + d.jar() + " does not exist. Build it first with "
                            + "./mvnw package -DskipTests. Nothing was deployed.");
                }
                String cached = UPLOADED.get(uploadKey(d));
                if (cached != null) {
                    jarIds.put(key, cached);
                    out.println("[runner] " + d.jar().getFileName() + " is on the cluster already, as " + cached);
                    continue;
                }
                upload(d, key);
            }
        }
    }

    private void upload(Deployment d, String key) {
        String id = cluster(d).uploadJar(d.jar());
        jarIds.put(key, id);
        UPLOADED.put(uploadKey(d), id);
        out.println("[runner] uploaded " + d.jar().getFileName() + " as " + id
                + (d.flinkRelease() == null ? "" : " to the Flink " + flinkVersion(d) + " cluster"));
    }

    /** Every argument a deployment gets: the pipeline's, then its own, then its generation's (blue/green). */
    List<String> arguments(Deployment d) {
        List<String> args = new ArrayList<>(scenario.pipeline().jobArguments(env.kafkaBootstrapServersForJobs(),
                env.kafkaPropertiesForJobs(), scenario.windowSize(), UpgradeRunner.CHECKPOINT_INTERVAL));
        args.addAll(d.jobArgs());
        args.addAll(generationArguments);
        return args;
    }

    private int generation;
    private List<String> generationArguments = List.of();

    /** The blue/green generation the next deployments are: 0 until a blue/green hop took. */
    int generation() {
        return generation;
    }

    List<String> generationArguments() {
        return generationArguments;
    }

    /** From now on, deployments are generation {@code g}, with these arguments (its consumer group, its sinks). */
    void useGeneration(int g, List<String> arguments) {
        generation = g;
        generationArguments = List.copyOf(arguments);
    }

    /** What every job of the plan is submitted with, for its faults (e.g. keep checkpoints on cancel). */
    private Map<String, String> jobSettings() {
        Map<String, String> settings = new HashMap<>();
        scenario.faults().forEach(f -> settings.putAll(FaultInjection.of(f).jobConfiguration()));
        return settings;
    }

    /**
     * A deployment's job graph, built here from its jar before the hop (its main() run by Flink's
     * client library, in a class loader of the jar's own, as {@code flink run} builds it on the
     * client), so that the hop only has to submit it.
     */
    record PreparedJob(Deployment deployment, org.apache.flink.runtime.jobgraph.JobGraph graph, long buildMs) {}

    PreparedJob prepare(Deployment d) {
        if (d.flinkRelease() != null) {
            throw new UpgradeException(d + " runs on another Flink release: its graph can only be built by that release's "
                    + "client. Run its hop without --prepared-hops.");
        }
        long started = System.currentTimeMillis();
        org.apache.flink.configuration.Configuration configuration = new org.apache.flink.configuration.Configuration();
        jobSettings().forEach(configuration::setString);
        try (org.apache.flink.client.program.PackagedProgram program = org.apache.flink.client.program.PackagedProgram.newBuilder()
                .setJarFile(d.jar().toFile()).setArguments(arguments(d).toArray(String[]::new))
                .setConfiguration(configuration).build()) {
            org.apache.flink.runtime.jobgraph.JobGraph graph = org.apache.flink.client.program.PackagedProgramUtils
                    .createJobGraph(program, configuration, d.parallelism(), true);
            return new PreparedJob(d, graph, System.currentTimeMillis() - started);
        } catch (Exception e) {
            throw new UpgradeException("The job graph of " + d + " could not be built from " + d.jar() + ": "
                    + FlinkJobs.rootMessage(e) + "\nWhat it means for the data: nothing; the running version was not "
                    + "stopped.\nWhat to do: look at the cause above (its main() ran here, as `flink run` runs it).", e);
        }
    }

    /** Submits a prepared job, fresh or from a savepoint. */
    JobID submit(PreparedJob prepared, String savepoint) {
        Deployment d = prepared.deployment();
        try {
            FlinkJobs cluster = cluster(d);
            prepared.graph().setSavepointRestoreSettings(savepoint == null
                    ? org.apache.flink.runtime.jobgraph.SavepointRestoreSettings.none()
                    : org.apache.flink.runtime.jobgraph.SavepointRestoreSettings.forPath(savepoint, d.allowNonRestoredState(),
                            org.apache.flink.core.execution.RecoveryClaimMode.NO_CLAIM));
            JobID job = cluster.submit(prepared.graph());
            clusterOfJob.put(job, cluster);
            return job;
        } catch (RuntimeException e) {
            throw new UpgradeException(restoreFailure(d, savepoint, e.getMessage()), e);
        }
    }

    /**
     * Runs the deployment's jar (POST /jars/:id/run), fresh or from a savepoint (or a retained
     * checkpoint). In a plan that restores from checkpoints, every job keeps its checkpoints when
     * cancelled (execution.checkpointing.externalized-checkpoint-retention, given with the run).
     */
    JobID deploy(Deployment d, String savepoint) {
        Map<String, String> faultSettings = jobSettings();
        Map<String, String> config = faultSettings.isEmpty() ? null : faultSettings;
        try {
            FlinkJobs cluster = cluster(d);
            String key = release(d) + " " + d.jar();
            JobID job;
            try {
                job = cluster.run(new FlinkJobs.Submission(jarIds.get(key), d.parallelism(), savepoint,
                        d.allowNonRestoredState(), arguments(d), config));
            } catch (FlinkJobException e) {
                if (!String.valueOf(e.getMessage()).contains("does not exist")) {
                    throw e;
                }
                // The cluster lost the jar (it was restarted): upload it again, once.
                UPLOADED.remove(uploadKey(d));
                upload(d, key);
                job = cluster.run(new FlinkJobs.Submission(jarIds.get(key), d.parallelism(), savepoint,
                        d.allowNonRestoredState(), arguments(d), config));
            }
            clusterOfJob.put(job, cluster);
            return job;
        } catch (RuntimeException e) {
            throw new UpgradeException(restoreFailure(d, savepoint, e.getMessage()), e);
        }
    }

    /** Until every task of the job runs (its state restored), watching for failure. */
    void awaitAllTasksRunning(JobID job, Deployment d, String savepoint) {
        try {
            await("all tasks of " + d + " RUNNING").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        watch(job, d, savepoint, "instead of RUNNING");
                        return jobs(job).allTasksRunning(job);
                    });
        } catch (ConditionTimeoutException e) {
            throw new UpgradeException(d + " did not reach RUNNING within " + DEPLOY_TIMEOUT.toSeconds()
                    + " s (job " + job + ", status " + jobs(job).status(job) + "). Are there enough task slots for "
                    + "parallelism " + d.parallelism() + "?", e);
        }
    }

    /**
     * Until a job that failed over (restarts are expected here: a fault, a failed savepoint) runs
     * again, every task; bounded.
     */
    void awaitRunningAgain(JobID job, Deployment d) {
        await(d + " RUNNING again").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> jobs(job).allTasksRunning(job));
    }

    /**
     * The failure watch: a job that failed, or restarts, inside a window where it must not (while
     * it restores, or before its first output) fails the step. A restarting job is cancelled: it
     * would only fail again.
     */
    void watch(JobID job, Deployment d, String savepoint, String when) {
        FlinkJobs flink = jobs(job);
        JobStatus status = flink.status(job);
        if (status.isGloballyTerminalState() || status == JobStatus.RESTARTING) {
            String cause = flink.failureCause(job).orElse("(no cause reported)");
            if (!status.isGloballyTerminalState()) {
                flink.cancel(job);
            }
            throw new UpgradeException(restoreFailure(d, savepoint, status + " " + when + ": " + cause));
        }
    }

    static String restoreFailure(Deployment d, String savepoint, String cause) {
        if (savepoint == null) {
            return d + " could not be started: " + cause;
        }
        return d + " could not be restored from the savepoint " + savepoint + ": " + cause
                + "\nWhat it means for the data: nothing is lost. The previous version stopped cleanly at the savepoint; "
                + "its output up to that point is committed, and the input since then waits in Kafka."
                + "\nWhat to do: redeploy the previous version from the same savepoint to resume, then fix the new "
                + "version (see the cause above) before trying again.";
    }

    void awaitFinished(JobID job, Deployment d) {
        await(d + " FINISHED after stop-with-savepoint").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> jobs(job).status(job).isGloballyTerminalState());
    }

    /** What the savepoint weighs on disk; -1 where it is not on this machine. */
    long savepointBytes(String savepoint) {
        return env.localPath(savepoint).map(path -> {
            try (Stream<Path> files = Files.walk(path)) {
                return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            } catch (IOException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    /** Asks Flink, and says so rather than failing the run, when a figure cannot be had. */
    <T> T figure(String what, Callable<T> ask, T otherwise) {
        try {
            return ask.call();
        } catch (Exception e) {
            out.println("[runner] could not read " + what + " from Flink: " + e.getMessage());
            return otherwise;
        }
    }

    @Override
    public void close() {
        clusters.values().forEach(FlinkJobs::close);
    }
}
