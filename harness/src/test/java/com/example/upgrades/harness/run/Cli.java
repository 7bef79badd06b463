package com.example.upgrades.harness.run;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import com.example.upgrades.harness.cli.HarnessCli;

/** One harness command, run in this JVM as a user would type it: its exit status and what it printed. */
public record Cli(int exit, String out, String err) {

    public static Cli execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = HarnessCli.execute(new PrintStream(out, true), new PrintStream(err, true), args);
        String o = out.toString(StandardCharsets.UTF_8);
        System.out.print(o);
        return new Cli(exit, o, err.toString(StandardCharsets.UTF_8));
    }
}
