package com.example.upgrades.harness.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** One value of an old schema into the new one: conversions, copies, defaults, and refusals. */
class AvroMigrationTest {

    private static final Schema OLD = new Schema.Parser().parse("""
            {"type": "record", "name": "S", "fields": [
              {"name": "user_id", "type": "string"},
              {"name": "event_count", "type": "long"},
              {"name": "action_counts", "type": {"type": "map", "values": "long"}, "default": {}}]}""");

    private static final Schema NEW = new Schema.Parser().parse("""
            {"type": "record", "name": "S", "fields": [
              {"name": "user_id", "type": "string"},
              {"name": "event_count", "type": "string"},
              {"name": "action_counts", "type": {"type": "map", "values": "long"}, "default": {}},
              {"name": "device_counts", "type": {"type": "map", "values": "long"}, "default": {}}]}""");

    private static GenericRecord old(long count) {
        GenericRecord r = new GenericData.Record(OLD);
        r.put("user_id", "user-0001");
        r.put("event_count", count);
        r.put("action_counts", Map.of("click", count));
        return r;
    }

    @Test
    void theNamedFieldIsConvertedTheOthersCopiedTheNewOnesDefaulted() {
        GenericRecord next = AvroMigration.convertField("event_count").migrate(old(42), NEW);

        assertEquals("42", next.get("event_count"));
        assertEquals("user-0001", next.get("user_id"));
        assertEquals(Map.of("click", 42L), next.get("action_counts"));
        assertEquals(Map.of(), next.get("device_counts"));
        assertTrue(GenericData.get().validate(NEW, next), "a valid record of the new schema: " + next);
    }

    @Test
    void andBackFromStringToLong() {
        GenericRecord asString = AvroMigration.convertField("event_count").migrate(old(7), NEW);
        GenericRecord back = AvroMigration.convertField("event_count").migrate(asString, OLD);

        assertEquals(7L, back.get("event_count"));
    }

    @Test
    void aValueThatCannotBeConvertedFailsAndSaysWhich() {
        GenericRecord bad = AvroMigration.convertField("event_count").migrate(old(1), NEW);
        bad.put("event_count", "seven");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvroMigration.convertField("event_count").migrate(bad, OLD));
        assertTrue(e.getMessage().contains("The value seven of field event_count cannot become a long"), e.getMessage());
    }

    @Test
    void aFieldNotInBothSchemasIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvroMigration.convertField("device_counts").migrate(old(1), NEW));
        assertTrue(e.getMessage().contains("device_counts to convert is not in both schemas"), e.getMessage());
        assertThrows(IllegalArgumentException.class, AvroMigration::convertField);
    }

    @Test
    void copyingAloneIsAvrosOwnEvolution() {
        GenericRecord next = AvroMigration.copyFields().migrate(old(3), OLD);
        assertEquals(old(3), next);
    }
}
