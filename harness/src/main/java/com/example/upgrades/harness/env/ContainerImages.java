package com.example.upgrades.harness.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The container images of the containers environment. Their names live in one place, the
 * project's {@code .env} file, which docker-compose.yml reads too. A Java system property or an
 * environment variable of the same name (KAFKA_IMAGE, FLINK_IMAGE) overrides it: to use a mirror,
 * or the images that harness/docker/build-offline-images.sh builds.
 */
public record ContainerImages(String kafka, String flink) {

    public static final String KAFKA = "KAFKA_IMAGE";
    public static final String FLINK = "FLINK_IMAGE";

    /** Resolves both names: system property, else environment variable, else {@code projectRoot/.env}. */
    public static ContainerImages resolve(Path projectRoot) {
        Map<String, String> dotEnv = readDotEnv(projectRoot.resolve(".env"));
        return new ContainerImages(name(KAFKA, dotEnv), name(FLINK, dotEnv));
    }

    private static String name(String variable, Map<String, String> dotEnv) {
        String value = System.getProperty(variable, System.getenv(variable));
        if (value == null || value.isBlank()) {
            value = dotEnv.get(variable);
        }
        if (value == null || value.isBlank()) {
            throw new EnvironmentException("No image name for " + variable + ": set it as an environment variable "
                    + "(or -D" + variable + "=...), or run from the project folder, whose .env names the images.");
        }
        return value;
    }

    static Map<String, String> readDotEnv(Path file) {
        Map<String, String> values = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                int eq = trimmed.indexOf('=');
                if (!trimmed.startsWith("#") && eq > 0) {
                    values.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new EnvironmentException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return values;
    }
}
