package com.example.upgrades.harness.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import com.example.upgrades.harness.run.Scenario.Deployment;
import com.example.upgrades.harness.traffic.TrafficGenerator;

/** The named scenarios the CLI and the tests run. */
public final class Scenarios {

    /** Window size of the jobs in every scenario; event time advances 10 ms per event by default. */
    public static final Duration WINDOW_SIZE = Duration.ofSeconds(10);

    /** Event time of the first event: fixed, so every run writes the same events. */
    public static final long START_EVENT_TIME = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** The default traffic: a quick demo. Flags scale it up. */
    public static TrafficGenerator.Settings defaultTraffic() {
        return new TrafficGenerator.Settings(42L, 50, 30_000, 2_000, 0.01, START_EVENT_TIME, 10);
    }

    private static final Map<String, Definition> SCENARIOS = new TreeMap<>();

    private record Definition(String description, BiFunction<Path, TrafficGenerator.Settings, Scenario> build) {}

    static {
        SCENARIOS.put("upgrade", new Definition(
                "the main scenario: v1 at parallelism 4 -> v2 at 4 (events gain device_type) -> v3 at 10 "
                        + "(sanitizer after the reduce, rescaled)",
                (root, traffic) -> new Scenario("upgrade",
                        List.of(new Deployment("v1", jar(root, "v1"), 4, "v1"),
                                new Deployment("v2", jar(root, "v2"), 4, "v2"),
                                new Deployment("v3", jar(root, "v3"), 10, "v2")),
                        traffic, WINDOW_SIZE, true)));
        SCENARIOS.put("rescale-v1", new Definition(
                "v1 at parallelism 4 -> savepoint -> v1 at parallelism 2 (same jar, rescaled)",
                (root, traffic) -> new Scenario("rescale-v1",
                        List.of(new Deployment("v1", jar(root, "v1"), 4, "v1"), new Deployment("v1", jar(root, "v1"), 2, "v1")),
                        traffic, WINDOW_SIZE, true)));
        SCENARIOS.put("drain-on-upgrade", new Definition(
                "v1 at parallelism 4 -> stop WITH drain -> v1 at parallelism 4 (open windows fire early; the "
                        + "verifier must say so)",
                (root, traffic) -> new Scenario("drain-on-upgrade",
                        List.of(new Deployment("v1", jar(root, "v1"), 4, "v1"), new Deployment("v1", jar(root, "v1"), 4, "v1")),
                        traffic, WINDOW_SIZE, true, true)));
        SCENARIOS.put("no-savepoint", new Definition(
                "v1 at parallelism 4 -> stop -> v1 at parallelism 4 started WITHOUT the savepoint (state is lost; "
                        + "the verifier must say so)",
                (root, traffic) -> new Scenario("no-savepoint",
                        List.of(new Deployment("v1", jar(root, "v1"), 4, "v1"), new Deployment("v1", jar(root, "v1"), 4, "v1")),
                        traffic, WINDOW_SIZE, false)));
    }

    private Scenarios() {}

    public static Scenario named(String name, Path projectRoot, TrafficGenerator.Settings traffic) {
        Definition d = SCENARIOS.get(name);
        if (d == null) {
            throw new IllegalArgumentException("Unknown scenario '" + name + "'. Known scenarios:\n" + describeAll());
        }
        return d.build().apply(projectRoot, traffic);
    }

    public static String describeAll() {
        StringBuilder out = new StringBuilder();
        SCENARIOS.forEach((name, d) -> out.append(String.format("  %-14s %s%n", name, d.description())));
        return out.toString();
    }

    public static List<String> names() {
        return List.copyOf(SCENARIOS.keySet());
    }

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
            Path p = Path.of(Scenarios.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
