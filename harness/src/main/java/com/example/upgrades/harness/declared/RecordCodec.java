package com.example.upgrades.harness.declared;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Records of one topic in its format, as JSON trees both ways: what the traffic writes is built as
 * JSON and encoded; what a verifier reads is decoded to JSON, so that every field is found by the
 * same JSON pointer whatever the format. Avro records carry the version of the schema that wrote
 * them in their header (a fingerprint, or a registry id).
 */
final class RecordCodec {

    static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineSpec.Format format;
    private final Map<String, Schema> schemas = new LinkedHashMap<>();
    private final Map<Long, Schema> byFingerprint = new LinkedHashMap<>();
    private final List<Schema> byRegistryId = new ArrayList<>();

    RecordCodec(PipelineSpec.Format format, Map<String, Path> schemaFiles) {
        this.format = format;
        schemaFiles.forEach((version, file) -> {
            try {
                Schema schema = new Schema.Parser().parse(file.toFile());
                schemas.put(version, schema);
                byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
                byRegistryId.add(schema);
            } catch (IOException e) {
                throw new IllegalArgumentException("The schema " + file + " of version " + version + " cannot be read: "
                        + e.getMessage(), e);
            }
        });
        if (format != PipelineSpec.Format.JSON && schemas.isEmpty()) {
            throw new IllegalArgumentException("An Avro topic needs the writer schema of each version (schemas: {v1: ...}).");
        }
    }

    /** The writer schema of a version (the last one known, for a version that introduced none). */
    Schema schema(String version) {
        Schema s = schemas.get(version);
        if (s != null) {
            return s;
        }
        return schemas.values().stream().reduce((a, b) -> b).orElseThrow();
    }

    /** The names of every field a record of this topic can have, for checking the plan's pointers; empty for JSON. */
    List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        schemas.values().forEach(s -> s.getFields().forEach(f -> names.add(f.name())));
        return names;
    }

    byte[] encode(ObjectNode record, String version) {
        if (format == PipelineSpec.Format.JSON) {
            try {
                return JSON.writeValueAsBytes(record);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Schema schema = schema(version);
        GenericRecord avro = toAvro(record, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (format == PipelineSpec.Format.AVRO) {
            out.write(0xC3);
            out.write(0x01);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(SchemaNormalization.parsingFingerprint64(schema)).array());
        } else {
            out.write(0);
            out.writeBytes(ByteBuffer.allocate(4).putInt(byRegistryId.indexOf(schema) + 1).array());
        }
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(avro, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The record as JSON, or empty when it is not a record of this topic's format. */
    Optional<JsonNode> decode(byte[] value) {
        if (value == null || value.length == 0) {
            return Optional.empty();
        }
        try {
            if (format == PipelineSpec.Format.JSON) {
                JsonNode node = JSON.readTree(value);
                return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
            }
            Schema writer;
            int start;
            if (format == PipelineSpec.Format.AVRO) {
                if (value.length < 10 || value[0] != (byte) 0xC3 || value[1] != 0x01) {
                    return Optional.empty();
                }
                writer = byFingerprint.get(ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
                start = 10;
            } else {
                if (value.length < 5 || value[0] != 0) {
                    return Optional.empty();
                }
                int id = ByteBuffer.wrap(value, 1, 4).getInt();
                writer = id >= 1 && id <= byRegistryId.size() ? byRegistryId.get(id - 1) : null;
                start = 5;
            }
            if (writer == null) {
                return Optional.empty();
            }
            var decoder = DecoderFactory.get().binaryDecoder(value, start, value.length - start, null);
            GenericRecord record = new GenericDatumReader<GenericRecord>(writer).read(null, decoder);
            if (!decoder.isEnd()) {
                return Optional.empty();
            }
            return Optional.of(toJson(record));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static GenericRecord toAvro(ObjectNode json, Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            JsonNode v = json.get(f.name());
            record.put(f.pos(), v == null || v.isNull() ? GenericData.get().getDefaultValue(f) : toAvroValue(v, f.schema()));
        }
        return record;
    }

    private static Object toAvroValue(JsonNode v, Schema schema) {
        return switch (schema.getType()) {
            case LONG -> v.asLong();
            case INT -> v.asInt();
            case DOUBLE -> v.asDouble();
            case FLOAT -> (float) v.asDouble();
            case BOOLEAN -> v.asBoolean();
            case STRING -> v.asText();
            case RECORD -> toAvro((ObjectNode) v, schema);
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        yield toAvroValue(v, branch);
                    }
                }
                yield null;
            }
            default -> throw new IllegalArgumentException("The traffic cannot write a field of Avro type " + schema.getType());
        };
    }

    static JsonNode toJson(Object value) {
        if (value instanceof GenericRecord r) {
            ObjectNode node = JSON.createObjectNode();
            for (Schema.Field f : r.getSchema().getFields()) {
                node.set(f.name(), toJson(r.get(f.pos())));
            }
            return node;
        }
        if (value instanceof Map<?, ?> m) {
            ObjectNode node = JSON.createObjectNode();
            m.forEach((k, v) -> node.set(k.toString(), toJson(v)));
            return node;
        }
        if (value instanceof Iterable<?> items) {
            ArrayNode array = JSON.createArrayNode();
            Iterator<?> it = items.iterator();
            it.forEachRemaining(v -> array.add(toJson(v)));
            return array;
        }
        return JSON.valueToTree(value instanceof CharSequence ? value.toString() : value);
    }
}
