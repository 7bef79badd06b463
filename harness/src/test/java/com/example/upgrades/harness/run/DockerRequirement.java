package com.example.upgrades.harness.run;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.example.upgrades.harness.env.ContainersEnvironment;
import org.junit.jupiter.api.Assumptions;

/**
 * The container tests need a Docker engine. Without one they are skipped, with a message that
 * says how to enable them; where HARNESS_REQUIRE_DOCKER=true (as .ci/run sets), they fail instead,
 * so that CI can never pass them by skipping.
 */
final class DockerRequirement {

    private DockerRequirement() {}

    static void requireDocker() {
        if (!ContainersEnvironment.dockerAvailable()) {
            missing("No Docker engine is reachable");
        }
    }

    /** {@code docker compose} (Compose v2) or {@code docker-compose} (v1), whichever this machine has. */
    static List<String> requireCompose() {
        requireDocker();
        for (List<String> command : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            if (runs(command)) {
                return command;
            }
        }
        missing("Neither 'docker compose' nor 'docker-compose' is installed");
        return List.of();
    }

    private static boolean runs(List<String> command) {
        try {
            Process p = new ProcessBuilder(concat(command, "version")).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    private static void missing(String what) {
        String message = what + ". To run this test: start a Docker engine (on a machine without a registry, also run "
                + "harness/docker/build-offline-images.sh and export the KAFKA_IMAGE and FLINK_IMAGE it prints), "
                + "and set TESTCONTAINERS_RYUK_DISABLED=true, TESTCONTAINERS_CHECKS_DISABLE=true where no registry is "
                + "reachable. .ci/run does all of this.";
        if ("true".equals(System.getenv("HARNESS_REQUIRE_DOCKER"))) {
            fail(message + " (HARNESS_REQUIRE_DOCKER=true: not skipped)");
        }
        Assumptions.abort(message);
    }
}
