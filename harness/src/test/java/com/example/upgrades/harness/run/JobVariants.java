package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a deliberately broken variant of a job version for the rule scenarios, the way a team
 * would break it: the version's own UserEventsJob.java with a small edit, compiled against the
 * version's jar, and packed into a copy of that jar. Not a product version: it exists only in a
 * test's temporary folder.
 */
final class JobVariants {

    private static final String JOB_SOURCE = "src/main/java/com/example/userevents/UserEventsJob.java";
    private static final String JOB_CLASS_PREFIX = "com/example/userevents/UserEventsJob";

    private JobVariants() {}

    /**
     * @param version the job version to start from, e.g. "v2"
     * @param edits text to replace in UserEventsJob.java; each must occur
     */
    static Path build(String version, Map<String, String> edits, Path workDir) throws IOException {
        return build(version, source -> {
            for (Map.Entry<String, String> edit : edits.entrySet()) {
                assertTrue(source.contains(edit.getKey()), "the variant's edit does not apply: " + edit.getKey());
                source = source.replace(edit.getKey(), edit.getValue());
            }
            return source;
        }, workDir);
    }

    /** @param edit turns the version's UserEventsJob.java into the variant's */
    static Path build(String version, UnaryOperator<String> edit, Path workDir) throws IOException {
        Path root = Scenarios.findProjectRoot();
        Path baseJar = Scenarios.jar(root, version);
        String original = Files.readString(root.resolve("job-" + version).resolve(JOB_SOURCE));
        String source = edit.apply(original);
        assertTrue(!source.equals(original), "the variant of " + version + " changes nothing");
        Path src = workDir.resolve("src/com/example/userevents/UserEventsJob.java");
        Path classes = workDir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = baseJar + java.io.File.pathSeparator + System.getProperty("java.class.path");
        int status = javac.run(null, null, null, "-d", classes.toString(), "-cp", classpath, "--release", "17",
                src.toString());
        assertTrue(status == 0, "the variant of " + version + " does not compile");

        Path variant = workDir.resolve("job-" + version + "-variant.jar");
        if (Files.exists(variant)) {
            throw new IllegalArgumentException(variant + " exists: give each variant its own folder");
        }
        try (JarFile base = new JarFile(baseJar.toFile());
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(variant), base.getManifest())) {
            for (JarEntry entry : java.util.Collections.list(base.entries())) {
                if (entry.getName().startsWith(JOB_CLASS_PREFIX) || entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream in = base.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            try (Stream<Path> compiled = Files.walk(classes)) {
                for (Path file : compiled.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(java.io.File.separatorChar, '/')));
                    Files.copy(file, (OutputStream) out);
                    out.closeEntry();
                }
            }
        }
        return variant;
    }
}
