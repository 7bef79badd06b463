package com.example.upgrades.harness.repair;

import java.util.function.BiFunction;

import org.apache.avro.generic.GenericRecord;

/**
 * The key each value of a keyed state moves to when a job's keyBy changed: a function of the old
 * key and of the value (as a generic record of its schema). A key change can be repaired offline
 * only so: when the state holds what the new key is made of. Two old keys that land on one new key
 * fail the repair, since merging two values is a decision about the data that no repair can guess.
 */
public interface KeyChange {

    /** What it does, for the hop's notes, e.g. "key k becomes tenant-a/k". */
    String describe();

    /** The new key of a value stored under {@code oldKey}. */
    Object newKey(Object oldKey, GenericRecord value);

    static KeyChange of(String description, BiFunction<Object, GenericRecord, Object> newKey) {
        return new KeyChange() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public Object newKey(Object oldKey, GenericRecord value) {
                return newKey.apply(oldKey, value);
            }
        };
    }
}
