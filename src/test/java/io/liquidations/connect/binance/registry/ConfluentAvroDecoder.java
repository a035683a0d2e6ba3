package io.liquidations.connect.binance.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes record values as Confluent's {@code KafkaAvroDeserializer} does with {@code specific.avro.reader=true}:
 * magic byte 0, the writer schema's id as 4 bytes big-endian, then Avro binary; the writer schema is fetched from
 * the registry by that id and resolved against the reader's class (the one avro-maven-plugin generated).
 *
 * @param <T> the generated class, e.g. {@code io.liquidations.binance.ForceOrder}
 */
public final class ConfluentAvroDecoder<T extends SpecificRecord> {
    public static final byte MAGIC_BYTE = 0;
    private static final int HEADER_BYTES = 5;

    private final ConfluentSchemaRegistryClient registry;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    public ConfluentAvroDecoder(ConfluentSchemaRegistryClient registry, Schema readerSchema) {
        this.registry = registry;
        this.readerSchema = readerSchema;
    }

    /** The schema id a framed value carries; a clear error if the bytes are not in Confluent's wire format. */
    public static int schemaId(byte[] value) {
        if (value == null || value.length < HEADER_BYTES) {
            throw new IllegalArgumentException("not Confluent wire format: " + (value == null ? "null value"
                    : value.length + " bytes, fewer than the 5 of magic byte and schema id"));
        }
        if (value[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException("not Confluent wire format: first byte " + value[0]
                    + ", expected magic byte 0 (is the value converter Avro with a registry? JSON starts with 123 '{')");
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    public T decode(byte[] value) {
        int id = schemaId(value);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(id,
                key -> new SpecificDatumReader<>(registry.schemaById(key), readerSchema));
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(value, HEADER_BYTES,
                    value.length - HEADER_BYTES, null));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode a value written with schema id " + id + " as "
                    + readerSchema.getFullName() + ": " + e.getMessage(), e);
        }
    }
}
