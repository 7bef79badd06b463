package com.example.upgrades.harness.env;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and a Flink session cluster in Docker containers, through Testcontainers: Kafka from the
 * apache/kafka image (Testcontainers' Kafka module), a JobManager and a TaskManager from the
 * official Flink image, on one container network. JobManager and TaskManager share the savepoint
 * and checkpoint directory, a folder of this machine mounted at /flink-data in both.
 *
 * <pre>
 * this machine          --localhost:mapped-->  kafka:9092, jobmanager:8081 (REST)
 * Flink TaskManager     --kafka:19092-------->  kafka
 * WORK/flink-data  ==  /flink-data (savepoints, checkpoints) in JobManager and TaskManager
 * </pre>
 */
public final class ContainersEnvironment implements Environment {

    static final String KAFKA_ALIAS = "kafka";
    static final int KAFKA_INTERNAL_PORT = 19092;
    /** The port of Testcontainers' Kafka listener for clients outside the container network. */
    static final int KAFKA_HOST_PORT_IN_CONTAINER = 9092;
    static final String DATA_IN_CONTAINERS = "/flink-data";
    static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
    /**
     * The options of every JVM in the containers (Flink's {@code env.java.opts.all}, which covers its
     * CLI too, and Kafka's {@code KAFKA_OPTS}): the client compiler only, as the suite's own JVMs
     * (docs/development.md). These clusters live for minutes on a machine they share with the harness;
     * the optimizing compiler would spend much of the CPU compiling code that runs for seconds. A
     * long-running cluster keeps the JVM's default.
     */
    public static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m";

    private final ContainerImages images;
    private final Network network;
    private final KafkaContainer kafka;
    private final GenericContainer<?> jobManager;
    /** Every TaskManager started, the live one last (a fault replaces it; all are stopped at close). */
    private final java.util.List<GenericContainer<?>> taskManagers = new java.util.ArrayList<>();
    private final Path dataDir;
    private final int slots;
    private UnwritableDirectory blockedStorage;
    private boolean closed;

    private ContainersEnvironment(ContainerImages images, Network network, KafkaContainer kafka,
            GenericContainer<?> jobManager, GenericContainer<?> taskManager, Path dataDir, int slots) {
        this.images = images;
        this.network = network;
        this.kafka = kafka;
        this.jobManager = jobManager;
        this.taskManagers.add(taskManager);
        this.dataDir = dataDir;
        this.slots = slots;
    }

    /** Whether a Docker engine is reachable (Testcontainers' own check). */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Starts Kafka, the JobManager and a TaskManager with {@code slots} slots.
     *
     * @throws EnvironmentException when Docker is not reachable or a container does not start;
     *     whatever did start is stopped again.
     */
    public static ContainersEnvironment start(ContainerImages images, Path workDir, int slots, PrintStream progress) {
        if (!dockerAvailable()) {
            throw new EnvironmentException("No Docker engine is reachable, so the containers environment cannot start. "
                    + "Nothing was deployed. Start Docker (see the README: on a machine without a registry, also build the "
                    + "offline images), or run with --env embedded, which needs no Docker.");
        }
        Path dataDir = workDir.resolve("flink-data");
        Network network = Network.newNetwork();
        // A fixed host port for the broker: the address it advertises to this machine is written
        // into the container when it first starts, so a restarted broker must come back on it.
        int hostPort = freePort();
        KafkaContainer kafka = new KafkaContainer(
                        DockerImageName.parse(images.kafka()).asCompatibleSubstituteFor("apache/kafka"))
                .withNetwork(network)
                .withListener(KAFKA_ALIAS + ":" + KAFKA_INTERNAL_PORT)
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_OPTS", JVM_OPTIONS)
                .withCreateContainerCmdModifier(cmd -> onLoopbackOnly(cmd, KAFKA_HOST_PORT_IN_CONTAINER, hostPort))
                .withStartupTimeout(STARTUP_TIMEOUT);
        // pekko.ask.timeout: 30 s instead of 10: on 2 cores, Kafka, both Flink containers and the
        // harness share the CPU, and deploying 10 tasks right after a broker restart has been seen to
        // leave the TaskManager silent for more than 10 s (the deployment then fails and rolls back).
        GenericContainer<?> jobManager = flink(images, network, dataDir, "jobmanager", """
                        jobmanager.rpc.address: jobmanager
                        pekko.ask.timeout: 30 s
                        execution.checkpointing.dir: file://%1$s/checkpoints
                        execution.checkpointing.savepoint-dir: file://%1$s/savepoints
                        web.refresh-interval: 100 ms
                        metrics.fetcher.update-interval: 200 ms
                        """.formatted(DATA_IN_CONTAINERS))
                .withNetworkAliases("jobmanager")
                .withExposedPorts(8081)
                // Flink's REST API takes jar uploads and runs them: code execution for anyone who reaches it.
                .withCreateContainerCmdModifier(cmd -> onLoopbackOnly(cmd, 8081, freePort()))
                .waitingFor(Wait.forHttp("/overview").forPort(8081).withStartupTimeout(STARTUP_TIMEOUT));
        GenericContainer<?> taskManager = taskManager(images, network, dataDir, slots).dependsOn(jobManager);
        try {
            Directories.empty(workDir);
            prepareDataDir(dataDir);
            long started = System.currentTimeMillis();
            progress.println("[env] starting Kafka container (" + images.kafka() + ")");
            kafka.start();
            progress.println("[env] Kafka ready at " + kafka.getBootstrapServers() + " in " + since(started));
            started = System.currentTimeMillis();
            progress.println("[env] starting Flink JobManager and TaskManager (" + images.flink() + "), " + slots + " slots");
            taskManager.start();
            ContainersEnvironment env = new ContainersEnvironment(images, network, kafka, jobManager, taskManager, dataDir,
                    slots);
            progress.println("[env] Flink REST API at " + env.flinkRestEndpoint() + " in " + since(started));
            return env;
        } catch (RuntimeException | IOException e) {
            stopAll(taskManager, jobManager, kafka, network);
            throw new EnvironmentException("Could not start the containers environment (Kafka " + images.kafka()
                    + ", Flink " + images.flink() + "): " + e.getMessage() + ". Nothing was deployed. If the images "
                    + "cannot be pulled here, build the offline ones (harness/docker/build-offline-images.sh) and set "
                    + "KAFKA_IMAGE and FLINK_IMAGE as it prints.", e);
        }
    }

    private static GenericContainer<?> taskManager(ContainerImages images, Network network, Path dataDir, int slots) {
        return flink(images, network, dataDir, "taskmanager", """
                        jobmanager.rpc.address: jobmanager
                        pekko.ask.timeout: 30 s
                        taskmanager.numberOfTaskSlots: %d
                        taskmanager.memory.process.size: 2560m
                        taskmanager.memory.network.min: 256m
                        taskmanager.memory.network.max: 256m
                        taskmanager.memory.managed.size: 128m
                        """.formatted(slots))
                .waitingFor(Wait.forLogMessage(".*Successful registration at resource manager.*", 1)
                        .withStartupTimeout(STARTUP_TIMEOUT));
    }

    /**
     * The container's one published port, on 127.0.0.1 only (as the embedded environment and
     * docker-compose.yml listen): Docker publishes on every interface by default, which would open an
     * unauthenticated Kafka and Flink's REST API (a jar upload runs code) to the whole network.
     */
    private static void onLoopbackOnly(com.github.dockerjava.api.command.CreateContainerCmd cmd, int containerPort,
            int hostPort) {
        cmd.getHostConfig().withPublishAllPorts(false).withPortBindings(new com.github.dockerjava.api.model.PortBinding(
                com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort("127.0.0.1", hostPort),
                new com.github.dockerjava.api.model.ExposedPort(containerPort)));
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EnvironmentException("No free port for the Kafka container: " + e.getMessage(), e);
        }
    }

    private static GenericContainer<?> flink(ContainerImages images, Network network, Path dataDir, String role,
            String properties) {
        return new GenericContainer<>(DockerImageName.parse(images.flink()))
                .withNetwork(network)
                .withCommand(role)
                .withEnv("FLINK_PROPERTIES", properties + "env.java.opts.all: " + JVM_OPTIONS + "\n")
                .withFileSystemBind(dataDir.toString(), DATA_IN_CONTAINERS, BindMode.READ_WRITE);
    }

    /** The user the Flink images run as (flink, uid and gid 9999). */
    static final int FLINK_UID = 9999;

    /**
     * The Flink images run as user flink (uid 9999): the shared folder must be writable for it, and
     * readable for this machine's user (savepoint sizes, check, inspect), but for nobody else (no
     * 777). As root: the folders are given to uid 9999, mode 770 (root reads them anyway). As another
     * user: POSIX ACLs give uid 9999 and this user rwx on the folders and on everything created in
     * them (setfacl, from the acl package).
     */
    static void prepareDataDir(Path dataDir) throws IOException {
        Path[] dirs = {dataDir, dataDir.resolve("savepoints"), dataDir.resolve("checkpoints")};
        for (Path dir : dirs) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        }
        if ("root".equals(System.getProperty("user.name"))) {
            for (Path dir : dirs) {
                Files.setAttribute(dir, "unix:uid", FLINK_UID);
                Files.setAttribute(dir, "unix:gid", FLINK_UID);
            }
            return;
        }
        String me = String.valueOf(Files.getAttribute(dataDir, "unix:uid"));
        for (Path dir : dirs) {
            String acl = "u:" + FLINK_UID + ":rwx,d:u:" + FLINK_UID + ":rwx,d:u:" + me + ":rwx";
            Process p;
            try {
                p = new ProcessBuilder("setfacl", "-m", acl, dir.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IOException("The Flink containers run as uid " + FLINK_UID + " and must write " + dataDir
                        + ", which belongs to this user. Without 777, that takes an ACL, and setfacl is not installed "
                        + "(Debian: apt-get install acl). Or run the containers environment as root.", e);
            }
            try {
                String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IOException("setfacl could not give uid " + FLINK_UID + " access to " + dir + ": " + output.trim());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while running setfacl", e);
            }
        }
    }

    private static String since(long startMillis) {
        return (System.currentTimeMillis() - startMillis) + " ms";
    }

    @Override
    public String name() {
        return "containers";
    }

    /** Every published port of the containers, as "host ip:host port -> container port", as Docker reports them. */
    public List<String> publishedPorts() {
        List<String> out = new java.util.ArrayList<>();
        for (GenericContainer<?> c : List.of(kafka, jobManager, taskManagers.get(taskManagers.size() - 1))) {
            var ports = c.getContainerInfo().getNetworkSettings().getPorts().getBindings();
            ports.forEach((exposed, bindings) -> {
                if (bindings != null) {
                    for (var b : bindings) {
                        out.add(b.getHostIp() + ":" + b.getHostPortSpec() + " -> " + exposed.getPort());
                    }
                }
            });
        }
        return out;
    }

    /** The folder the containers share with this machine (savepoints, checkpoints). */
    public Path sharedFolder() {
        return dataDir;
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String kafkaBootstrapServersForJobs() {
        return KAFKA_ALIAS + ":" + KAFKA_INTERNAL_PORT;
    }

    @Override
    public URI flinkRestEndpoint() {
        return URI.create("http://" + jobManager.getHost() + ":" + jobManager.getMappedPort(8081));
    }

    @Override
    public String savepointDirectory() {
        return "file://" + DATA_IN_CONTAINERS + "/savepoints";
    }

    @Override
    public Optional<Path> localPath(String clusterPath) {
        return SavepointPaths.mapToLocal(clusterPath, savepointDirectory(), Optional.of(dataDir.resolve("savepoints")));
    }

    /**
     * Real faults on the containers: the TaskManager's container killed (SIGKILL) and a new one
     * started; the broker stopped with SIGTERM (a controlled shutdown) and its container started
     * again on the same data and host port; the shared savepoint folder made unwritable on this
     * machine, which the containers see through their mount.
     */
    @Override
    public Optional<Faults> faults() {
        return Optional.of(new Faults() {
            @Override
            public void replaceTaskManager() {
                synchronized (ContainersEnvironment.this) {
                    GenericContainer<?> dead = taskManagers.get(taskManagers.size() - 1);
                    dead.getDockerClient().killContainerCmd(dead.getContainerId()).exec();
                    GenericContainer<?> next = taskManager(images, network, dataDir, slots);
                    taskManagers.add(next);
                    next.start();
                }
            }

            @Override
            public void restartBroker() {
                var docker = kafka.getDockerClient();
                String id = kafka.getContainerId();
                try {
                    kafka.execInContainer("sh", "-c", "kill -TERM $(pgrep -f kafka.Kafka)");
                    org.awaitility.Awaitility.await("the Kafka container to stop").atMost(Duration.ofMinutes(1))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> !Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning()));
                    docker.startContainerCmd(id).exec();
                    org.awaitility.Awaitility.await("the restarted broker to serve clients").atMost(Duration.ofMinutes(2))
                            .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                            .until(() -> {
                                try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                                        java.util.Map.of("bootstrap.servers", kafkaBootstrapServers()))) {
                                    return admin.describeCluster().nodes().get(5, java.util.concurrent.TimeUnit.SECONDS)
                                            .size() == 1;
                                }
                            });
                } catch (IOException e) {
                    throw new EnvironmentException("Could not restart the Kafka container: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EnvironmentException("Interrupted while restarting the Kafka container", e);
                }
            }

            @Override
            public BlockedStorage blockSavepointStorage() {
                UnwritableDirectory blocked = UnwritableDirectory.block(dataDir.resolve("savepoints"));
                synchronized (ContainersEnvironment.this) {
                    blockedStorage = blocked;
                }
                return blocked.asBlockedStorage(savepointDirectory());
            }
        });
    }

    /** Keeps the containers' logs (WORK/logs/*.log) before they go away with the containers. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (blockedStorage != null) {
                blockedStorage.restore();
            }
            Path logs = dataDir.resolveSibling("logs");
            try {
                Files.createDirectories(logs);
                Files.writeString(logs.resolve("kafka.log"), kafka.getLogs());
                Files.writeString(logs.resolve("jobmanager.log"), jobManager.getLogs());
                for (int i = 0; i < taskManagers.size(); i++) {
                    Files.writeString(logs.resolve(i == 0 ? "taskmanager.log" : "taskmanager-" + (i + 1) + ".log"),
                            taskManagers.get(i).getLogs());
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("[env] could not keep the container logs in " + logs + ": " + e);
            }
            for (GenericContainer<?> tm : taskManagers) {
                stop(tm);
            }
            stopAll(jobManager, kafka, network);
        }
    }

    private static void stop(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("[env] could not stop " + c + ": " + e);
        }
    }

    private static void stopAll(AutoCloseable... containers) {
        for (AutoCloseable c : containers) {
            stop(c);
        }
    }
}
