package com.example.upgrades.harness.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a Kafka client reaches the cluster: its bootstrap servers, and the client settings a secured
 * cluster needs ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}). Every client the harness
 * opens (topics, traffic, output tail, verifier) starts from {@link #clientProperties()}.
 *
 * <p>The settings' values are never printed: {@link #toString()} names their keys only, and
 * nothing else in the harness reads them but the clients.
 *
 * @param bootstrapServers e.g. localhost:9092
 * @param settings client settings by name; not {@code bootstrap.servers}
 */
public record KafkaAccess(String bootstrapServers, Map<String, String> settings) {

    public KafkaAccess {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        if (settings.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("bootstrap.servers is given with --bootstrap-servers, not as a Kafka "
                    + "client setting. Nothing was started.");
        }
    }

    /** A cluster that needs no client settings. */
    public static KafkaAccess plain(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, Map.of());
    }

    /**
     * The client settings of a properties file (if any), then of {@code key=value} pairs, which win
     * over the file. A message about a wrong pair never repeats its value.
     */
    public static Map<String, String> settings(Path file, List<String> keyValues) {
        Map<String, String> settings = new TreeMap<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("The Kafka client settings " + file + " cannot be read (" + e
                        + "). Nothing was started.", e);
            }
            props.stringPropertyNames().forEach(k -> settings.put(k, props.getProperty(k)));
        }
        for (String pair : keyValues) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--kafka-property takes key=value, e.g. security.protocol=SASL_SSL; "
                        + "one of them has " + (eq < 0 ? "no '='" : "no key before its '='") + ". Nothing was started.");
            }
            settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return settings;
    }

    /** Properties for a new client: the settings and the bootstrap servers; the client adds its own after. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(settings);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /**
     * Writes the settings to {@code file}, readable by its owner only, for jobs that read their
     * client settings from a file.
     */
    public Path writeSettings(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties props = new Properties();
        props.putAll(settings);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(w, "Kafka client settings for the jobs, written by the harness");
        }
        return file;
    }

    @Override
    public String toString() {
        return bootstrapServers + (settings.isEmpty() ? "" : " (client settings " + settings.keySet() + ", values not shown)");
    }
}
