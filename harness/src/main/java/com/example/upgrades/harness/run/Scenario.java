package com.example.upgrades.harness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.example.upgrades.harness.traffic.TrafficGenerator;

/**
 * A sequence of deployments of the pipeline, each upgraded to the next through a savepoint while
 * the generator keeps writing.
 *
 * @param deployments the first is deployed fresh; each next one is a hop
 * @param restoreFromSavepoint false only to demonstrate what an upgrade without the savepoint loses
 * @param drainOnUpgrade true only to demonstrate why an upgrade must not drain (open windows fire early)
 */
public record Scenario(
        String name,
        List<Deployment> deployments,
        TrafficGenerator.Settings traffic,
        Duration windowSize,
        boolean restoreFromSavepoint,
        boolean drainOnUpgrade) {

    public Scenario(String name, List<Deployment> deployments, TrafficGenerator.Settings traffic, Duration windowSize,
            boolean restoreFromSavepoint) {
        this(name, deployments, traffic, windowSize, restoreFromSavepoint, false);
    }

    /**
     * One job version deployed at a parallelism.
     *
     * @param version the job_version it writes, e.g. "v1"
     * @param jar the shaded job jar, deployed as is
     * @param writerVersion the UserEvent schema the generator writes from this deployment on
     * @param allowNonRestoredState restore even if the savepoint holds state that no operator of this
     *     job claims (that state is dropped)
     */
    public record Deployment(String version, Path jar, int parallelism, String writerVersion,
            boolean allowNonRestoredState) {

        public Deployment(String version, Path jar, int parallelism, String writerVersion) {
            this(version, jar, parallelism, writerVersion, false);
        }

        @Override
        public String toString() {
            return version + " at parallelism " + parallelism;
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
                allowing.add(new Deployment(d.version(), d.jar(), d.parallelism(), d.writerVersion(), true)));
        return new Scenario(name, allowing, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade);
    }

    public int maxParallelism() {
        return deployments.stream().mapToInt(Deployment::parallelism).max().orElse(1);
    }
}
