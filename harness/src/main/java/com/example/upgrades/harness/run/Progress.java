package com.example.upgrades.harness.run;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.example.upgrades.harness.pipeline.Traffic;

/** Prints the current phase and the counts every two seconds, so a long run shows that it moves. */
final class Progress implements AutoCloseable {

    private final PrintStream out;
    private final Traffic generator;
    private final OutputTail tail;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });
    private volatile String phase = "starting";

    Progress(PrintStream out, Traffic generator, OutputTail tail) {
        this.out = out;
        this.generator = generator;
        this.tail = tail;
    }

    Progress start() {
        timer.scheduleAtFixedRate(this::print, 2, 2, TimeUnit.SECONDS);
        return this;
    }

    void phase(String phase) {
        this.phase = phase;
        out.println("[runner] " + phase);
    }

    private void print() {
        out.printf("[progress] %-45s produced %d events (+%d bad), output committed %d%n",
                phase, generator.produced(), generator.badProduced(), tail.answersSeen());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
