package com.example.upgrades.harness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.repair.SavepointRepair;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * An upgrade plan: a sequence of deployments of a pipeline's jobs, each upgraded to the next
 * through a savepoint while the pipeline's traffic keeps flowing.
 *
 * @param pipeline whose topics, traffic and verifier the run uses
 * @param deployments the first is deployed fresh; each next one is a hop
 * @param restoreFromSavepoint false only to demonstrate what an upgrade without the savepoint loses
 * @param drainOnUpgrade true only to demonstrate why an upgrade must not drain (open windows fire early)
 * @param savepointFormat CANONICAL (default): a format every state backend reads, so the next
 *     version may change backend; NATIVE: the backend's own files, faster, same backend only
 * @param fault a real fault inflicted during the first hop, or NONE
 * @param faultDelayMs when the fault strikes, in ms after its moment in the runbook (0: at once):
 *     after the traffic reached the stop (TaskManager before the stop), after the stop was asked
 *     (TaskManager during the savepoint, broker restart), after the new version's first committed
 *     output (crash after healthy). The soak draws it at random, seeded.
 */
public record Scenario(
        String name,
        Pipeline pipeline,
        List<Deployment> deployments,
        TrafficPlan traffic,
        Duration windowSize,
        boolean restoreFromSavepoint,
        boolean drainOnUpgrade,
        SavepointFormatType savepointFormat,
        Fault fault,
        long faultDelayMs) {

    public Scenario(String name, Pipeline pipeline, List<Deployment> deployments, TrafficPlan traffic,
            Duration windowSize, boolean restoreFromSavepoint, boolean drainOnUpgrade, SavepointFormatType savepointFormat,
            Fault fault) {
        this(name, pipeline, deployments, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade, savepointFormat, fault, 0);
    }

    public Scenario(String name, Pipeline pipeline, List<Deployment> deployments, TrafficPlan traffic,
            Duration windowSize, boolean restoreFromSavepoint) {
        this(name, pipeline, deployments, traffic, windowSize, restoreFromSavepoint, false);
    }

    public Scenario(String name, Pipeline pipeline, List<Deployment> deployments, TrafficPlan traffic,
            Duration windowSize, boolean restoreFromSavepoint, boolean drainOnUpgrade) {
        this(name, pipeline, deployments, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade,
                SavepointFormatType.CANONICAL, Fault.NONE);
    }

    /** The same scenario with its upgrade savepoints taken in another format. */
    public Scenario withSavepointFormat(SavepointFormatType format) {
        return new Scenario(name, pipeline, deployments, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade, format,
                fault, faultDelayMs);
    }

    /** The same scenario with other traffic. */
    public Scenario withTraffic(TrafficPlan other) {
        return new Scenario(name, pipeline, deployments, other, windowSize, restoreFromSavepoint, drainOnUpgrade,
                savepointFormat, fault, faultDelayMs);
    }

    /** The same scenario with a real fault during its first hop. */
    public Scenario withFault(Fault inflicted) {
        return new Scenario(name, pipeline, deployments, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade,
                savepointFormat, inflicted, faultDelayMs);
    }

    /** The same fault, striking {@code delayMs} after its moment in the runbook. */
    public Scenario withFaultDelay(long delayMs) {
        return new Scenario(name, pipeline, deployments, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade,
                savepointFormat, fault, delayMs);
    }

    /**
     * One job version deployed at a parallelism.
     *
     * @param version the job_version it writes, e.g. "v1"
     * @param jar the shaded job jar, deployed as is
     * @param writerVersion the input format producers switch to once this deployment is healthy
     * @param allowNonRestoredState restore even if the savepoint holds state that no operator of this
     *     job claims (that state is dropped)
     * @param jobArgs program arguments of this deployment, after the ones every deployment gets
     *     (e.g. --state-backend rocksdb)
     * @param repair null, or a change written into a copy of the savepoint before this deployment
     *     restores it (a rollback restores the original)
     * @param flinkRelease null to run on the environment's Flink; else the Flink release whose
     *     cluster runs it (an upgrade of Flink itself: the previous release, {@code "2.1"}), with a
     *     jar built for that release
     */
    public record Deployment(String version, Path jar, int parallelism, String writerVersion,
            boolean allowNonRestoredState, List<String> jobArgs, SavepointRepair repair, String flinkRelease) {

        public Deployment {
            jobArgs = List.copyOf(jobArgs);
        }

        public Deployment(String version, Path jar, int parallelism, String writerVersion,
                boolean allowNonRestoredState, List<String> jobArgs, SavepointRepair repair) {
            this(version, jar, parallelism, writerVersion, allowNonRestoredState, jobArgs, repair, null);
        }

        public Deployment(String version, Path jar, int parallelism, String writerVersion,
                boolean allowNonRestoredState, List<String> jobArgs) {
            this(version, jar, parallelism, writerVersion, allowNonRestoredState, jobArgs, null);
        }

        public Deployment(String version, Path jar, int parallelism, String writerVersion) {
            this(version, jar, parallelism, writerVersion, false, List.of());
        }

        /** The same deployment with these program arguments added. */
        public Deployment withJobArgs(String... args) {
            List<String> all = new java.util.ArrayList<>(jobArgs);
            all.addAll(List.of(args));
            return new Deployment(version, jar, parallelism, writerVersion, allowNonRestoredState, all, repair, flinkRelease);
        }

        /** The same deployment, restored from a repaired copy of the savepoint it is given. */
        public Deployment withSavepointRepair(SavepointRepair savepointRepair) {
            return new Deployment(version, jar, parallelism, writerVersion, allowNonRestoredState, jobArgs, savepointRepair,
                    flinkRelease);
        }

        /** The same deployment on a cluster of another Flink release, e.g. "2.1"; its jar must be built for it. */
        public Deployment onFlink(String release) {
            return new Deployment(version, jar, parallelism, writerVersion, allowNonRestoredState, jobArgs, repair, release);
        }

        @Override
        public String toString() {
            return version + " at parallelism " + parallelism + (flinkRelease != null ? " on Flink " + flinkRelease : "");
        }
    }

    public Scenario {
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("A scenario needs at least one deployment");
        }
        deployments = List.copyOf(deployments);
    }

    /**
     * The same scenario, but every hop restores with allowNonRestoredState: state that no operator
     * of the new version claims is dropped instead of refusing the restore.
     */
    public Scenario withAllowNonRestoredState() {
        List<Deployment> allowing = new java.util.ArrayList<>(deployments.subList(0, 1));
        deployments.subList(1, deployments.size()).forEach(d ->
                allowing.add(new Deployment(d.version(), d.jar(), d.parallelism(), d.writerVersion(), true, d.jobArgs(),
                        d.repair(), d.flinkRelease())));
        return new Scenario(name, pipeline, allowing, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade,
                savepointFormat, fault, faultDelayMs);
    }

    public int maxParallelism() {
        return deployments.stream().mapToInt(Deployment::parallelism).max().orElse(1);
    }
}
