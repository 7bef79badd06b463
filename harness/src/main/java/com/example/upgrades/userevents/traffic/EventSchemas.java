package com.example.upgrades.userevents.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * The writer schemas of {@code UserEvent}, one per job version that introduced one, read from the
 * job modules' own .avsc files (copied onto the harness's classpath by the build). Producers
 * write with them; the verifier reads any of them back by fingerprint.
 */
public final class EventSchemas {

    /** Versions whose job module introduced a UserEvent schema, oldest first (v3 writes as v2). */
    private static final String[] VERSIONS = {"v1", "v2"};

    /** A UserEvent schema that no job version knows: records written with it must be dead-lettered. */
    static final Schema UNKNOWN = SchemaBuilder.record("UserEvent").namespace("com.example.userevents.avro").fields()
            .requiredLong("event_id")
            .requiredString("user_id")
            .requiredString("action")
            .requiredLong("event_time")
            .requiredString("experiment")
            .endRecord();

    private final Map<String, Schema> byVersion = new LinkedHashMap<>();
    private final Map<Long, String> versionByFingerprint = new LinkedHashMap<>();
    /**
     * One decoder per writer schema, made once: a new one works out the schema's fingerprint each
     * time, a noticeable share of reading a million events. Avro's message decoders are thread-safe.
     */
    private final Map<String, BinaryMessageDecoder<GenericRecord>> decoders = new LinkedHashMap<>();

    public EventSchemas() {
        for (String version : VERSIONS) {
            Schema schema = load("/schemas/" + version + "/UserEvent.avsc");
            byVersion.put(version, schema);
            versionByFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), version);
            decoders.put(version, new BinaryMessageDecoder<>(GenericData.get(), schema));
        }
    }

    private static Schema load(String resource) {
        try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath; build the harness with Maven");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Schema schema(String version) {
        Schema schema = byVersion.get(version);
        if (schema == null) {
            throw new IllegalArgumentException("No UserEvent schema for " + version + "; known: " + byVersion.keySet());
        }
        return schema;
    }

    /** Avro single-object encoding with the given writer schema. */
    public static byte[] encode(Schema writer, GenericRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decoded event and the version whose schema wrote it; empty when it is not a known encoding. */
    public Optional<Decoded> decode(byte[] value) {
        if (value == null || value.length < 10 || value[0] != (byte) 0xC3 || value[1] != 0x01) {
            return Optional.empty();
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String version = versionByFingerprint.get(fingerprint);
        if (version == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Decoded(version, decoders.get(version).decode(value)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public record Decoded(String writerVersion, GenericRecord record) {}
}
