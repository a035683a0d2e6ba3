package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The pipeline turns each outage the stream layer reports into exactly one gap record, bounded by the outage. */
class GapRecordsTest {
    private static final List<String> STREAMS = List.of("btcusdt@forceOrder", "ethusdt@forceOrder");
    private static final String GROUP = "fault-test/task-0/group-1";

    private final RecordQueue<LiquidationPipeline.Queued> queue = new RecordQueue<>(100, () -> { });
    private final LiquidationPipeline pipeline = new LiquidationPipeline(
            new ForceOrderRecords("liquidations", "usds-m", DecimalHandlingMode.PRECISE),
            new StreamGapRecords("liquidations.gaps", "usds-m"), queue, new ErrorHandler(),
            MalformedEventBehavior.LOG, ConnectorMetrics.detached(new IngestCounters()),
            new LiquidationDeduplicator());

    private List<SourceRecord> drain() throws InterruptedException {
        return queue.poll(0, TimeUnit.MILLISECONDS, 10).stream().map(LiquidationPipeline.Queued::record).toList();
    }

    @Test
    void aCleanFirstCoverageWritesNoGap() throws InterruptedException {
        pipeline.onCovered(GROUP, STREAMS, null, null);
        assertEquals(0, queue.size());
    }

    @Test
    void anOutageIsOneGapFromWhereCoverageEndedToWhereItResumed() throws InterruptedException {
        long before = System.currentTimeMillis();
        pipeline.onCovered(GROUP, STREAMS, null, null);
        long coveredUntil = before - 5_000;
        pipeline.onUncovered(GROUP, STREAMS, coveredUntil, "stall");
        pipeline.onCovered(GROUP, STREAMS, coveredUntil, "stall");
        long after = System.currentTimeMillis();

        List<SourceRecord> records = drain();
        assertEquals(1, records.size());
        SourceRecord gap = records.get(0);
        assertEquals("liquidations.gaps", gap.topic());
        assertEquals("usds-m", gap.key());
        Struct value = (Struct) gap.value();
        assertEquals(STREAMS, value.getArray(StreamGapRecords.STREAMS));
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), value.getArray(StreamGapRecords.SYMBOLS));
        assertEquals(coveredUntil, ((Date) value.get(StreamGapRecords.UNCOVERED_FROM)).getTime());
        long to = ((Date) value.get(StreamGapRecords.UNCOVERED_TO)).getTime();
        assertTrue(to >= before && to <= after, "ends when coverage resumed");
        assertEquals(to, gap.timestamp());
        assertEquals(to - coveredUntil, value.getInt64(StreamGapRecords.DURATION_MS));
        assertEquals("stall", value.getString(StreamGapRecords.REASON), "the reason the outage began with");
        value.validate();
    }

    @Test
    void gapsOfDifferentGroupsHaveTheirOwnSourcePartitions() throws InterruptedException {
        pipeline.onCovered(GROUP, STREAMS, 1_000L, "dropped");
        pipeline.onCovered("fault-test/task-1/group-1", List.of("solusdt@forceOrder"), 1_000L, "dropped");
        List<SourceRecord> gaps = drain();
        assertEquals(2, gaps.size());
        assertNotEquals(gaps.get(0).sourcePartition(), gaps.get(1).sourcePartition());
        assertEquals(GROUP, gaps.get(0).sourcePartition().get(StreamGapRecords.PARTITION_GAPS));
    }

    @Test
    void theAllMarketStreamNamesNoSymbol() throws InterruptedException {
        pipeline.onCovered(GROUP, List.of("!forceOrder@arr"), 1_000L, "dropped");
        Struct value = (Struct) drain().get(0).value();
        assertEquals(List.of(), value.getArray(StreamGapRecords.SYMBOLS));
        assertEquals(List.of("!forceOrder@arr"), value.getArray(StreamGapRecords.STREAMS));
    }
}
