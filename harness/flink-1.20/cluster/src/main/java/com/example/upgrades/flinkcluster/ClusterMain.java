package com.example.upgrades.flinkcluster;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * A Flink session cluster of the Flink version on this JVM's classpath: one JobManager with its
 * REST API and web submission, and one TaskManager, as a MiniCluster. The harness starts it in a
 * JVM of its own, with the previous Flink release on the classpath, to run a job there before
 * restoring its savepoint on the current release.
 *
 * <p>Arguments: a properties file of Flink configuration (the harness writes the same settings
 * its own embedded cluster has), and the number of task slots. Once the cluster serves, it
 * prints one line, {@code READY <rest address> <flink version>}, and then runs until its standard
 * input closes: the harness holds the other end, so the cluster never outlives it.
 */
public final class ClusterMain {

    private ClusterMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ClusterMain FLINK_CONF.properties SLOTS");
            System.exit(2);
        }
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            settings.load(in);
        }
        Map<String, String> map = new HashMap<>();
        settings.stringPropertyNames().forEach(key -> map.put(key, settings.getProperty(key)));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(Configuration.fromMap(map))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(Integer.parseInt(args[1]))
                .build());
        cluster.start();
        System.out.println("READY " + cluster.getRestAddress().get() + " " + EnvironmentInformation.getVersion());
        System.out.flush();
        while (System.in.read() != -1) {
            // nothing to read: waiting for the end of the input
        }
        cluster.close();
    }
}
