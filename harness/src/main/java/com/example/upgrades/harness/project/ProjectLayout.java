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
                if (Files.isDirectory(p.resolve("job-v1")) && Files.isDirectory(p.resolve("harness"))) {
                    return p;
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
