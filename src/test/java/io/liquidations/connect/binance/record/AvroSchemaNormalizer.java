package io.liquidations.connect.binance.record;

import io.apicurio.registry.utils.converter.avro.AvroData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

/**
 * Compares an Avro schema a converter produced (or a registry holds) with an {@code .avsc}: a copy of the schema
 * without doc strings and without the properties a predicate selects (by default those named {@code connect.*};
 * their names are collected so a caller can check that only {@link #DOCUMENTED_CONNECT_PROPS} went). Everything
 * else is kept: names, field order, types, logical types, defaults, aliases and other properties (sorted by name).
 */
public final class AvroSchemaNormalizer {

    /** The connect.* properties Connect's Avro converters document (AvroData's public constants). */
    public static final Set<String> DOCUMENTED_CONNECT_PROPS = Set.of(
            AvroData.CONNECT_NAME_PROP,
            AvroData.CONNECT_DOC_PROP,
            AvroData.CONNECT_RECORD_DOC_PROP,
            AvroData.CONNECT_ENUM_DOC_PROP,
            AvroData.CONNECT_VERSION_PROP,
            AvroData.CONNECT_DEFAULT_VALUE_PROP,
            AvroData.CONNECT_PARAMETERS_PROP,
            AvroData.CONNECT_TYPE_PROP,
            AvroData.CONNECT_INTERNAL_TYPE_NAME);

    private AvroSchemaNormalizer() {
    }

    /** Without docs and connect.* properties; the names of the properties taken out are added to {@code stripped}. */
    public static Schema normalize(Schema schema, Set<String> stripped) {
        return normalize(schema, name -> name.startsWith("connect."), stripped);
    }

    public static Schema normalize(Schema schema, Predicate<String> strip, Set<String> stripped) {
        return normalize(schema, strip, stripped, new LinkedHashMap<>());
    }

    private static Schema normalize(Schema schema, Predicate<String> strip, Set<String> stripped,
            Map<String, Schema> named) {
        Schema copy;
        switch (schema.getType()) {
            case RECORD -> {
                Schema existing = named.get(schema.getFullName());
                if (existing != null) {
                    return existing;
                }
                copy = Schema.createRecord(schema.getName(), null, schema.getNamespace(), schema.isError());
                named.put(schema.getFullName(), copy);
                List<Schema.Field> fields = new ArrayList<>();
                for (Schema.Field field : schema.getFields()) {
                    Schema.Field fieldCopy = new Schema.Field(field.name(),
                            normalize(field.schema(), strip, stripped, named), null,
                            field.hasDefaultValue() ? field.defaultVal() : null, field.order());
                    field.aliases().forEach(fieldCopy::addAlias);
                    copyProps(field.getObjectProps(), fieldCopy, strip, stripped);
                    fields.add(fieldCopy);
                }
                copy.setFields(fields);
            }
            case ENUM -> copy = Schema.createEnum(schema.getName(), null, schema.getNamespace(),
                    schema.getEnumSymbols(), schema.getEnumDefault());
            case FIXED -> copy = Schema.createFixed(schema.getName(), null, schema.getNamespace(),
                    schema.getFixedSize());
            case ARRAY -> copy = Schema.createArray(normalize(schema.getElementType(), strip, stripped, named));
            case MAP -> copy = Schema.createMap(normalize(schema.getValueType(), strip, stripped, named));
            case UNION -> copy = Schema.createUnion(schema.getTypes().stream()
                    .map(branch -> normalize(branch, strip, stripped, named)).collect(Collectors.toList()));
            default -> copy = Schema.create(schema.getType());
        }
        if (schema.getType() != Schema.Type.UNION) {
            if (schema.getType() == Schema.Type.ENUM || schema.getType() == Schema.Type.FIXED
                    || schema.getType() == Schema.Type.RECORD) {
                schema.getAliases().forEach(copy::addAlias);
            }
            copyProps(schema.getObjectProps(), copy, strip, stripped);
            LogicalType logicalType = schema.getLogicalType();
            if (logicalType != null) {
                logicalType.addToSchema(copy);
            }
        }
        return copy;
    }

    private static void copyProps(Map<String, Object> props, JsonProperties target, Predicate<String> strip,
            Set<String> stripped) {
        for (Map.Entry<String, Object> prop : new TreeMap<>(props).entrySet()) {
            if (strip.test(prop.getKey())) {
                stripped.add(prop.getKey());
            } else if (target.getObjectProp(prop.getKey()) == null) {
                target.addProp(prop.getKey(), prop.getValue());
            }
        }
    }
}
