package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.LiquidationPipeline.Queued;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.GapInterval;
import io.liquidations.connect.binance.record.ReceivedLiquidation;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** What the coverage checkpoints and a stopping task are told about records the worker has not had acknowledged. */
class HandedOverTest {
    private static final String BTC = "btcusdt@forceOrder";
    private static final String ETH = "ethusdt@forceOrder";
    private final ForceOrderRecords records = new ForceOrderRecords("liquidations", "usds-m",
            DecimalHandlingMode.PRECISE);
    private final StreamGapRecords gapRecords = new StreamGapRecords("liquidations.gaps", "usds-m");

    private Queued liquidation(String stream, long receivedAt) {
        String symbol = stream == null ? "XRPUSDT" : stream.substring(0, stream.indexOf('@')).toUpperCase();
        ForceOrderEvent event = new ForceOrderEvent("forceOrder", receivedAt - 5, symbol, null, "SELL", "LIMIT",
                "IOC", "1", "2", "2", "FILLED", "1", "1", receivedAt - 9, null);
        ReceivedLiquidation received = new ReceivedLiquidation(event, stream, receivedAt);
        return new Queued(received, records.toRecord(received));
    }

    private Queued gap(List<String> streams, long from) {
        GapInterval gap = new GapInterval("task-0/group-1", streams, List.of(), from, from + 1_000, "stall", null);
        return new Queued(gap, gapRecords.toRecord(gap));
    }

    private static List<SourceRecord> handOver(HandedOver handedOver, Queued... batch) {
        List<SourceRecord> handed = new ArrayList<>();
        handedOver.handOver(List.of(batch), handed);
        return handed;
    }

    @Test
    void theWorkerGetsTheRecordAsBuilt() {
        Queued queued = liquidation(BTC, 1_000);
        SourceRecord handed = handOver(new HandedOver(), queued).get(0);
        SourceRecord built = queued.record();
        assertNotSame(built, handed);
        assertEquals(built.topic(), handed.topic());
        assertEquals(built.kafkaPartition(), handed.kafkaPartition());
        assertEquals(built.sourcePartition(), handed.sourcePartition());
        assertEquals(built.sourceOffset(), handed.sourceOffset());
        assertEquals(built.keySchema(), handed.keySchema());
        assertEquals(built.key(), handed.key());
        assertEquals(built.valueSchema(), handed.valueSchema());
        assertEquals(built.value(), handed.value());
        assertEquals(built.timestamp(), handed.timestamp());
        assertEquals(built.headers(), handed.headers());
    }

    @Test
    void perStreamTheEarliestOfWhatKafkaHasNotAcknowledged() {
        HandedOver handedOver = new HandedOver();
        List<SourceRecord> first = handOver(handedOver, liquidation(BTC, 1_000), liquidation(ETH, 1_100),
                liquidation(BTC, 1_200), gap(List.of(ETH, BTC), 900), liquidation(null, 500));
        assertEquals(Map.of(BTC, 900L, ETH, 900L), handedOver.notYetInKafka(),
                "a gap bounds each of its streams; a liquidation that named no stream bounds none");

        HandedOver.acknowledged(first.get(3));
        assertEquals(Map.of(BTC, 1_000L, ETH, 1_100L), handedOver.notYetInKafka());
        // Acknowledged out of order: the later BTC record first, then the earlier.
        HandedOver.acknowledged(first.get(2));
        assertEquals(Map.of(BTC, 1_000L, ETH, 1_100L), handedOver.notYetInKafka());
        HandedOver.acknowledged(first.get(0));
        assertEquals(Map.of(ETH, 1_100L), handedOver.notYetInKafka());

        List<SourceRecord> second = handOver(handedOver, liquidation(BTC, 2_000));
        assertEquals(Map.of(BTC, 2_000L, ETH, 1_100L), handedOver.notYetInKafka());
        HandedOver.acknowledged(first.get(1));
        HandedOver.acknowledged(first.get(4));
        HandedOver.acknowledged(second.get(0));
        assertEquals(Map.of(), handedOver.notYetInKafka());
        assertEquals(0, handedOver.size(), "acknowledged records are let go");
    }

    @Test
    void recordsItDidNotHandOverAreIgnored() {
        HandedOver handedOver = new HandedOver();
        Queued queued = liquidation(BTC, 1_000);
        handOver(handedOver, queued);
        HandedOver.acknowledged(queued.record()); // the record as built, not the one handed to the worker
        HandedOver.acknowledged(new SourceRecord(Map.of(), Map.of(), "liquidations.coverage", null, null));
        assertEquals(Map.of(BTC, 1_000L), handedOver.notYetInKafka());
    }

    /** Acknowledged ones are dropped as new batches come, so that what is held follows what is in flight. */
    @Test
    void whatIsHeldStaysBoundedByWhatIsInFlight() {
        HandedOver handedOver = new HandedOver();
        Random random = new Random(1);
        List<SourceRecord> inFlight = new ArrayList<>();
        for (int batch = 0; batch < 2_000; batch++) {
            Queued[] queued = new Queued[10];
            for (int i = 0; i < queued.length; i++) {
                queued[i] = liquidation(random.nextBoolean() ? BTC : ETH, batch * 10L + i);
            }
            inFlight.addAll(handOver(handedOver, queued));
            while (inFlight.size() > 50) {
                HandedOver.acknowledged(inFlight.remove(0)); // Kafka acknowledges in order, 50 behind
            }
            assertTrue(handedOver.size() <= 60, "held " + handedOver.size());
        }
        long oldestInFlight = inFlight.stream().mapToLong(r -> (Long) r.headers()
                .lastWithName(ForceOrderRecords.HEADER_RECEIVED_AT).value()).min().orElseThrow();
        assertEquals(oldestInFlight, handedOver.notYetInKafka().values().stream().mapToLong(Long::longValue).min()
                .orElseThrow());
    }
}
