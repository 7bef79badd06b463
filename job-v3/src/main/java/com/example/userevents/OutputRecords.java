package com.example.userevents;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

import com.example.userevents.avro.UserStats;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How the job's outputs look on Kafka: JSON values keyed by user_id on user-stats and
 * user-windows, and the untouched original bytes with reason headers on the dead-letter topic.
 */
public final class OutputRecords {

    /** Dead-letter headers: the reason code, a readable detail, and where the record came from. */
    public static final String HEADER_REASON = "dlq-reason";
    public static final String HEADER_DETAIL = "dlq-detail";
    public static final String HEADER_SOURCE = "dlq-source";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputRecords() {}

    /** {"user_id", "event_count", "last_event_id", "action_counts", "device_counts", "job_version"} */
    public static byte[] userStatsJson(UserStats stats, String jobVersion) {
        ObjectNode node = JSON.createObjectNode();
        node.put("user_id", stats.getUserId());
        node.put("event_count", stats.getEventCount());
        node.put("last_event_id", stats.getLastEventId());
        node.set("action_counts", JSON.valueToTree(new TreeMap<>(stats.getActionCounts())));
        node.set("device_counts", JSON.valueToTree(new TreeMap<>(stats.getDeviceCounts())));
        node.put("job_version", jobVersion);
        return write(node);
    }

    /** {"user_id", "window_start", "window_end", "event_count", "job_version"} */
    public static byte[] windowCountJson(WindowCount count, String jobVersion) {
        ObjectNode node = JSON.createObjectNode();
        node.put("user_id", count.userId);
        node.put("window_start", count.windowStart);
        node.put("window_end", count.windowEnd);
        node.put("event_count", count.eventCount);
        node.put("job_version", jobVersion);
        return write(node);
    }

    private static byte[] write(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON of " + node, e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** user-stats records. */
    public record UserStatsSerializer(String topic, String jobVersion) implements KafkaRecordSerializationSchema<UserStats> {
        @Override
        public ProducerRecord<byte[], byte[]> serialize(UserStats stats, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, utf8(stats.getUserId()), userStatsJson(stats, jobVersion));
        }
    }

    /** user-windows records. */
    public record WindowCountSerializer(String topic, String jobVersion)
            implements KafkaRecordSerializationSchema<WindowCount> {
        @Override
        public ProducerRecord<byte[], byte[]> serialize(WindowCount count, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, utf8(count.userId), windowCountJson(count, jobVersion));
        }
    }

    /** Dead letters: original key and value, reason in headers. */
    public record DeadLetterSerializer(String topic) implements KafkaRecordSerializationSchema<DeadLetter> {
        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader(HEADER_REASON, utf8(letter.reason.name())));
            headers.add(new RecordHeader(HEADER_DETAIL, utf8(String.valueOf(letter.detail))));
            headers.add(new RecordHeader(HEADER_SOURCE, utf8(letter.topic + "-" + letter.partition + "@" + letter.offset)));
            return new ProducerRecord<>(topic, null, null, letter.key, letter.value, headers);
        }
    }
}
