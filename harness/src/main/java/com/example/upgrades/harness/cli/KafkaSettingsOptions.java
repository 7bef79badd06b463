package com.example.upgrades.harness.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.kafka.KafkaAccess;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The Kafka client settings of a secured cluster, as every command that talks to Kafka takes them:
 * a properties file, and single settings that win over it. Their values are never printed.
 */
public final class KafkaSettingsOptions {

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client settings for a secured cluster (security.protocol, sasl.*, ssl.*), as a "
                    + "properties file; given to the harness's clients and, for run, to the jobs. Never printed.")
    Path file;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "One Kafka client setting, e.g. security.protocol=SASL_SSL; repeatable, wins over the file. "
                    + "Never printed.")
    List<String> pairs = new ArrayList<>();

    /** The settings given; a wrong one is a usage error that never repeats a value. */
    public Map<String, String> settings(CommandLine.Model.CommandSpec spec) {
        try {
            return KafkaAccess.settings(file, pairs);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Kafka at these bootstrap servers, with the settings given. */
    public KafkaAccess access(String bootstrapServers, CommandLine.Model.CommandSpec spec) {
        try {
            return new KafkaAccess(bootstrapServers, settings(spec));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public boolean given() {
        return file != null || !pairs.isEmpty();
    }
}
