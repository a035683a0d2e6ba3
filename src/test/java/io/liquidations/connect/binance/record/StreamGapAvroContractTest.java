package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.liquidations.binance.StreamGap;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The gap record's contract, held the same way as ForceOrder's: converted schema equals the .avsc, values round-trip. */
class StreamGapAvroContractTest {
    private final AvroData avroData = new AvroData(new AvroDataConfig(Map.of()));

    @Test
    void convertedSchemaEqualsTheAvsc() throws IOException {
        AvroContracts.assertConvertsToTheAvsc(avroData, StreamGapRecords.VALUE_SCHEMA, "StreamGap.avsc",
                StreamGapRecords.NAME);
    }

    @Test
    void gapRecordsRoundTripIntoTheGeneratedClass() throws IOException {
        SourceRecord record = new StreamGapRecords("g", "usds-m").toRecord(new GapInterval("c/task-0/group-1",
                List.of("btcusdt@forceOrder"), List.of("BTCUSDT"), 1_000L, 4_500L, "stall", null));
        StreamGap read = AvroContracts.roundTrip(avroData, record, StreamGap.getClassSchema());
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
