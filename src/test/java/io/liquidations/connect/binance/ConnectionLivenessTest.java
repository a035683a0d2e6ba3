package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.stream.StreamStalledException;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Liveness over real sockets: a quiet liquidation stream is not a dead one, a half-open socket and a stalled one
 * are, and a URL that connects but never delivers ends as a diagnosis instead of an endless loop.
 */
class ConnectionLivenessTest {
    /** Fast timings so each scenario takes a second or two; the defaults are 30 s, 10 s and 10 s. */
    private static final Map<String, String> FAST = Map.of(
            "symbols", "BTCUSDT",
            "ping.interval.ms", "100",
            "pong.timeout.ms", "400",
            "canary.timeout.ms", "600",
            "reconnect.backoff.initial.ms", "50",
            "reconnect.backoff.max.ms", "200");

    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private FakeBinanceExchange exchange() {
        return harness.track(FakeBinanceExchange.builder().markPriceInterval(Duration.ofMillis(50)).start());
    }

    @Test
    void silenceOnTheLiquidationStreamIsNotTakenForDeath() throws Exception {
        FakeBinanceExchange exchange = exchange();
        BinanceLiquidationSourceTask task = harness.start(exchange, FAST);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        // Ten canary timeouts without a single liquidation: pongs and the canary keep the connection.
        assertFalse(exchange.await(() -> exchange.connectionsAccepted() > 1, Duration.ofSeconds(6)),
                "reconnected on a quiet stream: " + exchange.connections());
        SentForceOrder late = new ForceOrderEvents(1).next("BTCUSDT");
        exchange.emit(late.stream(), late.toJson());
        assertEquals(late.tradeTime(), TaskHarness.pollUntil(task, 1).get(0).timestamp());
        assertEquals(1, task.counters().liquidations());
        assertEquals(0, task.counters().otherFrames(), "canary frames never reach the record path");
    }

