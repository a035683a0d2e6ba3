package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.liquidations.binance.StreamCoverage;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The coverage checkpoint's contract, held like the others: converted schema equals the .avsc, values round-trip. */
class StreamCoverageAvroContractTest {
    private final AvroData avroData = new AvroData(new AvroDataConfig(Map.of()));

    @Test
    void convertedSchemaEqualsTheAvsc() throws IOException {
        AvroContracts.assertConvertsToTheAvsc(avroData, StreamCoverageRecords.VALUE_SCHEMA, "StreamCoverage.avsc",
                StreamCoverageRecords.NAME);
    }

    @Test
    void checkpointsRoundTripIntoTheGeneratedClassWithTheirOffsets() throws IOException {
        StreamCoverageRecords records = new StreamCoverageRecords("t.coverage", "spine", "usds-m");
        SourceRecord covered = records.toRecord("btcusdt@forceOrder", 5_000L, 4_200L, null, 2_000L);
        StreamCoverage read = roundTrip(covered);
        assertEquals("spine", read.getConnectorName());
        assertEquals("btcusdt@forceOrder", read.getStreamName());
        assertEquals("BTCUSDT", read.getSymbol());
        assertEquals(Instant.ofEpochMilli(4_200), read.getCoveredUntil());
        assertTrue(read.getCovered());
        assertNull(read.getUncoveredSince());
        assertEquals(5_000L, covered.timestamp(), "stamped when made: a stale timestamp is a stream not watched");
        assertEquals("usds-m/btcusdt@forceOrder", covered.key());
        assertEquals(StreamCoverageRecords.sourcePartition("usds-m", "btcusdt@forceOrder"), covered.sourcePartition());
        assertEquals(Map.of(StreamCoverageRecords.OFFSET_COVERED_UNTIL, 4_200L,
                StreamCoverageRecords.OFFSET_STALE_BY_AT_MOST_MS, 2_000L), covered.sourceOffset());

        StreamCoverage down = roundTrip(records.toRecord("!forceOrder@arr", 9_000L, 6_000L, 6_000L, 2_000L));
        assertNull(down.getSymbol(), "the all-market stream names no symbol");
        assertFalse(down.getCovered());
        assertEquals(Instant.ofEpochMilli(6_000), down.getUncoveredSince());
    }

    private StreamCoverage roundTrip(SourceRecord record) throws IOException {
        return AvroContracts.roundTrip(avroData, record, StreamCoverage.getClassSchema());
    }
}
