package com.example.upgrades.harness.env;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.WebOptions;

/**
 * A Flink cluster of the previous release, in a JVM of its own: the other half of a Flink
 * upgrade. Its classpath is that release's runtime as Maven resolved it for
 * {@code harness/flink-2.1/cluster} (nothing of the harness's Flink is on it); its settings are the
 * embedded cluster's, with its own folders, so that it reaches the same Kafka and writes savepoints
 * where the current release restores them. It stops when closed, and with the harness's JVM: it
 * runs until its standard input, held by this process, closes.
 */
public final class PreviousFlinkCluster implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 120;

    private final Process process;
    private final URI restEndpoint;
    private final String flinkVersion;

    private PreviousFlinkCluster(Process process, URI restEndpoint, String flinkVersion) {
        this.process = process;
        this.restEndpoint = restEndpoint;
        this.flinkVersion = flinkVersion;
    }

    /**
     * @param moduleTarget {@code harness/flink-2.1/cluster/target}, built
     * @param conf the embedded cluster's settings; its folders are replaced by ones under {@code dir}
     * @param savepointDirectory where savepoints go, shared with the current release's cluster
     */
    static PreviousFlinkCluster start(String release, Path moduleTarget, Path dir, int slots, Configuration conf,
            String savepointDirectory, PrintStream progress) {
        Path jar = moduleTarget.resolve("flink-" + release + "-cluster.jar");
        Path classpathFile = moduleTarget.resolve("classpath.txt");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(classpathFile)) {
            throw new EnvironmentException("The Flink " + release + " cluster is not built: " + jar + " or " + classpathFile
                    + " is missing. Build it with ./mvnw package -DskipTests. Nothing was deployed.");
        }
        try {
            Files.createDirectories(dir);
            Properties cluster = clusterProperties(jar);
            Configuration own = new Configuration(conf);
            own.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepointDirectory);
            own.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    Files.createDirectories(dir.resolve("checkpoints")).toUri().toString());
            own.set(WebOptions.UPLOAD_DIR, Files.createDirectories(dir.resolve("uploads")).toString());
            // The same keys in both releases: Flink 2.0 renamed the options, 2.1 and 2.2 kept them.
            Properties written = new Properties();
            written.putAll(own.toMap());
            Path confFile = dir.resolve("flink-conf.properties");
            try (OutputStream out = Files.newOutputStream(confFile)) {
                written.store(out, "Flink " + cluster.getProperty("flink.version") + ": the embedded cluster's settings");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(resource(jar, "jvm.options").trim().split("\\s+")));
            command.add("-Xmx1g");
            // The harness's own JIT setting, if it has one (the tests run with the client compiler only).
            java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-XX:TieredStopAtLevel=") || a.startsWith("-XX:ReservedCodeCacheSize="))
                    .forEach(command::add);
            command.add("-Dcluster.log.file=" + dir.resolve("cluster.log"));
            command.add("-cp");
            command.add(jar + java.io.File.pathSeparator + Files.readString(classpathFile).trim());
            command.add("com.example.upgrades.flinkcluster.ClusterMain");
            command.add(confFile.toString());
            command.add(String.valueOf(slots));
            progress.println("[env] starting Flink " + cluster.getProperty("flink.version") + " in a JVM of its own, "
                    + slots + " task slots (log: " + dir.resolve("cluster.log") + ")");
            long started = System.currentTimeMillis();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            String ready = awaitReady(process, dir.resolve("cluster.log"));
            String[] parts = ready.split(" ");
            PreviousFlinkCluster c = new PreviousFlinkCluster(process, URI.create(parts[1]), parts[2]);
            awaitLeader(c, dir.resolve("cluster.log"));
            progress.println("[env] Flink " + c.flinkVersion + " REST API at " + c.restEndpoint + " in "
                    + (System.currentTimeMillis() - started) + " ms");
            return c;
        } catch (IOException e) {
            throw new EnvironmentException("Could not start the previous Flink release's cluster in " + dir + ": " + e.getMessage()
                    + ". Nothing was deployed.", e);
        }
    }

    /**
     * The REST API serves as soon as the cluster prints READY, but answers "Service temporarily
     * unavailable due to an ongoing leader election" until its dispatcher has a leader: wait until
     * GET /overview answers 200, so that the first request of a run does not fail.
     */
    private static void awaitLeader(PreviousFlinkCluster c, Path log) throws IOException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest overview = java.net.http.HttpRequest.newBuilder(c.restEndpoint.resolve("/overview"))
                .timeout(java.time.Duration.ofSeconds(5)).GET().build();
        try {
            org.awaitility.Awaitility.await("the Flink " + c.flinkVersion + " cluster's leader")
                    .atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> http.send(overview, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            c.close();
            throw new IOException("its REST API had no leader after 60 s (see " + log + ")", e);
        }
    }

    private static Properties clusterProperties(Path jar) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.StringReader(resource(jar, "cluster.properties")));
        return p;
    }

    /** A text file of the cluster module's jar, written by its build. */
    private static String resource(Path jar, String name) throws IOException {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.JarEntry entry = file.getJarEntry(name);
            if (entry == null) {
                throw new IOException(jar + " has no " + name + ": build it again");
            }
            try (InputStream in = file.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    /** The cluster's one line on its console, {@code READY <rest address> <version>}; its log says why when it never comes. */
    private static String awaitReady(Process process, Path log) throws IOException {
        BufferedReader console = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                StringBuilder said = new StringBuilder();
                for (String line; (line = console.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return line;
                    }
                    said.append(line).append('\n');
                }
                throw new IllegalStateException("it exited before serving:\n" + said);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String line = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // Keep draining the console, so that the cluster never blocks on a full pipe.
            Thread drain = new Thread(() -> {
                try {
                    console.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the cluster is gone
                }
            }, "previous-flink-console");
            drain.setDaemon(true);
            drain.start();
            return line;
        } catch (TimeoutException | InterruptedException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause().getMessage()
                    : "it did not serve within " + START_TIMEOUT_SECONDS + " s";
            throw new IOException(cause + " (see " + log + ")", e);
        }
    }

    public URI restEndpoint() {
        return restEndpoint;
    }

    /** The version the cluster itself reports, e.g. 2.1.3. */
    public String flinkVersion() {
        return flinkVersion;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
