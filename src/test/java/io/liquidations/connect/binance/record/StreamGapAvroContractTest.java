package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.liquidations.binance.StreamGap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The gap record's contract, held the same way as ForceOrder's: converted schema equals the .avsc, values round-trip. */
class StreamGapAvroContractTest {
    private final AvroData avroData = new AvroData(new AvroDataConfig(Map.of()));

    @Test
    void convertedSchemaEqualsTheAvsc() throws IOException {
        Schema avsc = new Schema.Parser().parse(Path.of("src", "main", "avro", "StreamGap.avsc").toFile());
        Schema converted = avroData.fromConnectSchema(StreamGapRecords.VALUE_SCHEMA);
        assertEquals(ForceOrderAvroContractTest.normalize(avsc, new TreeSet<>()).toString(true),
                ForceOrderAvroContractTest.normalize(converted, new TreeSet<>()).toString(true));
        assertEquals(StreamGapRecords.NAME, avsc.getFullName());
    }

    @Test
    void gapRecordsRoundTripIntoTheGeneratedClass() throws IOException {
        SourceRecord record = new StreamGapRecords("g", "usds-m").toRecord(new GapInterval("c/task-0/group-1",
                List.of("btcusdt@forceOrder"), List.of("BTCUSDT"), 1_000L, 4_500L, "stall", null));
        Schema writer = avroData.fromConnectSchema(record.valueSchema());
        Object avro = avroData.fromConnectData(record.valueSchema(), (Struct) record.value());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<Object>(writer).write(avro, encoder);
        encoder.flush();
        StreamGap read = new SpecificDatumReader<StreamGap>(writer, StreamGap.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertEquals("usds-m", read.getMarket());
        assertEquals(List.of("btcusdt@forceOrder"), read.getStreams());
        assertEquals(List.of("BTCUSDT"), read.getSymbols());
        assertEquals(Instant.ofEpochMilli(1_000), read.getUncoveredFrom());
        assertEquals(Instant.ofEpochMilli(4_500), read.getUncoveredTo());
        assertEquals(3_500L, read.getDurationMs());
        assertEquals("stall", read.getReason());
        assertTrue(read.getUncoveredTo().isAfter(read.getUncoveredFrom()));
    }
}
