package com.example.upgrades.harness.pipeline;

import java.util.Map;

/**
 * The Flink jobs a run started, as a verifier needs them: by job id, the index of the deployment
 * each one became (the ones that took, in order) and the version every started job was deployed as
 * (a job rolled back from included).
 */
public record RunJobs(Map<String, Integer> deploymentOfJob, Map<String, String> versionOfJob,
        Map<String, String> restoredFromOfJob) {

    /**
     * @param restoredFromOfJob the savepoint each job started from, as a folder on this machine (a
     *     job started fresh, or from a savepoint not on this machine, is absent)
     */
    public RunJobs {
        deploymentOfJob = Map.copyOf(deploymentOfJob);
        versionOfJob = Map.copyOf(versionOfJob);
        restoredFromOfJob = Map.copyOf(restoredFromOfJob);
    }

    public RunJobs(Map<String, Integer> deploymentOfJob, Map<String, String> versionOfJob) {
        this(deploymentOfJob, versionOfJob, Map.of());
    }

    /** No run: topics verified as they are, by whoever wrote them. */
    public static RunJobs unknown() {
        return new RunJobs(Map.of(), Map.of());
    }
}
