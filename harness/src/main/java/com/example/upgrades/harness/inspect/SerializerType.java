package com.example.upgrades.harness.inspect;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * A type known only by the serializer a savepoint names for it: what the State Processor API is
 * given for keys and values whose classes the harness does not have, only the job's jar.
 */
public final class SerializerType<T> extends TypeInformation<T> {
    private final TypeSerializer<T> serializer;

    public SerializerType(TypeSerializer<T> serializer) {
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Class<T> getTypeClass() {
        return (Class<T>) Object.class;
    }

    @Override
    public boolean isKeyType() {
        return true;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.duplicate();
    }

    @Override
    public String toString() {
        return "type of " + serializer.getClass().getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SerializerType<?> other && other.serializer.equals(serializer);
    }

    @Override
    public int hashCode() {
        return serializer.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof SerializerType;
    }
}
