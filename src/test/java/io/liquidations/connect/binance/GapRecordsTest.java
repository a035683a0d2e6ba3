package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.metrics.ReconnectReason;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The pipeline turns an outage into exactly one gap record, bounded by the outage, and nothing else. */
class GapRecordsTest {
    private static final List<String> STREAMS = List.of("btcusdt@forceOrder", "ethusdt@forceOrder");

    private final RecordQueue<SourceRecord> queue = new RecordQueue<>(100, () -> { });
    private final LiquidationPipeline pipeline = new LiquidationPipeline(
            new ForceOrderRecords("liquidations", "usds-m", DecimalHandlingMode.PRECISE),
            new StreamGapRecords("liquidations.gaps", "usds-m"), queue, new ErrorHandler(),
            MalformedEventBehavior.LOG, ConnectorMetrics.detached(new IngestCounters()),
            new LiquidationDeduplicator());

    @Test
    void aCleanFirstConnectionWritesNoGap() throws InterruptedException {
        pipeline.onConnected("connection-1", STREAMS);
        assertEquals(0, queue.size());
    }

    @Test
    void oneOutageOverSeveralFailedAttemptsIsOneGapFromTheFirstFailure() throws InterruptedException {
        long before = System.currentTimeMillis();
        pipeline.onConnected("connection-1", STREAMS);
        long coveredUntil = before - 5_000;
        pipeline.onDisconnected("connection-1", new IOException("reset"), 100, ReconnectReason.STALL, coveredUntil);
        pipeline.onDisconnected("connection-1", new IOException("refused"), 200, ReconnectReason.CONNECT_FAILED,
                before);
        pipeline.onConnected("connection-1", STREAMS);
        long after = System.currentTimeMillis();

        List<SourceRecord> records = queue.poll(0, TimeUnit.MILLISECONDS, 10);
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
    void connectionsHaveTheirOwnOutages() throws InterruptedException {
        pipeline.onDisconnected("connection-1", new IOException("x"), 1, ReconnectReason.DROPPED, 1_000);
        pipeline.onConnected("connection-2", List.of("solusdt@forceOrder"));
        assertEquals(0, queue.size(), "connection-2 was never down");
        pipeline.onConnected("connection-1", STREAMS);
        assertEquals(1, queue.size());
    }

    @Test
    void theAllMarketStreamNamesNoSymbol() throws InterruptedException {
        pipeline.onDisconnected("connection-1", new IOException("x"), 1, ReconnectReason.DROPPED, 1_000);
        pipeline.onConnected("connection-1", List.of("!forceOrder@arr"));
        Struct value = (Struct) queue.poll(0, TimeUnit.MILLISECONDS, 1).get(0).value();
        assertEquals(List.of(), value.getArray(StreamGapRecords.SYMBOLS));
        assertEquals(List.of("!forceOrder@arr"), value.getArray(StreamGapRecords.STREAMS));
    }

    @Test
    void aPlannedRotationIsNoGap() throws InterruptedException {
        pipeline.onDisconnected("connection-1", new IOException("rotated"), 0, ReconnectReason.ROTATION, 1_000);
        pipeline.onConnected("connection-1", STREAMS);
        assertEquals(0, queue.size());
    }
}
