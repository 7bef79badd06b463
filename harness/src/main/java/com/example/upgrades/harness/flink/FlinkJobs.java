package com.example.upgrades.harness.flink;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.JobVertexMessageParameters;
import org.apache.flink.runtime.rest.messages.SubtasksTimesHeaders;
import org.apache.flink.runtime.rest.messages.SubtasksTimesInfo;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobExceptionsMessageParameters;
import org.apache.flink.runtime.rest.FileUpload;
import org.apache.flink.runtime.rest.RestClient;
import org.apache.flink.runtime.rest.messages.DashboardConfigurationHeaders;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.rest.util.RestConstants;
import org.apache.flink.runtime.webmonitor.handlers.JarRunHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarRunMessageParameters;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.apache.flink.runtime.webmonitor.handlers.JarUploadHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarUploadResponseBody;
import org.apache.flink.util.ExceptionUtils;

/**
 * Deploys and stops jobs through Flink's REST API, with Flink's own client and message types,
 * the way {@code flink run} and {@code flink stop} do: upload the shaded jar, run it with a
 * parallelism and (optionally) a savepoint, stop it with a savepoint.
 */
public final class FlinkJobs implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final String host;
    private final int port;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flink-rest-client");
        t.setDaemon(true);
        return t;
    });
    private final RestClient rest;
    private final RestClusterClient<StandaloneClusterId> client;

    public FlinkJobs(URI restEndpoint) {
        this.host = restEndpoint.getHost();
        this.port = restEndpoint.getPort();
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.PORT, port);
        try {
            this.rest = new RestClient(conf, executor);
            this.client = new RestClusterClient<>(conf, StandaloneClusterId.getInstance());
        } catch (Exception e) {
            throw new FlinkJobException("Cannot create a REST client for Flink at " + restEndpoint + ": " + e.getMessage(), e);
        }
    }

    /** A submission: which uploaded jar, at which parallelism, restored from which savepoint. */
    public record Submission(
            String jarId, int parallelism, String savepointPath, boolean allowNonRestoredState, List<String> args,
            java.util.Map<String, String> flinkConfiguration) {

        public Submission(String jarId, int parallelism, String savepointPath, boolean allowNonRestoredState,
                List<String> args) {
            this(jarId, parallelism, savepointPath, allowNonRestoredState, args, null);
        }
    }

    /** Uploads a job jar (POST /jars/upload) and returns its id on the cluster. */
    public String uploadJar(Path jar) {
        JarUploadResponseBody response = await("upload " + jar, () -> rest.sendRequest(host, port,
                JarUploadHeaders.getInstance(), EmptyMessageParameters.getInstance(), EmptyRequestBody.getInstance(),
                List.of(new FileUpload(jar, RestConstants.CONTENT_TYPE_JAR))));
        return Path.of(response.getFilename()).getFileName().toString();
    }

    /**
     * Runs an uploaded jar (POST /jars/:jarid/run). With a savepoint path, Flink restores every
     * operator's state from it; with allowNonRestoredState it tolerates savepoint state that no
     * operator of the new job claims (and drops that state).
     */
    public JobID run(Submission s) {
        return runJar("run " + s.jarId() + (s.savepointPath() == null ? "" : " from " + s.savepointPath()), s.jarId(),
                new JarRunRequestBody(null, s.args(), s.parallelism(), null, s.allowNonRestoredState(), s.savepointPath(),
                        RecoveryClaimMode.NO_CLAIM, s.flinkConfiguration()));
    }

    private JobID runJar(String what, String jarId, JarRunRequestBody body) {
        JarRunMessageParameters params = JarRunHeaders.getInstance().getUnresolvedMessageParameters();
        params.jarIdPathParameter.resolve(jarId);
        return await(what, () -> rest.sendRequest(host, port, JarRunHeaders.getInstance(), params, body)).getJobId();
    }

    /**
     * Runs a program of an uploaded jar ({@code flink run -c ENTRY}) and waits until its job has
     * ended: a batch job of its own, such as a State Processor API program. Throws unless it FINISHED.
     */
    public JobID runToEnd(String jarId, String entryClass, int parallelism, List<String> args, Duration within) {
        JobID job = runJar("run " + entryClass + " of " + jarId, jarId,
                new JarRunRequestBody(entryClass, args, parallelism, null, false, null, RecoveryClaimMode.NO_CLAIM, null));
        JobStatus status;
        try {
            status = org.awaitility.Awaitility.await(entryClass + " to end").atMost(within).pollInterval(Duration.ofMillis(200))
                    .until(() -> status(job), JobStatus::isGloballyTerminalState);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new FlinkJobException(entryClass + " did not end within " + within.toSeconds() + " s (job " + job + ")", e);
        }
        if (status != JobStatus.FINISHED) {
            throw new FlinkJobException(entryClass + " ended " + status + " (job " + job + "): see the cluster's log", null);
        }
        return job;
    }

    /** The Flink version of the cluster, as its REST API reports it (GET /config), e.g. "2.2.1". */
    public String flinkVersion() {
        return await("the cluster's configuration", () -> rest.sendRequest(host, port,
                DashboardConfigurationHeaders.getInstance(), EmptyMessageParameters.getInstance(),
                EmptyRequestBody.getInstance())).getFlinkVersion();
    }

    /**
     * Submits a job graph built beforehand (POST /jobs, with its jars), as {@code flink run} does
     * after building the graph on the client: what a prepared hop does the moment the savepoint is
     * complete, instead of running the jar's main() on the JobManager.
     */
    public JobID submit(org.apache.flink.runtime.jobgraph.JobGraph graph) {
        return await("submit " + graph.getName(), () -> client.submitJob(graph));
    }

    /** Triggers a checkpoint now (POST /jobs/:jobid/checkpoints; by hand: {@code flink checkpoint <jobId>}); returns its id. */
    public java.util.concurrent.CompletableFuture<Long> triggerCheckpoint(JobID job) {
        return client.triggerCheckpoint(job, org.apache.flink.core.execution.CheckpointType.DEFAULT);
    }

    /** The task slots of the cluster's TaskManagers, in all (GET /overview). */
    public int totalSlots() {
        return await("the cluster's overview", () -> rest.sendRequest(host, port,
                org.apache.flink.runtime.rest.messages.ClusterOverviewHeaders.getInstance(),
                EmptyMessageParameters.getInstance(), EmptyRequestBody.getInstance())).getNumSlotsTotal();
    }

    public JobStatus status(JobID job) {
        return await("status of " + job, () -> client.getJobStatus(job));
    }

    /** A job's state and its vertices, as every Flink release since 1.x reports them. */
    public record JobDetails(String state, List<Vertex> vertices) {}

    /** One vertex of a job: its id, name (the chained operators' names), state and parallelism. */
    public record Vertex(JobVertexID id, String name, String status, int parallelism) {}

    /**
     * GET /jobs/:jobid, read field by field: Flink's own response class for it has gained fields
     * that an older release (1.20) does not send, and refuses such a response; the fields read here
     * are in every release this harness deploys to.
     */
    public JobDetails details(JobID job) {
        com.fasterxml.jackson.databind.JsonNode body = getJson("/jobs/" + job, "report the details of " + job);
        List<Vertex> vertices = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode v : body.path("vertices")) {
            vertices.add(new Vertex(JobVertexID.fromHexString(v.path("id").asText()), v.path("name").asText(),
                    v.path("status").asText(), v.path("parallelism").asInt()));
        }
        return new JobDetails(body.path("state").asText(), vertices);
    }

    /**
     * True when the job and every one of its tasks are RUNNING (state restored, processing). Asked
     * of GET /jobs/overview (each job's tasks counted by state), not of GET /jobs/:jobid: the
     * latter makes the REST endpoint fetch every metric of the cluster (at most every
     * metrics.fetcher.update-interval), which polled while a job starts cost about a tenth of a
     * scenario's CPU.
     */
    public boolean allTasksRunning(JobID job) {
        for (com.fasterxml.jackson.databind.JsonNode j : getJson("/jobs/overview", "report the jobs' overview").path("jobs")) {
            if (job.toHexString().equals(j.path("jid").asText())) {
                com.fasterxml.jackson.databind.JsonNode tasks = j.path("tasks");
                return "RUNNING".equals(j.path("state").asText()) && tasks.path("total").asInt() > 0
                        && tasks.path("running").asInt() == tasks.path("total").asInt();
            }
        }
        return false;
    }

    /** GET {@code path} of the REST API as JSON, read field by field by the caller; an error status is a failure. */
    private com.fasterxml.jackson.databind.JsonNode getJson(String path, String what) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                URI.create("http://" + host + ":" + port + path)).GET().build();
        return await(what, () -> HTTP.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    com.fasterxml.jackson.databind.JsonNode body;
                    try {
                        body = JSON.readTree(response.body());
                    } catch (IOException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                    if (response.statusCode() != 200) {
                        throw new java.util.concurrent.CompletionException(new IOException(
                                "HTTP " + response.statusCode() + ": " + body.path("errors")));
                    }
                    return body;
                }));
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(10)).build();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Stops the job with a savepoint and returns the savepoint's path. {@code drain} first sends
     * the final watermark, which fires every open window: right for a final stop, wrong for an
     * upgrade (the windows would fire early instead of continuing in the next version).
     */
    public String stopWithSavepoint(JobID job, boolean drain, String directory) {
        return stopWithSavepoint(job, drain, directory, SavepointFormatType.CANONICAL);
    }

    /**
     * The same, in a given format. CANONICAL (the default) is written in a form every state
     * backend reads, so the next job may use another backend; NATIVE is the backend's own format
     * (for RocksDB: its SST files), faster to take and restore but only for the same backend.
     */
    public String stopWithSavepoint(JobID job, boolean drain, String directory, SavepointFormatType format) {
        return await("stop " + job + " with savepoint",
                () -> client.stopWithSavepoint(job, drain, directory, format));
    }

    /**
     * Cancel with savepoint: an intermediate savepoint, then the job is cancelled. Unlike a stop, it
     * commits nothing: Flink stops its periodic checkpoints first, and since Flink 1.15 a savepoint
     * that does not stop the job does not commit side effects, so the transactions the sinks
     * pre-committed in it stay open until a job restored from it commits them. Deprecated for
     * upgrades (use {@link #stopWithSavepoint}); the harness uses it to show that commit on restore.
     */
    public String cancelWithSavepoint(JobID job, String directory, SavepointFormatType format) {
        return await("cancel " + job + " with savepoint", () -> client.cancelWithSavepoint(job, directory, format));
    }

    /**
     * When the job's tasks got going, from Flink's own per-subtask state timestamps: the moment the
     * last subtask started INITIALIZING (deployed on a TaskManager, about to restore its state) and
     * the moment the last subtask was RUNNING (state restored, processing). -1 where unknown.
     */
    public record TaskStartTimes(long lastInitializing, long lastRunning) {}

    public TaskStartTimes taskStartTimes(JobID job) {
        long lastInitializing = -1;
        long lastRunning = -1;
        for (Vertex vertex : details(job).vertices()) {
            JobVertexMessageParameters params = SubtasksTimesHeaders.getInstance().getUnresolvedMessageParameters();
            params.jobPathParameter.resolve(job);
            params.jobVertexIdPathParameter.resolve(vertex.id());
            SubtasksTimesInfo times = await("subtask times of " + job,
                    () -> rest.sendRequest(host, port, SubtasksTimesHeaders.getInstance(), params, EmptyRequestBody.getInstance()));
            for (SubtasksTimesInfo.SubtaskTimeInfo subtask : times.getSubtasks()) {
                lastInitializing = Math.max(lastInitializing, subtask.getTimestamps().getOrDefault(ExecutionState.INITIALIZING, -1L));
                lastRunning = Math.max(lastRunning, subtask.getTimestamps().getOrDefault(ExecutionState.RUNNING, -1L));
            }
        }
        return new TaskStartTimes(lastInitializing, lastRunning);
    }

    /**
     * When the job's first checkpoint completed (its last acknowledgement), from the checkpoint
     * history: the first moment its Kafka transactions could commit. Empty while there is none.
     */
    public OptionalLong firstCompletedCheckpoint(JobID job) {
        CheckpointingStatistics stats = checkpointStatistics(job);
        return stats.getHistory().stream().filter(c -> c.getStatus() == CheckpointStatsStatus.COMPLETED)
                .min(java.util.Comparator.comparingLong(CheckpointStatistics::getId))
                .map(c -> OptionalLong.of(c.getLatestAckTimestamp())).orElse(OptionalLong.empty());
    }

    /**
     * When the job's latest completed checkpoint completed (its last acknowledgement), if it has
     * one: a checkpoint that completes commits the job's Kafka transactions.
     */
    public OptionalLong latestCompletedCheckpointAt(JobID job) {
        CheckpointingStatistics stats = checkpointStatistics(job);
        return Optional.ofNullable(stats.getLatestCheckpoints().getCompletedCheckpointStatistics())
                .map(c -> OptionalLong.of(c.getLatestAckTimestamp())).orElse(OptionalLong.empty());
    }

    /** The job's checkpoint statistics, as the REST API serves them. */
    private CheckpointingStatistics checkpointStatistics(JobID job) {
        JobMessageParameters params = CheckpointingStatisticsHeaders.getInstance().getUnresolvedMessageParameters();
        params.jobPathParameter.resolve(job);
        return await("checkpoints of " + job, () -> rest.sendRequest(host, port,
                CheckpointingStatisticsHeaders.getInstance(), params, EmptyRequestBody.getInstance()));
    }

    /** How many jobs of the cluster have not ended (running, restarting, cancelling, ...). */
    public long unfinishedJobs() {
        return unfinished().count();
    }

    /** Cancels every job that is not finished yet (a test left it running). */
    public void cancelAllRunning() {
        unfinished().forEach(j -> cancel(j.getJobId()));
    }

    private java.util.stream.Stream<org.apache.flink.runtime.client.JobStatusMessage> unfinished() {
        return await("list jobs", client::listJobs).stream().filter(j -> !j.getJobState().isGloballyTerminalState());
    }

    /**
     * Asks for a stop with savepoint and returns at once: the future completes with the savepoint's
     * path, or fails when Flink refused or could not complete it (the job then keeps running).
     */
    public java.util.concurrent.CompletableFuture<String> stopWithSavepointAsync(JobID job, boolean drain, String directory,
            SavepointFormatType format) {
        return client.stopWithSavepoint(job, drain, directory, format);
    }

    /**
     * Where the job's latest completed checkpoint is (its external path), if it has one: with
     * checkpoints retained on cancellation, the state an upgrade can restore from when no
     * savepoint can be taken.
     */
    public Optional<String> latestCompletedCheckpoint(JobID job) {
        CheckpointingStatistics stats = checkpointStatistics(job);
        return Optional.ofNullable(stats.getLatestCheckpoints().getCompletedCheckpointStatistics())
                .map(CheckpointStatistics.CompletedCheckpointStatistics::getExternalPath);
    }

    /** How many failures the job has had so far (entries of its exception history). */
    public int failureCount(JobID job) {
        try {
            JobExceptionsMessageParameters params = JobExceptionsHeaders.getInstance().getUnresolvedMessageParameters();
            params.jobPathParameter.resolve(job);
            return rest.sendRequest(host, port, JobExceptionsHeaders.getInstance(), params, EmptyRequestBody.getInstance())
                    .get(10, TimeUnit.SECONDS).getExceptionHistory().getEntries().size();
        } catch (Exception e) {
            throw new FlinkJobException("Could not read the exception history of " + job + ": " + rootMessage(e), e);
        }
    }

    public void cancel(JobID job) {
        await("cancel " + job, () -> client.cancel(job));
    }

    /**
     * A savepoint of a job that keeps running (POST /jobs/:jobid/savepoints, cancel-job false; by
     * hand: {@code flink savepoint <jobId> <dir>}). Since Flink 1.15 such a savepoint commits no
     * side effect: the job's sinks commit what it pre-committed with their next checkpoint.
     */
    public String triggerSavepoint(JobID job, String directory, SavepointFormatType format) {
        return await("take a savepoint of " + job, () -> client.triggerSavepoint(job, directory, format));
    }

    /**
     * The values of an operator metric (e.g. a gauge the operator registered), one per subtask, for
     * each of several operators; an empty list for an operator the job does not have or whose metric
     * is not reported yet (GET /jobs/:jobid/vertices/:vertexid/metrics). One request for the job's
     * vertices, then one per vertex that holds any of them, asking by id for exactly the values
     * wanted (an operator's metric is {@code <subtask>.<operator name>.<metric>} in its vertex). Listing a
     * vertex's metrics first would fetch thousands of names at parallelism 10: on 2 busy cores that
     * took up to 1.5 s, which a cutover waited for.
     */
    public Map<String, List<String>> operatorMetrics(JobID job, List<String> operatorNames, String metric) {
        Map<String, List<String>> values = new java.util.LinkedHashMap<>();
        operatorNames.forEach(name -> values.put(name, new java.util.ArrayList<>()));
        for (Vertex vertex : details(job).vertices()) {
            List<String> here = operatorNames.stream().filter(name -> vertex.name().contains(name)).toList();
            if (here.isEmpty()) {
                continue;
            }
            org.apache.flink.runtime.rest.messages.job.metrics.JobVertexMetricsMessageParameters params =
                    org.apache.flink.runtime.rest.messages.job.metrics.JobVertexMetricsHeaders.getInstance()
                            .getUnresolvedMessageParameters();
            params.jobPathParameter.resolve(job);
            params.jobVertexIdPathParameter.resolve(vertex.id());
            List<String> ids = new java.util.ArrayList<>();
            for (String name : here) {
                for (int subtask = 0; subtask < vertex.parallelism(); subtask++) {
                    ids.add(subtask + "." + name + "." + metric);
                }
            }
            for (var query : params.getQueryParameters()) {
                if (query instanceof org.apache.flink.runtime.rest.messages.job.metrics.MetricsFilterParameter filter) {
                    filter.resolve(ids);
                }
            }
            await("metrics of " + vertex.name(), () -> rest.sendRequest(host, port,
                    org.apache.flink.runtime.rest.messages.job.metrics.JobVertexMetricsHeaders.getInstance(), params,
                    EmptyRequestBody.getInstance())).getMetrics().forEach(m -> {
                        for (String name : here) {
                            if (m.getId().endsWith("." + name + "." + metric) && m.getValue() != null) {
                                values.get(name).add(m.getValue());
                            }
                        }
                    });
        }
        return values;
    }

    /**
     * The lowest input watermark over the subtasks of the vertex that holds the operator (GET
     * /jobs/:jobid/vertices/:vertexid/watermarks); Long.MIN_VALUE when none is reported yet.
     */
    public long minInputWatermark(JobID job, String operatorName) {
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (Vertex vertex : details(job).vertices()) {
            if (!vertex.name().contains(operatorName)) {
                continue;
            }
            JobVertexMessageParameters params = org.apache.flink.runtime.rest.messages.job.metrics.JobVertexWatermarksHeaders
                    .INSTANCE.getUnresolvedMessageParameters();
            params.jobPathParameter.resolve(job);
            params.jobVertexIdPathParameter.resolve(vertex.id());
            var response = await("watermarks of " + vertex.name(), () -> rest.sendRequest(host, port,
                    org.apache.flink.runtime.rest.messages.job.metrics.JobVertexWatermarksHeaders.INSTANCE, params,
                    EmptyRequestBody.getInstance()));
            for (var m : response.getMetrics()) {
                if (m.getId().endsWith("currentInputWatermark") && m.getValue() != null) {
                    min = Math.min(min, Long.parseLong(m.getValue()));
                    any = true;
                }
            }
        }
        return any ? min : Long.MIN_VALUE;
    }

    /**
     * Why a job failed or is restarting, from its exception history (GET /jobs/:jobid/exceptions):
     * the newest root exception and its innermost cause; empty when there is none.
     */
    public Optional<String> failureCause(JobID job) {
        try {
            JobExceptionsMessageParameters params = JobExceptionsHeaders.getInstance().getUnresolvedMessageParameters();
            params.jobPathParameter.resolve(job);
            JobExceptionsInfoWithHistory info = rest.sendRequest(host, port, JobExceptionsHeaders.getInstance(), params,
                    EmptyRequestBody.getInstance()).get(10, TimeUnit.SECONDS);
            return info.getExceptionHistory().getEntries().stream().findFirst().map(e -> summarize(e.getStacktrace()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The first line of a stack trace and its last "Caused by:" line, where the reason usually is. */
    static String summarize(String stacktrace) {
        String first = stacktrace.lines().findFirst().orElse(stacktrace);
        String cause = innermostCause(stacktrace);
        return cause.equals(first) ? first : first + "\n  caused by: " + cause;
    }

    private interface Request<T> {
        java.util.concurrent.CompletableFuture<T> send() throws Exception;
    }

    private static <T> T await(String what, Request<T> request) {
        try {
            return request.send().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = ExceptionUtils.stripExecutionException(e);
            throw new FlinkJobException("Flink refused to " + what + ": " + rootMessage(cause), cause);
        } catch (TimeoutException e) {
            throw new FlinkJobException("Flink did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s to " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkJobException("Interrupted while waiting for Flink to " + what, e);
        } catch (Exception e) {
            throw new FlinkJobException("Could not ask Flink to " + what + ": " + rootMessage(e), e);
        }
    }

    /** The innermost message: Flink's REST errors wrap the actual reason. */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.toString() : innermostCause(message);
    }

    /**
     * REST errors carry the server's whole stack trace as text; the reason is in its last
     * "Caused by:" line (e.g. "Cannot map checkpoint/savepoint state for operator ...").
     */
    static String innermostCause(String text) {
        String cause = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause != null ? cause : text.lines().findFirst().orElse(text);
    }

    @Override
    public void close() {
        client.close();
        rest.closeAsync();
        executor.shutdownNow();
    }
}
