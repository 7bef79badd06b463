package com.example.upgrades.harness.env;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.kafka.EmbeddedKafka;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * The default environment, with no Docker: a real Kafka broker (KRaft, single node acting as
 * broker and controller, transactions on; {@link EmbeddedKafka}), and a real Flink runtime (a
 * MiniCluster with its REST API and web submission, so jobs are deployed as jars exactly as on a
 * cluster), both in this JVM, listening on 127.0.0.1, with their data under one work directory:
 *
 * <pre>
 * WORK/kafka              broker and controller logs
 * WORK/flink/savepoints   savepoints (kept after the run, for inspection)
 * WORK/flink/checkpoints  checkpoints
 * WORK/flink/uploads      uploaded job jars
 * </pre>
 */
public final class EmbeddedEnvironment implements Environment {

    private final Path workDir;
    private final EmbeddedKafka kafka;
    private final MiniCluster flink;
    /** The MiniCluster keeps terminated TaskManagers in its list: the live one is the last started. */
    private int liveTaskManager;
    private final URI restEndpoint;
    private boolean closed;
    /** The previous Flink release's cluster, started on first use (a Flink upgrade). */
    private final java.util.Map<String, PreviousFlinkCluster> otherFlink = new java.util.LinkedHashMap<>();
    private final int slots;
    private final PrintStream progress;
    /** A savepoint directory a fault made unwritable, given back at the latest on close. */
    private UnwritableDirectory blockedStorage;

    private EmbeddedEnvironment(Path workDir, EmbeddedKafka kafka, MiniCluster flink, URI restEndpoint, int slots,
            PrintStream progress) {
        this.slots = slots;
        this.progress = progress;
        this.workDir = workDir;
        this.kafka = kafka;
        this.flink = flink;
        this.restEndpoint = restEndpoint;
    }

    /**
     * Starts Kafka and Flink under {@code workDir} (emptied first) with {@code slots} task slots.
     *
     * @throws EnvironmentException if either cannot start; whatever did start is stopped again.
     */
    public static EmbeddedEnvironment start(Path workDir, int slots, PrintStream progress) {
        return start(workDir, slots, progress, null);
    }

