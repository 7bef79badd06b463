package com.example.upgrades.harness.project;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are in this project, known in one place: the top folder, and the shaded jar each
 * job module builds.
 */
public final class ProjectLayout {

    private ProjectLayout() {}

    /** The shaded jar a job module builds: {@code job-v1/target/job-v1.jar}. */
    public static Path jar(Path projectRoot, String version) {
        return projectRoot.resolve("job-" + version).resolve("target").resolve("job-" + version + ".jar");
    }

    /** The previous Flink release that {@code harness/flink-2.1} builds for. */
    public static final String PREVIOUS_FLINK = "2.1";

    /** The last Flink 1.x release, which {@code harness/flink-1.20} builds for. */
    public static final String FLINK_1 = "1.20";

    /** The other Flink releases this project builds job-v1 and a cluster for, each in {@code harness/flink-<release>}. */
    public static final java.util.List<String> OTHER_FLINK = java.util.List.of(PREVIOUS_FLINK, FLINK_1);

    /** A job built against another Flink release: {@code harness/flink-<release>/job-<version>/target/job-<version>-flink-<release>.jar}. */
    public static Path otherFlinkJar(Path projectRoot, String version, String release) {
        return otherFlink(projectRoot, release).resolve("job-" + version).resolve("target")
                .resolve("job-" + version + "-flink-" + release + ".jar");
    }

    /** The module of another release's cluster: its jar {@code flink-<release>-cluster.jar}, and {@code target/classpath.txt}. */
    public static Path otherFlinkCluster(Path projectRoot, String release) {
        return otherFlink(projectRoot, release).resolve("cluster").resolve("target");
    }

    private static Path otherFlink(Path projectRoot, String release) {
        return projectRoot.resolve("harness").resolve("flink-" + release);
    }

    /**
     * The project's top folder: from the harness.project-root system property, or found by going
     * up from where the harness's classes are (harness/target/...), or the current directory.
     */
    public static Path findProjectRoot() {
        String configured = System.getProperty("harness.project-root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        try {
            Path p = Path.of(ProjectLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (; p != null; p = p.getParent()) {
                if (isProjectRoot(p)) {
                    return p;
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }

    /** True if {@code dir} is this project's top folder (it has job-v1/ and harness/). */
    public static boolean isProjectRoot(Path dir) {
        return Files.isDirectory(dir.resolve("job-v1")) && Files.isDirectory(dir.resolve("harness"));
    }

    /**
     * Where the harness writes what it makes (log, work data, reports, built variants) when no
     * folder is given: {@code harness/target} inside the project, {@code ./harness-output} when
     * the harness runs from its distribution anywhere else.
     */
    public static Path outputDir(Path root) {
        return isProjectRoot(root) ? root.resolve("harness").resolve("target") : root.resolve("harness-output");
    }

    /** {@link #outputDir(Path)} of {@link #findProjectRoot()}. */
    public static Path outputDir() {
        return outputDir(findProjectRoot());
    }
}
