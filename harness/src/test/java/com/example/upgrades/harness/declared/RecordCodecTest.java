package com.example.upgrades.harness.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records in each format the plan names, both ways, and what is not a record of the format. */
class RecordCodecTest {

    private static final String V1 = """
            {"type": "record", "name": "Order", "namespace": "com.acme", "fields": [
              {"name": "id", "type": "long"}, {"name": "customer", "type": "string"}]}""";
    private static final String V2 = """
            {"type": "record", "name": "Order", "namespace": "com.acme", "fields": [
              {"name": "id", "type": "long"}, {"name": "customer", "type": "string"},
              {"name": "channel", "type": "string", "default": "web"}]}""";

    private static Map<String, Path> schemas(Path dir) throws IOException {
        Map<String, Path> s = new LinkedHashMap<>();
        s.put("v1", Files.writeString(dir.resolve("v1.avsc"), V1));
        s.put("v2", Files.writeString(dir.resolve("v2.avsc"), V2));
        return s;
    }

    private static ObjectNode order(long id, String customer) {
        return RecordCodec.JSON.createObjectNode().put("id", id).put("customer", customer);
    }

    @Test
    void avroSingleObjectEncodingIsWhatAvroItselfReadsAndEachVersionKeepsItsSchema(@TempDir Path dir) throws IOException {
        RecordCodec codec = new RecordCodec(PipelineSpec.Format.AVRO, schemas(dir));
        byte[] v1 = codec.encode(order(1, "ann"), "v1");
        byte[] v2 = codec.encode(order(2, "bob").put("channel", "app"), "v2");

        Schema v1Schema = new Schema.Parser().parse(V1);
        GenericRecord read = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), v1Schema).decode(v1);
        assertEquals("ann", read.get("customer").toString(), "Avro's own single-object decoder reads it");
        assertEquals(SchemaNormalization.parsingFingerprint64(v1Schema),
                java.nio.ByteBuffer.wrap(v1, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());

        assertEquals(order(1, "ann"), codec.decode(v1).orElseThrow());
        assertEquals("app", codec.decode(v2).orElseThrow().get("channel").asText(), "read with its writer's schema, v2");
    }

    @Test
    void theRegistryHeaderNumbersTheSchemasInTheirOrder(@TempDir Path dir) throws IOException {
        RecordCodec codec = new RecordCodec(PipelineSpec.Format.AVRO_REGISTRY, schemas(dir));
        byte[] v2 = codec.encode(order(3, "cy"), "v2");
        assertEquals(0, v2[0]);
        assertEquals(2, java.nio.ByteBuffer.wrap(v2, 1, 4).getInt(), "v2 is the second schema");
        assertEquals("web", codec.decode(v2).orElseThrow().get("channel").asText(), "a missing field gets its default");
        byte[] unknownId = v2.clone();
        unknownId[4] = 9;
        assertTrue(codec.decode(unknownId).isEmpty());
    }

    @Test
    void whatIsNotARecordOfTheFormatDecodesToNothing(@TempDir Path dir) throws IOException {
        RecordCodec avro = new RecordCodec(PipelineSpec.Format.AVRO, schemas(dir));
        byte[] good = avro.encode(order(1, "ann"), "v1");
        byte[] marker = good.clone();
        marker[0] = '{';
        byte[] fingerprint = good.clone();
        fingerprint[3] = (byte) ~fingerprint[3];
        assertTrue(avro.decode(marker).isEmpty());
        assertTrue(avro.decode(fingerprint).isEmpty());
        assertTrue(avro.decode(Arrays.copyOf(good, good.length - 1)).isEmpty(), "truncated");
        assertTrue(avro.decode(new byte[0]).isEmpty());

        RecordCodec json = new RecordCodec(PipelineSpec.Format.JSON, Map.of());
        assertEquals(order(5, "dee").toString(), json.decode(json.encode(order(5, "dee"), "any")).orElseThrow().toString());
        assertTrue(json.decode("{ not json".getBytes()).isEmpty());
        assertTrue(json.decode("[1, 2]".getBytes()).isEmpty(), "not an object");
    }
}
