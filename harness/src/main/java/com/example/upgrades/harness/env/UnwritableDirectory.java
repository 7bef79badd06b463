package com.example.upgrades.harness.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A directory really made unwritable, for the savepoint-storage fault: nothing can create a file or
 * folder in it until {@link #restore()}. Its write permissions are taken away; for root, who
 * ignores permissions, the directory is also made immutable ({@code chattr +i}, which binds root
 * too). Never a mock: Flink meets the operating system's refusal.
 */
final class UnwritableDirectory {

    private final Path dir;
    private final Set<PosixFilePermission> permissions;
    private final boolean immutable;
    private boolean restored;

    private UnwritableDirectory(Path dir, Set<PosixFilePermission> permissions, boolean immutable) {
        this.dir = dir;
        this.permissions = permissions;
        this.immutable = immutable;
    }

    static UnwritableDirectory block(Path dir) {
        try {
            Set<PosixFilePermission> before = Files.getPosixFilePermissions(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            boolean immutable = false;
            if (writable(dir)) {
                // Root: permissions do not stop it; the immutable attribute does.
                chattr("+i", dir);
                immutable = true;
                if (writable(dir)) {
                    chattr("-i", dir);
                    Files.setPosixFilePermissions(dir, before);
                    throw new EnvironmentException("Could not make " + dir + " unwritable (neither its permissions nor "
                            + "chattr +i stop this user from writing in it); the savepoint-storage fault cannot run here.");
                }
            }
            return new UnwritableDirectory(dir, before, immutable);
        } catch (IOException e) {
            throw new EnvironmentException("Could not make " + dir + " unwritable: " + e.getMessage(), e);
        }
    }

    /** This blocked directory as the faults hand it out, named as Flink names it. */
    Environment.BlockedStorage asBlockedStorage(String directoryAsFlinkNamesIt) {
        return new Environment.BlockedStorage() {
            @Override
            public String directory() {
                return directoryAsFlinkNamesIt;
            }

            @Override
            public void restore() {
                UnwritableDirectory.this.restore();
            }
        };
    }

    synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        try {
            if (immutable) {
                chattr("-i", dir);
            }
            Files.setPosixFilePermissions(dir, permissions);
        } catch (IOException e) {
            throw new EnvironmentException("Could not give " + dir + " its permissions back: " + e.getMessage()
                    + ". Run: chattr -i " + dir + " && chmod u+w " + dir, e);
        }
    }

    /** True if a file can really be created in {@code dir} (the probe is deleted again). */
    private static boolean writable(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".probe-", ""));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void chattr(String flag, Path dir) throws IOException {
        Process p = new ProcessBuilder(List.of("chattr", flag, dir.toString())).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("chattr " + flag + " " + dir + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running chattr", e);
        }
    }
}
