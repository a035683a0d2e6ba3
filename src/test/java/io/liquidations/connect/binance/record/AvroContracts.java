package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apicurio.registry.utils.converter.avro.AvroData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** What the topics' Avro contract tests share: the schema check against the .avsc, and the trip through Avro. */
final class AvroContracts {
    private AvroContracts() {
    }

    /** The Connect schema, converted as the worker's converter does, equals {@code avscFile} up to documentation. */
    static void assertConvertsToTheAvsc(AvroData avroData, org.apache.kafka.connect.data.Schema connectSchema,
            String avscFile, String fullName) throws IOException {
        Schema avsc = new Schema.Parser().parse(Path.of("src", "main", "avro", avscFile).toFile());
        Schema converted = avroData.fromConnectSchema(connectSchema);
        assertEquals(ForceOrderAvroContractTest.normalize(avsc, new TreeSet<>()).toString(true),
                ForceOrderAvroContractTest.normalize(converted, new TreeSet<>()).toString(true));
        assertEquals(fullName, avsc.getFullName());
    }

    /** The record's value written as the converter writes it, read back into the class generated from the .avsc. */
    static <T> T roundTrip(AvroData avroData, SourceRecord record, Schema generatedSchema) throws IOException {
        Schema writer = avroData.fromConnectSchema(record.valueSchema());
        Object avro = avroData.fromConnectData(record.valueSchema(), (Struct) record.value());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<Object>(writer).write(avro, encoder);
        encoder.flush();
        return new SpecificDatumReader<T>(writer, generatedSchema)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}
