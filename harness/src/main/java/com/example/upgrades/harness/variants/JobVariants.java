package com.example.upgrades.harness.variants;

import com.example.upgrades.harness.env.Directories;
import com.example.upgrades.harness.project.ProjectLayout;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.avro.Schema;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.generic.GenericData;

/**
 * Builds a deliberately broken variant of a job version for the rule scenarios, the way a team
 * would break it: the version's own sources with a small edit, compiled, and packed into a copy
 * of the version's jar. Not a product version: it exists only in a work folder.
 *
 * <p>Every source of the version is compiled again (its Java files, and Java classes generated
 * from its Avro schemas exactly as the job's build does), so an edit to a schema or to a class
 * that others use is seen by all of them. The jar's other content (the shaded connector, Avro,
 * resources) is kept. Compiling needs a JDK.
 *
 * <p>A JVM that builds the same variant again (the scenario tests build some a dozen times) copies
 * the jar it built the first time: same edited sources, same base jar (path, size, time), same
 * result, without the three seconds of Avro generation and compiling. Any change to either builds
 * it anew.
 */
public final class JobVariants {

    /** A change to one file of the job module. */
    public record Edit(String file, UnaryOperator<String> change) {}

    /**
     * Replaces text in one file of the job module; the text must occur, so that an edit that no
     * longer applies fails loudly instead of building an unbroken "variant".
     *
     * @param file relative to the job module, e.g. {@code src/main/avro/UserStats.avsc}
     */
    public static Edit replace(String file, String text, String replacement) {
        return new Edit(file, source -> {
            if (!source.contains(text)) {
                throw new IllegalStateException("The variant's edit does not apply: " + file + " has no '" + text + "'");
            }
            return source.replace(text, replacement);
        });
    }

    /** The job class's file: most variants change only the pipeline's assembly. */
    public static final String JOB_SOURCE = "src/main/java/com/example/userevents/UserEventsJob.java";

    private JobVariants() {}

    /**
     * @param version the job version to start from, e.g. "v2"
     * @param workDir an empty or absent folder of this variant's own
     * @return the variant's jar, in {@code workDir}
     */
    public static Path build(Path projectRoot, String version, List<Edit> edits, Path workDir) throws IOException {
        return build(projectRoot.resolve("job-" + version), ProjectLayout.jar(projectRoot, version), version, edits, workDir);
    }

    /**
     * The same for any job module: its sources edited and compiled, packed into a copy of its jar
     * in place of the classes of the packages it compiled.
     *
     * @param module the job's module folder (src/main/java, src/main/avro)
     * @param baseJar the job's jar, as deployed
     * @param version what the messages call it, e.g. "v2"
     */
    public static Path build(Path module, Path baseJar, String version, List<Edit> edits, Path workDir) throws IOException {
        return build(module, baseJar, version, edits, workDir, harnessClasspath());
    }

