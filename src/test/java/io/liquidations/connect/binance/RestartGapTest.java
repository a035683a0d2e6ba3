package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A task restart leaves its streams unwatched between the old task's stop and the new one's first frame. */
class RestartGapTest {
    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void theRestartedTaskReportsTheIntervalSinceItsPredecessorStopped() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = Map.of("name", "restart-gap-test", "symbols", "BTCUSDT,ETHUSDT");
        BinanceLiquidationSourceTask first = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        SentForceOrder before = new ForceOrderEvents(4).next("BTCUSDT");
        exchange.emit(before.stream(), before.toJson());
        List<SourceRecord> firstGaps = new ArrayList<>();
        TaskHarness.pollUntil(first, 1, firstGaps);
        assertEquals(List.of(), firstGaps, "a clean first start writes no gap");

        first.stop();
        long stoppedAt = System.currentTimeMillis();
        assertTrue(exchange.await(() -> exchange.openConnectionCount() == 0, TaskHarness.WAIT));
        Thread.sleep(1_500); // the restart takes a while, as it does on a worker

        BinanceLiquidationSourceTask second = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        long reopenedAt = exchange.connections().get(1).openedAt().toEpochMilli();
        SentForceOrder after = new ForceOrderEvents(5).next("ETHUSDT");
        exchange.emit(after.stream(), after.toJson());
        List<SourceRecord> gaps = new ArrayList<>();
        TaskHarness.pollUntil(second, 1, gaps);

        assertEquals(1, gaps.size(), "one gap for the restart: " + gaps);
        Struct gap = (Struct) gaps.get(0).value();
        assertEquals("task-restart", gap.getString(StreamGapRecords.REASON));
        assertEquals(List.of("btcusdt@forceOrder", "ethusdt@forceOrder"), gap.getArray(StreamGapRecords.STREAMS));
        long from = ((Date) gap.get(StreamGapRecords.UNCOVERED_FROM)).getTime();
        long to = ((Date) gap.get(StreamGapRecords.UNCOVERED_TO)).getTime();
        assertTrue(Math.abs(from - stoppedAt) <= 1_000, "starts at the stop: " + (from - stoppedAt) + " ms off");
        assertTrue(Math.abs(to - reopenedAt) <= 1_000, "ends at the reopen: " + (to - reopenedAt) + " ms off");
        assertTrue(to - from >= 1_400, "covers the downtime: " + (to - from) + " ms");
    }

    @Test
    void whatAStoppedTaskReceivedButNeverDeliveredIsDeliveredByItsSuccessor() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = Map.of("name", "handover-test", "symbols", "BTCUSDT");
        BinanceLiquidationSourceTask first = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        ForceOrderEvents events = new ForceOrderEvents(6);
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(events.next("BTCUSDT"));
            exchange.emit(sent.get(i).stream(), sent.get(i).toJson());
        }
        assertTrue(exchange.await(() -> first.counters().liquidations() == 3, TaskHarness.WAIT));
        first.stop(); // nobody polled: the worker stopped the task with its queue full, as in a rebalance

        BinanceLiquidationSourceTask second = harness.start(exchange, props);
        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> delivered = TaskHarness.pollUntil(second, 3, gaps);
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).toList(),
                delivered.stream().map(SourceRecord::timestamp).toList(), "nothing received is lost, in order");
    }
}
