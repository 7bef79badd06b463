package com.example.upgrades.harness.repair;

import java.util.Locale;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * How one value of a state's old Avro schema becomes a value of its new schema, where Avro's own
 * schema resolution cannot do it (a field's type changed, say from long to string). Runs in the
 * harness, on generic records: neither version's classes are needed to write one.
 */
public interface AvroMigration {

    /** What it does, for the hop's notes, e.g. "event_count converted to the new schema's type". */
    String describe();

    /**
     * @param old a value as the old version wrote it
     * @param schema the new version's schema of the same record
     * @return the value in {@code schema}
     */
    GenericRecord migrate(GenericRecord old, Schema schema);

    /**
     * Every field copied by name, the named ones converted to the new schema's type (a number to
     * its decimal string, a string to a number or boolean, a number to another number); a field
     * only the new schema has takes its default. A value that cannot be converted fails the repair,
     * and says which: a migration that guesses would corrupt state silently.
     */
    static AvroMigration convertField(String... fields) {
        if (fields.length == 0) {
            throw new IllegalArgumentException("convertField needs the name of at least one field to convert");
        }
        return new FieldConversion(List.of(fields));
    }

    /** Every field copied by name, a field only the new schema has at its default: Avro's own schema evolution. */
    static AvroMigration copyFields() {
        return new FieldConversion(List.of());
    }

    /** {@link #convertField}: equal when it converts the same fields, as a plan's repair is compared. */
    record FieldConversion(List<String> fields) implements AvroMigration {

        public FieldConversion {
            fields = List.copyOf(fields);
        }

        @Override
        public String describe() {
            return fields.isEmpty() ? "every field copied by name"
                    : String.join(", ", fields) + " converted to the new schema's type, every other field copied";
        }

        @Override
        public GenericRecord migrate(GenericRecord old, Schema schema) {
            for (String name : fields) {
                if (old.getSchema().getField(name) == null || schema.getField(name) == null) {
                    throw new IllegalArgumentException("The field " + name + " to convert is not in both schemas: old "
                            + old.getSchema().getFields().stream().map(Schema.Field::name).toList() + ", new "
                            + schema.getFields().stream().map(Schema.Field::name).toList());
                }
            }
            GenericRecord next = new GenericData.Record(schema);
            for (Schema.Field field : schema.getFields()) {
                Schema.Field was = old.getSchema().getField(field.name());
                if (was == null) {
                    next.put(field.pos(), GenericData.get().getDefaultValue(field));
                } else if (fields.contains(field.name())) {
                    next.put(field.pos(), AvroMigration.convert(field.name(), old.get(was.pos()), field.schema()));
                } else {
                    next.put(field.pos(), old.get(was.pos()));
                }
            }
            return next;
        }
    }

    /** One value into a primitive type of the new schema. */
    private static Object convert(String field, Object value, Schema to) {
        if (value == null) {
            return null;
        }
        String text = value.toString();
        try {
            return switch (to.getType()) {
                case STRING -> text;
                case LONG -> value instanceof Number n ? n.longValue() : Long.parseLong(text.strip());
                case INT -> value instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(text.strip());
                case DOUBLE -> value instanceof Number n ? n.doubleValue() : Double.parseDouble(text.strip());
                case FLOAT -> value instanceof Number n ? n.floatValue() : Float.parseFloat(text.strip());
                case BOOLEAN -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("not true or false");
                };
                default -> throw new IllegalArgumentException("converting to " + to.getType() + " is not supported; "
                        + "write an AvroMigration of your own");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The value " + text + " of field " + field + " cannot become a "
                    + to.getType().getName() + ": " + e.getMessage(), e);
        }
    }
}