    /**
     * The same, compiled against another classpath than the harness's: a job built for another
     * Flink release compiles against that release's jars ({@code harness/flink-<release>/cluster/target/classpath.txt}).
     */
    public static Path build(Path module, Path baseJar, String version, List<Edit> edits, Path workDir,
            List<String> compileClasspath) throws IOException {
        if (!Files.isRegularFile(baseJar)) {
            throw new IllegalStateException("The variant starts from " + baseJar + ", which does not exist. "
                    + "Build the jars first (./mvnw package -DskipTests).");
        }
        Path variant = workDir.resolve("job-" + version + "-variant.jar");
        if (Files.exists(variant)) {
            throw new IllegalArgumentException(variant + " exists: give each variant its own folder");
        }
        Path src = workDir.resolve("src");
        Path classes = workDir.resolve("classes");
        copySources(module, src, edits);
        String inputs = digest(src, baseJar);
        Path built = BUILT.get(inputs);
        if (built != null && Files.isRegularFile(built)) {
            Files.copy(built, variant);
            return variant;
        }
        List<Path> javaFiles = new ArrayList<>(generateAvroClasses(src.resolve("src/main/avro"), workDir.resolve("generated")));
        try (Stream<Path> files = Files.walk(src.resolve("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(javaFiles::add);
        }
        compile(javaFiles, baseJar, compileClasspath, classes, version);
        repack(baseJar, classes, variant);
        Path kept = builtVariants().resolve(inputs + ".jar");
        Files.copy(variant, kept, StandardCopyOption.REPLACE_EXISTING);
        BUILT.put(inputs, kept);
        return variant;
    }

    /** The variants this JVM built, by the digest of what they were built from; kept until it exits. */
    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
    private static Path builtVariants;

    private static synchronized Path builtVariants() throws IOException {
        if (builtVariants == null) {
            Path dir = Files.createTempDirectory("job-variants-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Directories.delete(dir), "delete-job-variants"));
            builtVariants = dir;
        }
        return builtVariants;
    }

    /** SHA-256 of every edited source (path and text) and of the base jar's path, size and modification time. */
    private static String digest(Path src, Path baseJar) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(src)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                sha.update(src.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(file));
                sha.update((byte) 0);
            }
        }
        sha.update((baseJar.toAbsolutePath() + "\0" + Files.size(baseJar) + "\0" + Files.getLastModifiedTime(baseJar).toMillis())
                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Writes the version's sources with the edits applied into {@code target}, without compiling:
     * an edit that no longer applies (its text gone from the job) fails here, in a unit test,
     * instead of in the scenario that builds the variant.
     */
    public static void editSources(Path projectRoot, String version, List<Edit> edits, Path target) throws IOException {
        copySources(projectRoot.resolve("job-" + version), target, edits);
    }

    /** The module's Java sources and Avro schemas, edited. */
    private static void copySources(Path module, Path target, List<Edit> edits) throws IOException {
        Set<String> applied = new LinkedHashSet<>();
        for (String dir : List.of("src/main/java", "src/main/avro")) {
            Path from = module.resolve(dir);
            if (!Files.isDirectory(from)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String relative = module.relativize(file).toString().replace(File.separatorChar, '/');
                    String text = Files.readString(file);
                    for (Edit edit : edits) {
                        if (edit.file().equals(relative)) {
                            text = edit.change().apply(text);
                            applied.add(relative);
                        }
                    }
                    Path out = target.resolve(relative);
                    Files.createDirectories(out.getParent());
                    Files.writeString(out, text);
                }
            }
        }
        for (Edit edit : edits) {
            if (!applied.contains(edit.file())) {
                throw new IllegalStateException("The variant edits " + edit.file() + ", which " + module + " does not have");
            }
        }
    }

    /** The same classes the job's build generates (avro-maven-plugin, stringType String). */
    private static List<Path> generateAvroClasses(Path avroDir, Path generated) throws IOException {
        if (!Files.isDirectory(avroDir)) {
            return List.of();
        }
        List<Path> schemaFiles;
        try (Stream<Path> files = Files.walk(avroDir)) {
            schemaFiles = files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
        }
        Schema.Parser parser = new Schema.Parser();
        for (Path schemaFile : schemaFiles) {
            SpecificCompiler compiler = new SpecificCompiler(parser.parse(schemaFile.toFile()));
            compiler.setStringType(GenericData.StringType.String);
            compiler.compileToDestination(schemaFile.toFile(), generated.toFile());
        }
        try (Stream<Path> files = Files.walk(generated)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    private static void compile(List<Path> javaFiles, Path baseJar, List<String> classpath, Path classes, String version)
            throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("Building the broken variant of " + version + " needs a Java compiler, and "
                    + "this Java (" + System.getProperty("java.home") + ") is a runtime without one. Run the harness "
                    + "with a JDK's java.");
        }
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
                baseJar + File.pathSeparator + String.join(File.pathSeparator, classpath),
                "--release", "17", "-nowarn", "-Xlint:none"));
        javaFiles.forEach(f -> args.add(f.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, OutputStream.nullOutputStream(), errors, args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("The variant of " + version + " does not compile:\n"
                    + errors.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * The harness's own classpath (Flink, Avro, Kafka clients): the job classes compile against
     * it and the job's jar. Under {@code java -jar harness.jar} that is the jar's manifest
     * Class-Path, so manifests are followed.
     */
    private static List<String> harnessClasspath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            entries.add(entry);
            Path path = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    String manifestClasspath = jar.getManifest() == null ? null
                            : jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                    if (manifestClasspath != null) {
                        for (String relative : manifestClasspath.trim().split("\\s+")) {
                            entries.add(path.toAbsolutePath().getParent().resolve(relative).toString());
                        }
                    }
                }
            }
        }
        return entries;
    }

    /** The base jar without the classes of the packages compiled anew, plus the variant's. */
    private static void repack(Path baseJar, Path classes, Path variant) throws IOException {
        Set<String> packages = new java.util.HashSet<>();
        try (Stream<Path> compiled = Files.walk(classes)) {
            compiled.filter(f -> f.toString().endsWith(".class")).forEach(f -> packages.add(
                    classes.relativize(f.getParent()).toString().replace(File.separatorChar, '/') + "/"));
        }
        try (JarFile base = new JarFile(baseJar.toFile());
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(variant), base.getManifest())) {
            for (JarEntry entry : Collections.list(base.entries())) {
                String name = entry.getName();
                String dir = name.substring(0, name.lastIndexOf('/') + 1);
                if ((name.endsWith(".class") && packages.contains(dir)) || name.equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream in = base.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            try (Stream<Path> compiled = Files.walk(classes)) {
                for (Path file : compiled.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                    Files.copy(file, out);
                    out.closeEntry();
                }
            }
        }
    }
}