    /**
     * The same, with a second Kafka listener that only lets {@code saslUser} in (SASL_PLAINTEXT,
     * PLAIN): a secured cluster, for the harness's and the jobs' client settings. Null for none.
     */
    public static EmbeddedEnvironment start(Path workDir, int slots, PrintStream progress, EmbeddedKafka.SaslUser saslUser) {
        Directories.empty(workDir);
        EmbeddedKafka kafka = null;
        MiniCluster flink = null;
        try {
            Files.createDirectories(workDir);
            progress.println("[env] starting Kafka (KRaft, 1 node) in " + workDir.resolve("kafka"));
            long started = System.currentTimeMillis();
            kafka = EmbeddedKafka.start(workDir.resolve("kafka"), saslUser);
            progress.println("[env] Kafka ready at " + kafka.bootstrapServers() + " in " + since(started));
            progress.println("[env] starting Flink MiniCluster with " + slots + " task slots");
            flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(flinkConfiguration(workDir.resolve("flink")))
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(slots)
                    .build());
            started = System.currentTimeMillis();
            flink.start();
            URI rest = flink.getRestAddress().get();
            progress.println("[env] Flink REST API and web UI at " + rest + " in " + since(started));
            return new EmbeddedEnvironment(workDir, kafka, flink, rest, slots, progress);
        } catch (Exception e) {
            closeQuietly(flink, kafka);
            throw new EnvironmentException(
                    "Could not start the embedded environment in " + workDir + ": " + e.getMessage()
                            + ". No job was deployed and no data was written. Check that the directory is writable "
                            + "and that no other process holds it, then run again.", e);
        }
    }

    private static String since(long startMillis) {
        return (System.currentTimeMillis() - startMillis) + " ms";
    }

    static Configuration flinkConfiguration(Path dir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        // Everything on loopback: the blob server (jar uploads), the TaskManager's data port.
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(WebOptions.SUBMIT_ENABLE, true);
        conf.set(WebOptions.UPLOAD_DIR, Files.createDirectories(dir.resolve("uploads")).toString());
        // Job details served by REST are cached for web.refresh-interval (3 s by default); the
        // harness measures restore times from them, so keep the cache short.
        conf.set(WebOptions.REFRESH_INTERVAL, Duration.ofMillis(100));
        // Metrics and watermarks served by REST are fetched from the TaskManagers every
        // metrics.fetcher.update-interval (10 s by default); a blue/green cutover reads the gates'
        // gauges and the old version's watermark from them, so keep them fresh.
        conf.set(org.apache.flink.configuration.MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createDirectories(dir.resolve("checkpoints")).toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY,
                Files.createDirectories(dir.resolve("savepoints")).toUri().toString());
        // Ten subtasks with three keyed exchanges need more network buffers than the local default.
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
        // Kafka client threads may outlive a stopped job for a moment; do not fail on that.
        conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        return conf;
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Kafka's SASL listener, when started with a SASL user. */
    public String kafkaSaslBootstrapServers() {
        return kafka.saslBootstrapServers();
    }

    @Override
    public URI flinkRestEndpoint() {
        return restEndpoint;
    }

    /**
     * Another release ({@link ProjectLayout#OTHER_FLINK}: the previous one, and the last 1.x) runs
     * in a JVM of its own, started on first use with this cluster's settings and slots, the same
     * Kafka and savepoint folder.
     */
    @Override
    public synchronized URI flinkRestEndpoint(String flinkRelease) {
        if (flinkRelease == null) {
            return restEndpoint;
        }
        if (!ProjectLayout.OTHER_FLINK.contains(flinkRelease)) {
            throw new EnvironmentException("The embedded environment runs Flink " + EnvironmentInformation.getVersion()
                    + " and, for an upgrade of Flink itself, the releases " + ProjectLayout.OTHER_FLINK
                    + " (harness/flink-<release>); there is no Flink " + flinkRelease + " here. Nothing was deployed.");
        }
        PreviousFlinkCluster cluster = otherFlink.get(flinkRelease);
        if (cluster == null) {
            Path dir = workDir.resolve("flink-" + flinkRelease);
            try {
                cluster = PreviousFlinkCluster.start(flinkRelease,
                        ProjectLayout.otherFlinkCluster(ProjectLayout.findProjectRoot(), flinkRelease),
                        dir, slots, flinkConfiguration(dir), savepointDirectory(), progress);
            } catch (IOException e) {
                throw new EnvironmentException("Could not prepare " + dir + " for Flink " + flinkRelease + ": " + e.getMessage(), e);
            }
            otherFlink.put(flinkRelease, cluster);
        }
        return cluster.restEndpoint();
    }

    @Override
    public String savepointDirectory() {
        return workDir.resolve("flink").resolve("savepoints").toUri().toString();
    }

    @Override
    public Optional<Path> localPath(String clusterPath) {
        URI uri = URI.create(clusterPath.startsWith("/") ? "file://" + clusterPath : clusterPath);
        if (HoldableFileSystem.SCHEME.equals(uri.getScheme())) {
            return Optional.of(Path.of(uri.getPath()));
        }
        return "file".equals(uri.getScheme()) ? Optional.of(Path.of(uri)) : Optional.empty();
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public Optional<Faults> faults() {
        return Optional.of(new Faults() {
            @Override
            public void replaceTaskManager() {
                try {
                    flink.terminateTaskManager(liveTaskManager).get(1, TimeUnit.MINUTES);
                    flink.startTaskManager();
                    liveTaskManager++;
                } catch (Exception e) {
                    throw new EnvironmentException("Could not replace the TaskManager: " + e.getMessage(), e);
                }
            }

            @Override
            public void restartBroker() {
                kafka.restart();
            }

            @Override
            public BlockedStorage blockSavepointStorage() {
                Path dir = localPath(savepointDirectory()).orElseThrow();
                UnwritableDirectory blocked = UnwritableDirectory.block(dir);
                blockedStorage = blocked;
                return blocked.asBlockedStorage(savepointDirectory());
            }

            @Override
            public Optional<SavepointHold> savepointHold() {
                String directory = HoldableFileSystem.uriOf(localPath(savepointDirectory()).orElseThrow());
                return Optional.of(new SavepointHold() {
                    @Override
                    public String directory() {
                        return directory;
                    }

                    @Override
                    public void hold() {
                        HoldableFileSystem.hold();
                    }

                    @Override
                    public boolean awaitHeld(java.time.Duration timeout) throws InterruptedException {
                        return HoldableFileSystem.awaitWaiting(timeout);
                    }

                    @Override
                    public int waiting() {
                        return HoldableFileSystem.waiting();
                    }

                    @Override
                    public void release() {
                        HoldableFileSystem.release();
                    }
                });
            }
        });
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (blockedStorage != null) {
                blockedStorage.restore();
            }
            otherFlink.values().forEach(PreviousFlinkCluster::close);
            otherFlink.clear();
            closeQuietly(flink, kafka);
        }
    }

    /**
     * How long closing waits for the MiniCluster. Its close has been seen never to complete after a
     * TaskManager was terminated and replaced (no thread left working on it): the environment is
     * then left to the JVM's exit instead of holding the caller, a test run or CI, forever.
     */
    static final Duration FLINK_CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private static void closeQuietly(MiniCluster flink, EmbeddedKafka kafka) {
        if (flink != null) {
            try {
                flink.closeAsync().get(FLINK_CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.err.println("[env] Flink did not stop within " + FLINK_CLOSE_TIMEOUT.toSeconds() + " s; its "
                        + "threads are left to the JVM's exit. Closing only releases this environment: nothing "
                        + "written to Kafka or to the savepoint folder depends on it.");
            } catch (Exception e) {
                System.err.println("[env] Flink did not stop cleanly: " + e);
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (Exception e) {
                System.err.println("[env] Kafka did not stop cleanly: " + e);
            }
        }
    }
}