    @Test
    void aHalfOpenConnectionIsClosedWhenItsPingGoesUnanswered() throws Exception {
        FakeBinanceExchange exchange = exchange();
        BinanceLiquidationSourceTask task = harness.start(exchange, FAST);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        exchange.setAnswerPings(false);
        List<SourceRecord> polled = new ArrayList<>();
        RetriableException reported = TaskHarness.pollUntilThrown(task, RetriableException.class, polled);
        assertNotNull(reported, "the dead connection is reported");
        assertTrue(TaskHarness.causedBy(reported, StreamStalledException.class), reported.toString());
        assertTrue(reported.getMessage().contains("no pong within 400 ms"), reported.getMessage());

        exchange.setAnswerPings(true);
        assertTrue(exchange.await(() -> exchange.connectionsAccepted() >= 2 && exchange.openConnectionCount() == 1,
                TaskHarness.WAIT), "re-opened");
        SentForceOrder after = new ForceOrderEvents(2).next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());
        assertEquals(after.tradeTime(), TaskHarness.pollUntil(task, 1, polled).get(0).timestamp());
        // Each half-open connection is one outage: while pings stay unanswered there may be several.
        List<SourceRecord> gaps = polled.stream().filter(TaskHarness::isGap).toList();
        assertFalse(gaps.isEmpty(), "the outage is reported as a gap");
        for (SourceRecord gap : gaps) {
            assertEquals("ping-timeout", ((Struct) gap.value()).getString(StreamGapRecords.REASON));
        }
    }

    @Test
    void aStallWherePingsFlowButDataDoesNotIsCaughtByTheCanary() throws Exception {
        FakeBinanceExchange exchange = exchange();
        BinanceLiquidationSourceTask task = harness.start(exchange, FAST);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        // Covered first: a socket that never delivered has no coverage to lose (a first start is no gap).
        assertTrue(exchange.await(() -> exchange.connections().get(0).framesSent() > 0, TaskHarness.WAIT));
        long stalledAt = System.currentTimeMillis();
        exchange.setPushData(false);
        RetriableException reported = TaskHarness.pollUntilThrown(task, RetriableException.class);
        assertNotNull(reported);
        assertTrue(reported.getMessage().contains("no frame on the canary stream btcusdt@markPrice@1s"),
                reported.getMessage());

        exchange.setPushData(true);
        assertTrue(exchange.await(() -> exchange.connectionsAccepted() >= 2 && exchange.openConnectionCount() == 1,
                TaskHarness.WAIT), "re-opened");
        SentForceOrder after = new ForceOrderEvents(3).next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());
        List<SourceRecord> gaps = new ArrayList<>();
        assertEquals(after.tradeTime(), TaskHarness.pollUntil(task, 1, gaps).get(0).timestamp());
        Struct gap = assertGap(gaps, "stall");
        long from = ((java.util.Date) gap.get(StreamGapRecords.UNCOVERED_FROM)).getTime();
        assertTrue(Math.abs(from - stalledAt) <= 1_000, "the gap starts when data stopped, not when the stall was"
                + " noticed: " + (from - stalledAt) + " ms off");
    }

    /** Exactly one gap for the outage, for the connection's liquidation stream, with the outage's first reason. */
    private static Struct assertGap(List<SourceRecord> gaps, String reason) {
        assertEquals(1, gaps.size(), "one outage, one gap: " + gaps);
        Struct gap = (Struct) gaps.get(0).value();
        assertEquals(reason, gap.getString(StreamGapRecords.REASON));
        assertEquals(List.of("btcusdt@forceOrder"), gap.getArray(StreamGapRecords.STREAMS), "the canary is no gap");
        return gap;
    }

    @Test
    void aUrlThatConnectsButNeverDeliversFailsTheTaskWithADiagnosis() throws Exception {
        FakeBinanceExchange exchange = exchange();
        Map<String, String> props = new java.util.HashMap<>(FAST);
        props.put("binance.ws.url", exchange.legacyBaseUrl());
        BinanceLiquidationSourceTask task = harness.start(exchange, props);
        ConnectException failure = null;
        long deadline = System.nanoTime() + TaskHarness.WAIT.toNanos();
        while (failure == null && System.nanoTime() < deadline) {
            ConnectException thrown = TaskHarness.pollUntilThrown(task, ConnectException.class);
            if (thrown != null && !(thrown instanceof RetriableException)) {
                failure = thrown;
            }
        }
        assertNotNull(failure, "the task must fail, not loop");
        assertTrue(failure.getMessage().contains("serves no market data")
                && failure.getMessage().contains("/market"), failure.getMessage());
        assertEquals(3, exchange.connectionsAccepted(), "canary.max.silent.connections attempts, then no more");
    }

    @Test
    void aSocketPausedByBackPressureIsNotTakenForDead() throws Exception {
        FakeBinanceExchange exchange = exchange();
        Map<String, String> props = new java.util.HashMap<>(FAST);
        props.put("queue.capacity", "5");
        BinanceLiquidationSourceTask task = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        ForceOrderEvents events = new ForceOrderEvents(8);
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(events.next("BTCUSDT"));
            exchange.emit(sent.get(i).stream(), sent.get(i).toJson());
        }
        // Nobody polls for several pong and canary timeouts: the queue is full and the socket paused.
        assertFalse(exchange.await(() -> exchange.connectionsAccepted() > 1, Duration.ofSeconds(3)),
                "a paused socket was closed as dead: " + exchange.connections());
        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> records = TaskHarness.pollUntil(task, sent.size(), gaps);
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).toList(),
                records.stream().map(SourceRecord::timestamp).toList(), "all of them, in order");
        assertEquals(List.of(), gaps);
    }

    @Test
    void theCanaryCanBeSwitchedOff() throws Exception {
        FakeBinanceExchange exchange = exchange();
        Map<String, String> props = new java.util.HashMap<>(FAST);
        props.put("canary.stream", "none");
        harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        assertEquals(List.of("btcusdt@forceOrder"), exchange.connections().get(0).requestedStreams());
        assertFalse(exchange.await(() -> exchange.connectionsAccepted() > 1, Duration.ofSeconds(2)),
                "no canary, no stall detection, no reconnect");
    }
}
