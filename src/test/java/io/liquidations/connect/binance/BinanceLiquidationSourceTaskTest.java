package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One task against the fake exchange over real sockets, without a Connect worker: the socket-side contract. */
class BinanceLiquidationSourceTaskTest {
    private static final Duration WAIT = TaskHarness.WAIT;
    private static final String IO_THREAD_PREFIX = "binance-liquidations-io";

    private final TaskHarness harness = new TaskHarness();
    private final ForceOrderEvents events = new ForceOrderEvents(5);

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void wssTrustsTheConfiguredTrustStoreAndVerifiesTheHostName() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startTls());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of(
                "symbols", "BTCUSDT",
                "binance.ws.truststore.path", exchange.trustStorePath().toString(),
                "binance.ws.truststore.password", exchange.trustStorePassword()));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        assertTrue(exchange.connections().get(0).tls());
        SentForceOrder sent = events.next("BTCUSDT");
        exchange.emit(sent.stream(), sent.toJson());
        List<SourceRecord> records = TaskHarness.pollUntil(task, 1);
        assertEquals("BTCUSDT", records.get(0).key());
        assertEquals(sent.tradeTime(), records.get(0).timestamp());
    }

    @Test
    void wssRefusesAServerTheTrustStoreDoesNotVouchFor() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startTls());
        // No trust store configured: the JVM's default trust store does not know the fake's certificate.
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of(
                "symbols", "BTCUSDT", "reconnect.backoff.initial.ms", "50", "reconnect.backoff.max.ms", "200"));
        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class);
        assertTrue(failure != null, "the refused TLS handshake is reported from poll()");
        assertEquals(0, task.counters().frames(), "nothing may arrive over an untrusted connection");
        assertTrue(TaskHarness.causedBy(failure, SSLHandshakeException.class), "cause: " + failure);
        assertEquals(0, exchange.openConnectionCount(), "no WebSocket was ever opened");
    }

    @Test
    void answersServerPings() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .pingInterval(Duration.ofMillis(100)).start());
        harness.start(exchange, Map.of("symbols", "BTCUSDT"));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        assertTrue(exchange.await(() -> exchange.connections().get(0).pongsReceived() >= 3, WAIT),
                "pongs: " + exchange.connections().get(0).pongsReceived());
        assertEquals(1, exchange.openConnectionCount(), "the exchange kept the connection");
    }

    @Test
    void anOversizedFrameIsCountedAsMalformedAndTheConnectionIsReopened() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "max.frame.bytes", "4096", "reconnect.backoff.initial.ms", "50"));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        exchange.emitOversized("btcusdt@forceOrder", 10_000);
        assertTrue(exchange.await(() -> exchange.connectionsAccepted() == 2 && exchange.openConnectionCount() == 1,
                WAIT), "the connection was re-opened");
        assertEquals(1, task.counters().malformedFrames());
        SentForceOrder after = events.next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());
        assertEquals(after.tradeTime(), TaskHarness.pollUntil(task, 1).get(0).timestamp());
    }

    /**
     * A text frame that is not UTF-8 is one malformed frame, reported with its interval as a gap; the socket that
     * delivers everything else stays open (the connector checks UTF-8 as it decodes, instead of Netty's validator
     * closing the socket with 1007).
     */
    @Test
    void aTextFrameThatIsNotUtf8IsOneMalformedFrameAndTheSocketStaysOpen() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "connections.per.stream", "1"));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        SentForceOrder before = events.next("BTCUSDT");
        exchange.emit(before.stream(), before.toJson());
        assertEquals(before.tradeTime(), TaskHarness.pollUntil(task, 1).get(0).timestamp());

        byte[] notUtf8 = "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\",\"x\":\"?\"}}"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        notUtf8[notUtf8.length - 4] = (byte) 0xC3; // a lead byte followed by '"', not by a continuation byte
        assertEquals(1, exchange.emitBytes("btcusdt@forceOrder", notUtf8));
        SentForceOrder after = events.next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());

        List<SourceRecord> gaps = new ArrayList<>();
        assertEquals(after.tradeTime(), TaskHarness.pollUntil(task, 1, gaps).get(0).timestamp(),
                "the next liquidation on the same socket");
        assertEquals(1, task.counters().malformedFrames());
        assertEquals(1, gaps.size(), "the bad frame's interval is a gap record: " + gaps);
        Struct gap = (Struct) gaps.get(0).value();
        assertEquals("malformed", gap.getString(StreamGapRecords.REASON));
        assertTrue(gap.getString(StreamGapRecords.DETAIL).contains("not valid UTF-8"), gap.getString(StreamGapRecords.DETAIL));
        assertEquals(1, exchange.connectionsAccepted(), "the socket was never closed");
    }

    @Test
    void aFullQueuePausesTheSocketAndLosesNothing() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "queue.capacity", "10", "max.batch.size", "7"));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        int total = 3_000;
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            sent.add(events.next("BTCUSDT"));
        }
        // The exchange blocks once TCP pushes back, so it sends from its own thread.
        CompletableFuture<Void> sending = CompletableFuture.runAsync(
                () -> sent.forEach(event -> exchange.emit(event.stream(), event.toJson())));
        assertTrue(exchange.await(() -> task.counters().liquidations() >= 10, WAIT));
        // A reader that ignored back-pressure would swallow all frames within these pauses.
        Thread.sleep(300);
        long readWhilePaused = task.counters().liquidations();
        Thread.sleep(300);
        assertEquals(readWhilePaused, task.counters().liquidations(), "no reading while the queue is full");
        assertTrue(readWhilePaused < total, "reading stopped while the queue was full: read " + readWhilePaused);

        List<SourceRecord> received = TaskHarness.pollUntil(task, total);
        sending.get(30, TimeUnit.SECONDS);
        assertEquals(total, received.size());
        for (int i = 0; i < total; i++) {
            Struct value = (Struct) received.get(i).value();
            assertEquals(sent.get(i).tradeTime(), ((java.util.Date) value.get(ForceOrderSchema.TRADE_TIME)).getTime(),
                    "in order, none lost, at " + i);
        }
    }

    @Test
    void stopClosesEveryConnectionAndLeavesNoThreadBehind() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        List<String> symbols = ForceOrderEvents.symbols(30);
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", String.join(",", symbols),
                "streams.per.connection", "10"));
        assertTrue(exchange.awaitOpenConnections(3, WAIT), "ceil(30 / 10) connections");

        long started = System.nanoTime();
        task.stop();
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(6), "stop() is bounded by its timeout");
        assertTrue(exchange.await(() -> exchange.openConnectionCount() == 0, WAIT), "every connection closed");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith(IO_THREAD_PREFIX)), "no I/O thread left");
    }

    @Test
    void aPermanentHandshakeRefusalFailsTheTaskInsteadOfRetryingForever() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        // 403 is how a geo-blocked region is answered: no retry can fix it, the user must.
        exchange.refuseNextHandshakes(1, 403, null);
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT"));
        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class);
        assertTrue(failure != null && !(failure instanceof RetriableException)
                && failure.getMessage().contains("HTTP 403"), String.valueOf(failure));
        assertEquals(1, exchange.handshakesAttempted(), "not retried");
    }
}
