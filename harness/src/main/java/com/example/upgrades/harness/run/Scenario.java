package com.example.upgrades.harness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.example.upgrades.harness.pipeline.Pipeline;
import com.example.upgrades.harness.pipeline.TrafficPlan;
import com.example.upgrades.harness.repair.SavepointRepair;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * An upgrade plan: a sequence of deployments of a pipeline's jobs, each upgraded to the next
 * through a savepoint while the pipeline's traffic keeps flowing. Built one way only, with
 * {@link #builder}: {@code Scenario.builder("upgrade", pipeline).deploy(v1).then(v2).traffic(t).build()};
 * {@link #toBuilder} makes a changed copy.
 *
 * @param pipeline whose topics, traffic and verifier the run uses
 * @param deployments the first is deployed fresh; each next one is a hop
 * @param restoreFromSavepoint false only to demonstrate what an upgrade without the savepoint loses
 * @param drainOnUpgrade true only to demonstrate why an upgrade must not drain (open windows fire early)
 * @param savepointFormat CANONICAL (default): a format every state backend reads, so the next
 *     version may change backend; NATIVE: the backend's own files, faster, same backend only
 * @param faults the real faults inflicted, each at its hop and moment (at most one that acts on the
 *     stop per hop: the stop can fail, or be replaced, in one way at a time)
 * @param expectRollback the plan's last deployment is meant to be refused (a rule broken on
 *     purpose): the run passes only if it is, and rolled back; any other rollback is the outcome
 *     ROLLED_BACK
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
        List<PlannedFault> faults,
        boolean expectRollback) {

    /** What a plan's name may be: it names the report's folder, so nothing that leaves it. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public Scenario {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(traffic, "traffic");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A plan's name names its report folder, so it is letters, digits, '.', "
                    + "'_' and '-' only, starting with a letter or digit, at most 100 characters; got "
                    + (name == null ? "none" : "one of " + name.length() + " characters that is not") + ".");
        }
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("A scenario needs at least one deployment");
        }
        if (windowSize == null || windowSize.isZero() || windowSize.isNegative()) {
            throw new IllegalArgumentException("The window size must be positive, e.g. 10 s; got " + windowSize + ".");
        }
        for (PlannedFault f : faults) {
            if (f.hop() >= deployments.size()) {
                throw new IllegalArgumentException("The fault " + f + " strikes at a hop this plan does not have (it has "
                        + (deployments.size() - 1) + ").");
            }
            if (f.fault() == Fault.TM_KILL_DURING_OVERLAP && deployments.get(f.hop()).strategy() == Strategy.STOP_AND_RESTORE) {
                throw new IllegalArgumentException("The fault " + f + " strikes during a blue/green overlap, and hop "
                        + f.hop() + " is a stop-and-restore: give it the strategy blue-green.");
            }
            long atTheStop = faults.stream().filter(g -> g.hop() == f.hop() && g.fault().actsOnTheStop()).count();
            if (atTheStop > 1) {
                throw new IllegalArgumentException("Hop " + f.hop() + " has " + atTheStop + " faults that act on its stop; a "
                        + "stop fails, or is replaced, in one way at a time.");
            }
        }
        faults = List.copyOf(faults);
        if (expectRollback && deployments.size() < 2) {
            throw new IllegalArgumentException("A plan that expects its last deployment to be refused needs a hop to it.");
        }
        deployments = List.copyOf(deployments);
    }

    public static Builder builder(String name, Pipeline pipeline) {
        return new Builder(name, pipeline);
    }

    /** A builder holding this scenario, to change some of it. */
    public Builder toBuilder() {
        Builder b = new Builder(name, pipeline);
        b.deployments.addAll(deployments);
        b.traffic = traffic;
        b.windowSize = windowSize;
        b.restoreFromSavepoint = restoreFromSavepoint;
        b.drainOnUpgrade = drainOnUpgrade;
        b.savepointFormat = savepointFormat;
        b.faults.addAll(faults);
        b.expectRollback = expectRollback;
        return b;
    }

    /** The one way to make a scenario. Defaults: savepoints in the canonical format, no fault, no drain. */
    public static final class Builder {
        private final String name;
        private final Pipeline pipeline;
        private final List<Deployment> deployments = new ArrayList<>();
        private TrafficPlan traffic;
        private Duration windowSize = Duration.ofSeconds(10);
        private boolean restoreFromSavepoint = true;
        private boolean drainOnUpgrade;
        private SavepointFormatType savepointFormat = SavepointFormatType.CANONICAL;
        private final List<PlannedFault> faults = new ArrayList<>();
        private boolean expectRollback;

        private Builder(String name, Pipeline pipeline) {
            this.name = name;
            this.pipeline = pipeline;
        }

        /** The first deployment, started fresh. */
        public Builder deploy(Deployment first) {
            if (!deployments.isEmpty()) {
                throw new IllegalStateException("deploy(...) starts a plan; add the next versions with then(...)");
            }
            deployments.add(first);
            return this;
        }

        /** The next deployment: a hop from the one before, through its savepoint. */
        public Builder then(Deployment next) {
            if (deployments.isEmpty()) {
                throw new IllegalStateException("then(...) follows deploy(...)");
            }
            deployments.add(next);
            return this;
        }

        /** Every deployment, the first deployed fresh. */
        public Builder deployments(List<Deployment> all) {
            deployments.clear();
            deployments.addAll(all);
            return this;
        }

        public Builder traffic(TrafficPlan plan) {
            traffic = plan;
            return this;
        }

        public Builder windowSize(Duration size) {
            windowSize = size;
            return this;
        }

        /** Every hop starts the next version WITHOUT the savepoint: what an upgrade without it loses. */
        public Builder withoutSavepoint() {
            restoreFromSavepoint = false;
            return this;
        }

        /** Every hop stops WITH drain: why an upgrade must not drain (open windows fire early). */
        public Builder drainingOnUpgrade() {
            drainOnUpgrade = true;
            return this;
        }

        public Builder savepointFormat(SavepointFormatType format) {
            savepointFormat = format;
            return this;
        }

        /** A real fault during the first hop, at its moment. */
        public Builder fault(Fault inflicted) {
            return fault(1, inflicted, 0);
        }

        /** A real fault at hop {@code hop} (from 1), {@code delayMs} after its moment in the runbook. */
        public Builder fault(int hop, Fault inflicted, long delayMs) {
            faults.add(new PlannedFault(hop, inflicted, delayMs));
            return this;
        }

        /** Every planned fault strikes this many ms after its moment in the runbook. */
        public Builder faultDelay(long delayMs) {
            faults.replaceAll(f -> new PlannedFault(f.hop(), f.fault(), delayMs));
            return this;
        }

        /** The last deployment is meant to be refused and rolled back (a rule broken on purpose). */
        public Builder expectingRollback() {
            expectRollback = true;
            return this;
        }

        /**
         * Every hop restores with allowNonRestoredState: state that no operator of the new version
         * claims is dropped instead of refusing the restore. A refusal is then no longer expected.
         */
        public Builder allowingNonRestoredState() {
            for (int i = 1; i < deployments.size(); i++) {
                deployments.set(i, deployments.get(i).allowingNonRestoredState());
            }
            expectRollback = false;
            return this;
        }

        public Scenario build() {
            return new Scenario(name, pipeline, deployments, traffic, windowSize, restoreFromSavepoint, drainOnUpgrade,
                    savepointFormat, faults, expectRollback);
        }
    }

    /**
     * One job version deployed at a parallelism. Made with {@link #of}, changed with its withers.
     *
     * @param version the job_version its output records must carry, e.g. "v1"
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
            boolean allowNonRestoredState, List<String> jobArgs, SavepointRepair repair, String flinkRelease,
            Strategy strategy) {

        public Deployment {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(jar, "jar");
            if (parallelism < 1) {
                throw new IllegalArgumentException("The parallelism of " + version + " must be at least 1, got " + parallelism + ".");
            }
            jobArgs = List.copyOf(jobArgs);
            Objects.requireNonNull(strategy, "strategy");
        }

        /** {@code version} of {@code jar} at {@code parallelism}; producers switch to its own input format. */
        public static Deployment of(String version, Path jar, int parallelism) {
            return new Deployment(version, jar, parallelism, version, false, List.of(), null, null, Strategy.STOP_AND_RESTORE);
        }

        /** The same deployment; producers switch to this input format once it is healthy. */
        public Deployment writing(String inputFormat) {
            return new Deployment(version, jar, parallelism, inputFormat, allowNonRestoredState, jobArgs, repair, flinkRelease,
                    strategy);
        }

        /** The same deployment with these program arguments added. */
        public Deployment withJobArgs(String... args) {
            List<String> all = new ArrayList<>(jobArgs);
            all.addAll(List.of(args));
            return new Deployment(version, jar, parallelism, writerVersion, allowNonRestoredState, all, repair, flinkRelease,
                    strategy);
        }

        /** The same deployment, restored even where the savepoint holds state it does not claim (dropped). */
        public Deployment allowingNonRestoredState() {
            return new Deployment(version, jar, parallelism, writerVersion, true, jobArgs, repair, flinkRelease, strategy);
        }

        /** The same deployment, restored from a repaired copy of the savepoint it is given. */
        public Deployment withSavepointRepair(SavepointRepair savepointRepair) {
            return new Deployment(version, jar, parallelism, writerVersion, allowNonRestoredState, jobArgs, savepointRepair,
                    flinkRelease, strategy);
        }

        /** The same deployment on a cluster of another Flink release, e.g. "2.1"; its jar must be built for it. */
        public Deployment onFlink(String release) {
            return new Deployment(version, jar, parallelism, writerVersion, allowNonRestoredState, jobArgs, repair, release,
                    strategy);
        }

        /** The same deployment, reached from the one before by this strategy. */
        public Deployment by(Strategy how) {
            return new Deployment(version, jar, parallelism, writerVersion, allowNonRestoredState, jobArgs, repair, flinkRelease,
                    how);
        }

        @Override
        public String toString() {
            return version + " at parallelism " + parallelism + (flinkRelease != null ? " on Flink " + flinkRelease : "")
                    + (strategy == Strategy.STOP_AND_RESTORE ? "" : " (" + strategy.label() + ")");
        }
    }

    /** How a hop gets from one deployment to the next. */
    public enum Strategy {
        /** Stop the running version with a savepoint, start the next one from it: an output gap, exactly once. */
        STOP_AND_RESTORE("stop-and-restore"),
        /**
         * Blue/green with a gated cutover: a savepoint of the running version without stopping it,
         * the next one started from it beside it, each emitting only its side of a cutover both
         * decide alike; the old one stopped once its side is committed. Needs jobs that carry the
         * gate (the pipeline's cutover()).
         */
        BLUE_GREEN("blue-green"),
        /**
         * Blue/green without a gate, as a deployment operator's basic mode does it: both run, both
         * emit, the old one is removed once the new one is healthy. What both emitted is duplicated.
         */
        BLUE_GREEN_UNGATED("blue-green-ungated");

        private final String label;

        Strategy(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The strategy of a label, e.g. "blue-green"; IllegalArgumentException naming the labels otherwise. */
        public static Strategy of(String label) {
            for (Strategy s : values()) {
                if (s.label.equals(label)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("Unknown strategy '" + label + "': use stop-and-restore, blue-green or "
                    + "blue-green-ungated.");
        }
    }

    /** The faults planned at hop {@code hop} (from 1). */
    public List<PlannedFault> faultsAt(int hop) {
        return faults.stream().filter(f -> f.hop() == hop).toList();
    }

    /**
     * The task slots the run needs at once: a deployment's parallelism, and during a blue/green hop
     * both versions' together (they run side by side).
     */
    public int slotsNeeded() {
        int slots = deployments.get(0).parallelism();
        for (int i = 1; i < deployments.size(); i++) {
            Deployment d = deployments.get(i);
            slots = Math.max(slots, d.strategy() == Strategy.STOP_AND_RESTORE ? d.parallelism()
                    : d.parallelism() + deployments.get(i - 1).parallelism());
        }
        return slots;
    }

    public int maxParallelism() {
        return deployments.stream().mapToInt(Deployment::parallelism).max().orElse(1);
    }
}
