package com.example.upgrades.harness.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.upgrades.harness.pipeline.CouldNotVerifyException;
import com.example.upgrades.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the verifier reads, on a real broker: a topic read to its end as a read_committed consumer
 * sees it, or "could not verify", never a part of it taken for the whole.
 */
class CommittedRecordsIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /**
     * A transaction still open at the end of an output topic (a job that has not committed yet, or
     * died before its commit): its records are neither lost nor there yet, so the read refuses,
     * naming the partition, instead of returning what a read_committed reader sees so far. Once
     * the transaction is committed, the same read returns every record.
     */
    @Test
    void aTopicWithAnOpenTransactionCouldNotBeVerifiedUntilItEnds() throws Exception {
        kafka.createTopic("open-tx", 2);
        KafkaAccess access = KafkaAccess.plain(kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "open-tx-writer"), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("open-tx", 0, null, bytes("committed"))).get();
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("open-tx", 1, null, bytes("open"))).get();
            producer.flush();

            CouldNotVerifyException refused = assertThrows(CouldNotVerifyException.class,
                    () -> CommittedRecords.read(access, "open-tx", r -> { }, Duration.ofSeconds(1)));
            assertTrue(refused.getMessage().contains("has a transaction still open on partition(s) [1 (stable up to 0 of 1)]")
                    && refused.getMessage().contains("Verifying now would call records lost that may still appear"),
                    refused.getMessage());

            producer.commitTransaction();
        }
        List<String> values = new ArrayList<>();
        CommittedRecords.read(access, "open-tx", r -> values.add(text(r)), Duration.ofSeconds(1));
        assertEquals(List.of("committed", "open"), values);
    }

    @Test
    void aMissingTopicCouldNotBeVerified() {
        CouldNotVerifyException refused = assertThrows(CouldNotVerifyException.class,
                () -> CommittedRecords.of(KafkaAccess.plain(kafka.bootstrapServers()), "no-such-topic"));
        assertTrue(refused.getMessage().contains("no-such-topic"), refused.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }
}
