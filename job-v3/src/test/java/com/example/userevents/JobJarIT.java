package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/** The shaded jar that gets deployed: the connector, Kafka client and Avro inside; Flink's runtime not. */
class JobJarIT {

    private static final Path JAR = Path.of("target", "job-" + UserEventsJob.JOB_VERSION + ".jar");

    @Test
    void carriesItsDependenciesButNotFlink() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals(UserEventsJob.class.getName(), jar.getManifest().getMainAttributes().getValue("Main-Class"));
            for (String inside : new String[] {
                "com/example/userevents/UserEventsJob.class",
                "com/example/userevents/avro/UserEvent.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/flink/connector/base/DeliveryGuarantee.class",
                "org/apache/flink/formats/avro/typeutils/AvroSerializer.class",
                "org/apache/kafka/clients/producer/KafkaProducer.class",
                "org/apache/avro/Schema.class",
            }) {
                assertNotNull(jar.getEntry(inside), inside + " should be in " + JAR);
            }
            for (String outside : new String[] {
                "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                "org/apache/flink/runtime/jobgraph/JobGraph.class",
                "org/apache/flink/api/common/ExecutionConfig.class",
                "org/slf4j/Logger.class",
            }) {
                assertNull(jar.getEntry(outside), outside + " comes with Flink and must not be in " + JAR);
            }
        }
    }
}
