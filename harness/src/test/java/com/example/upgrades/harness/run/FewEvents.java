package com.example.upgrades.harness.run;

import com.example.upgrades.userevents.Scenarios;
import com.example.upgrades.userevents.PipelineTopics;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.example.upgrades.harness.env.Environment;
import com.example.upgrades.userevents.traffic.EventSchemas;
import com.example.upgrades.userevents.verify.Records;
import com.example.upgrades.userevents.verify.TopicReader;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A handful of hand-written events whose right answer is obvious, for tests that drive jobs step by step. */
final class FewEvents {

    static final List<String> USERS = List.of("ann", "ben", "cat");

    private FewEvents() {}

    /** Events {@code from..to}, round-robin over the users, 100 ms of event time apart. */
    static void produce(Environment env, EventSchemas schemas, String writer, int from, int to,
            String device) {
        Schema schema = schemas.schema(writer);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrapServers());
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int id = from; id <= to; id++) {
                String user = USERS.get((id - 1) % USERS.size());
                GenericRecord event = new GenericData.Record(schema);
                event.put("event_id", (long) id);
                event.put("user_id", user);
                event.put("action", "click");
                event.put("event_time", Scenarios.START_EVENT_TIME + id * 100L);
                if (device != null) {
                    event.put("device_type", device);
                }
                producer.send(new ProducerRecord<>(PipelineTopics.INPUT, user.getBytes(StandardCharsets.UTF_8),
                        EventSchemas.encode(schema, event)));
            }
        }
    }

    /** Until {@code count} user-stats records are committed. */
    static void awaitStats(TopicReader reader, int count) {
        await(count + " user-stats records committed").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> statsOfEvents(reader, 1, Integer.MAX_VALUE).size() >= count);
    }

    static List<Records.Stats> statsOfEvents(TopicReader reader, long from, long to) {
        return reader.readAll(PipelineTopics.INPUT, PipelineTopics.STATS, PipelineTopics.WINDOWS, PipelineTopics.DLQ)
                .stats().stream().filter(s -> s.lastEventId() >= from && s.lastEventId() <= to).toList();
    }
}
