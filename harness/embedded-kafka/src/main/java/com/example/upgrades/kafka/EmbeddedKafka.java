package com.example.upgrades.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real, single-node Kafka broker in this JVM: KRaft, one process acting as broker and controller,
 * transactions on, exactly as a one-broker production cluster would run, listening on 127.0.0.1
 * only. The one place of this project that says how such a broker is configured: the jobs' tests,
 * the harness's embedded environment and generated pipeline projects all start it from here.
 *
 * <p>It is Kafka's own server ({@code KafkaRaftServer}, what {@code kafka-server-start.sh} runs),
 * not Kafka's test kit: the test kit binds its sockets on every interface and pulls JUnit in.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String CONTROLLER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required";

    private final Path dir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final SaslUser saslUser;
    private final int saslPort;
    private final boolean authorizer;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path dir, boolean deleteOnClose, int brokerPort, int controllerPort, SaslUser saslUser,
            int saslPort, boolean authorizer) {
        this.authorizer = authorizer;
        this.dir = dir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.saslUser = saslUser;
        this.saslPort = saslPort;
    }

    /**
     * The one user of a SASL/PLAIN listener, for tests of clients that must authenticate. PLAIN
     * sends the password in the clear: on 127.0.0.1 only, as here, or over TLS (SASL_SSL).
     */
    public record SaslUser(String name, String password) {

        /** What a client gives to log in as this user (its sasl.jaas.config with the others). */
        public Map<String, String> clientSettings() {
            return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", PLAIN_LOGIN + " username=\"" + name + "\" password=\"" + password + "\";");
        }

        @Override
        public String toString() {
            return "SaslUser[" + name + "]";
        }
    }

    /** A broker whose data lives in a temporary folder, deleted on {@link #close()}. */
    public static EmbeddedKafka start() throws Exception {
        return start(Files.createTempDirectory("embedded-kafka-"), true, null, false);
    }

    /** A broker whose data (log segments, metadata log) lives under {@code dir}, kept on close. */
    public static EmbeddedKafka start(Path dir) throws Exception {
        return start(dir, false, null, false);
    }

    /**
     * A broker whose data lives under {@code dir}, with a second listener that only lets {@code user}
     * in (SASL_PLAINTEXT, mechanism PLAIN): {@link #saslBootstrapServers()}. Without a user (null),
     * the same as {@link #start(Path)}.
     */
    public static EmbeddedKafka start(Path dir, SaslUser user) throws Exception {
        return start(dir, false, user, false);
    }

    /**
     * As {@link #start(Path, SaslUser)}, with Kafka's ACL authorizer on: {@code user} may do only
     * what ACLs allow it (none at first), while the PLAINTEXT listener, where the tests set the
     * ACLs up, is a super user. A temporary folder, deleted on {@link #close()}.
     */
    public static EmbeddedKafka startWithAcls(SaslUser user) throws Exception {
        return start(Files.createTempDirectory("embedded-kafka-acls-"), true, java.util.Objects.requireNonNull(user), true);
    }

    private static EmbeddedKafka start(Path dir, boolean deleteOnClose, SaslUser user, boolean authorizer) throws Exception {
        EmbeddedKafka kafka = new EmbeddedKafka(Files.createDirectories(dir), deleteOnClose, freePort(), freePort(), user,
                user == null ? -1 : freePort(), authorizer);
        try {
            kafka.format();
            kafka.startServer();
            return kafka;
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    /**
     * The broker's settings. Single node: the internal topics get one replica and one partition
     * (the defaults, 50 partitions each, take long to create on a small machine); no topic is ever
     * created by a client's request, as on a production cluster.
     */
    private Properties config() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        String sasl = saslUser == null ? "" : ",SASL://" + HOST + ":" + saslPort;
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER + "://" + HOST + ":" + controllerPort
                + sasl);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + sasl);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT"
                + (saslUser == null ? "" : ",SASL:SASL_PLAINTEXT"));
        if (saslUser != null) {
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put("listener.name.sasl.plain.sasl.jaas.config",
                    PLAIN_LOGIN + " user_" + saslUser.name() + "=\"" + saslUser.password() + "\";");
        }
        if (authorizer) {
            // KRaft's ACL authorizer; the PLAINTEXT and controller listeners' principal is ANONYMOUS.
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("super.users", "User:ANONYMOUS");
        }
        props.put("controller.listener.names", CONTROLLER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // How often the coordinator looks for transactions past their timeout (10 s by default): a
        // transaction is aborted within a second of its timeout here.
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    private String logDir() {
        return dir.resolve("data").toAbsolutePath().toString();
    }

    /**
     * Formats the storage with the release's production metadata version and feature levels (the
     * ones a new Kafka 4.x cluster gets, transaction.version 2 included), as {@code kafka-storage.sh
     * format} does.
     */
    private void format() throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir()))
                .setMetadataLogDirectory(logDir())
                .setControllerListenerName(CONTROLLER)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.latestProduction())
                .run();
    }

    private void startServer() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(config(), false), Time.SYSTEM);
        server.startup();
        awaitReady();
    }

    /** Until the broker answers a client: registered with its controller and serving metadata. */
    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        Exception last = null;
        try (Admin admin = Admin.create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 1) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka did not become ready at " + bootstrapServers() + " within 1 minute"
                + (last == null ? "" : ": " + last), last);
    }

    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The SASL listener, for clients that log in as its user; only when started with one. */
    public String saslBootstrapServers() {
        if (saslUser == null) {
            throw new IllegalStateException("This broker was started without a SASL listener.");
        }
        return HOST + ":" + saslPort;
    }

    /** Where the broker keeps its data. */
    public Path directory() {
        return dir;
    }

    /**
     * Stops the broker (a controlled shutdown, as on SIGTERM) and starts it again on the same data
     * and the same port: a broker restart as clients see it.
     */
    public synchronized void restart() {
        server.shutdown();
        server.awaitShutdown();
        startServer();
    }

    /** Creates the topic and returns once every partition's leader serves it ({@link NewTopics}). */
    public void createTopic(String name, int partitions) throws Exception {
        createTopic(name, partitions, Map.of());
    }

    /** The same, with topic settings (e.g. max.message.bytes). */
    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            NewTopics.create(admin, List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
        }
    }

    /** Writes the records (acks=all) and waits until the broker has acknowledged every one. */
    public void produce(List<ProducerRecord<byte[], byte[]>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    /** Everything committed in {@code topic}, read with isolation.level=read_committed up to the end offsets. */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    public static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
        if (deleteOnClose) {
            deleteRecursively(dir);
        }
    }

    /**
     * A port free on 127.0.0.1 now. The controller's port must be known before the server starts
     * (it is part of controller.quorum.voters), so both ports are chosen this way.
     */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
