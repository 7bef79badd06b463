package com.example.upgrades.harness.env;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.flink.core.fs.BlockLocation;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.Path;

/**
 * The local file system under the scheme {@value #SCHEME}, whose file creation can be held: while
 * held, every thread that creates a file waits. A savepoint written to a {@code holdable:} folder by
 * a job whose state is never inlined (execution.checkpointing.data-inline-threshold 0) stays in
 * progress as long as it is held: its tasks' state files wait to be written, so the savepoint can
 * neither complete nor be acknowledged. A fault that must strike during a savepoint (a TaskManager
 * terminated) strikes then, every time, on a machine of any speed; a race with a savepoint that
 * completes in 100 ms would land after it most of the time.
 *
 * <p>For the embedded environment, whose Flink runs in this JVM (the factory is found by Flink's
 * service loader); reads, listings and everything else go straight to the local file system.
 */
public final class HoldableFileSystem extends FileSystem {

    public static final String SCHEME = "holdable";

    private static final Object LOCK = new Object();
    private static CountDownLatch gate = new CountDownLatch(0);
    private static final AtomicInteger WAITING = new AtomicInteger();

    private final FileSystem local = FileSystem.getLocalFileSystem();

    /** A folder of the local file system, as a {@code holdable:} URI. */
    public static String uriOf(java.nio.file.Path dir) {
        return SCHEME + "://" + dir.toAbsolutePath();
    }

    /** From now on, every file creation waits until {@link #release()}. */
    public static void hold() {
        synchronized (LOCK) {
            if (gate.getCount() == 0) {
                gate = new CountDownLatch(1);
            }
        }
    }

    /** Lets every waiting and later file creation through. */
    public static void release() {
        synchronized (LOCK) {
            gate.countDown();
        }
    }

    /** Until at least one file creation waits (true), or the timeout (false). */
    public static boolean awaitWaiting(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (WAITING.get() == 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** How many file creations wait now. */
    public static int waiting() {
        return WAITING.get();
    }

    private static Path local(Path path) {
        return new Path("file", null, path.toUri().getPath());
    }

    @Override
    public FSDataOutputStream create(Path path, WriteMode overwrite) throws IOException {
        CountDownLatch current;
        synchronized (LOCK) {
            current = gate;
        }
        if (current.getCount() > 0) {
            WAITING.incrementAndGet();
            try {
                if (!current.await(10, TimeUnit.MINUTES)) {
                    throw new IOException("held for 10 minutes: " + path);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while held: " + path);
            } finally {
                WAITING.decrementAndGet();
            }
        }
        return local.create(local(path), overwrite);
    }

    @Override
    public Path getWorkingDirectory() {
        return local.getWorkingDirectory();
    }

    @Override
    public Path getHomeDirectory() {
        return local.getHomeDirectory();
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        return local.getFileStatus(local(f));
    }

    @Override
    public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len) throws IOException {
        return local.getFileBlockLocations(file, start, len);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        return local.open(local(f), bufferSize);
    }

    @Override
    public FSDataInputStream open(Path f) throws IOException {
        return local.open(local(f));
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        return local.listStatus(local(f));
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        return local.delete(local(f), recursive);
    }

    @Override
    public boolean mkdirs(Path f) throws IOException {
        return local.mkdirs(local(f));
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        return local.rename(local(src), local(dst));
    }

    @Override
    public boolean isDistributedFS() {
        return false;
    }

    /** Found by Flink's service loader (META-INF/services/org.apache.flink.core.fs.FileSystemFactory). */
    public static final class Factory implements FileSystemFactory {
        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileSystem create(URI fsUri) {
            return new HoldableFileSystem();
        }
    }
}
