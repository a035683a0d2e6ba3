package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange.ConnectionInfo;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Planned rotation, shortened to a second: the replacement opens before the old one closes; nothing is lost or doubled. */
class ConnectionRotationTest {
    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void rotationOverlapsConnectionsAndWritesEveryLiquidationOnceWithNoGap() throws Exception {
        FakeBinanceExchange exchange = harness.track(
                FakeBinanceExchange.builder().markPriceInterval(Duration.ofMillis(50)).start());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of(
                "symbols", "BTCUSDT", "connection.max.age.ms", "1000", "canary.timeout.ms", "2000"));
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));

        ForceOrderEvents events = new ForceOrderEvents(11);
        List<SentForceOrder> sent = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofMillis(4_500).toNanos();
        while (System.nanoTime() < until) {
            SentForceOrder event = events.next("BTCUSDT");
            assertTrue(exchange.emit(event.stream(), event.toJson()) >= 1, "always a connection listening");
            sent.add(event);
            Thread.sleep(10);
        }

        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> records = TaskHarness.pollUntil(task, sent.size(), gaps);
        assertEquals(List.of(), gaps, "a planned rotation leaves no gap");
        Set<Long> tradeTimes = new HashSet<>();
        records.forEach(r -> assertTrue(tradeTimes.add(r.timestamp()), "written twice: " + r.timestamp()));
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).collect(java.util.stream.Collectors.toSet()),
                tradeTimes);

        List<ConnectionInfo> connections = exchange.connections().stream()
                .sorted(Comparator.comparing(ConnectionInfo::openedAt)).toList();
        assertTrue(connections.size() >= 4, "rotated about every second: " + connections.size());
        for (int i = 1; i < connections.size(); i++) {
            ConnectionInfo previous = connections.get(i - 1);
            if (previous.closedAt() != null) {
                assertTrue(connections.get(i).openedAt().isBefore(previous.closedAt()),
                        "connection " + i + " opened before its predecessor closed");
            }
        }
        assertTrue(task.metrics().duplicatesDropped() > 0, "the overlaps delivered some liquidations twice, and"
                + " each was written once");
    }
    /**
     * A rotation whose attempt fails at once (the name stops resolving) must not leave the connection unable to rotate
     * again: the old socket keeps delivering, and once the name resolves again the rotation completes with no gap.
     */
    @Test
    void aRotationWhoseAttemptFailsAtOnceIsTriedAgainAndTheOldSocketKeepsDelivering() throws Exception {
        FakeBinanceExchange exchange = harness.track(
                FakeBinanceExchange.builder().markPriceInterval(Duration.ofMillis(50)).start());
        ControlledDns dns = new ControlledDns().answer("exchange.test", "127.0.0.1");
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "binance.ws.url", "ws://exchange.test:" + exchange.port() + "/market",
                "connections.per.stream", "1", "connection.max.age.ms", "1000", "canary.timeout.ms", "5000",
                "reconnect.backoff.initial.ms", "20", "reconnect.backoff.max.ms", "200"), dns);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        dns.setDown(true);
        int lookupsAtOutage = dns.lookups();
        ForceOrderEvents events = new ForceOrderEvents(12);
        List<SentForceOrder> sent = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofMillis(3_000).toNanos();
        while (System.nanoTime() < until) {
            SentForceOrder event = events.next("BTCUSDT");
            assertTrue(exchange.emit(event.stream(), event.toJson()) >= 1, "the old socket stays open meanwhile");
            sent.add(event);
            Thread.sleep(20);
        }
        assertTrue(dns.lookups() > lookupsAtOutage, "the rotation was attempted during the outage");
        assertEquals(1, exchange.connections().size(), "no rotation could complete while the name did not resolve");

        dns.setDown(false);
        assertTrue(exchange.await(() -> exchange.connections().size() >= 2, TaskHarness.WAIT),
                "rotating again once the name resolves: " + exchange.connections().size() + " connections");
        SentForceOrder last = events.next("BTCUSDT");
        assertTrue(exchange.emit(last.stream(), last.toJson()) >= 1);
        sent.add(last);

        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> records = TaskHarness.pollUntil(task, sent.size(), gaps);
        assertEquals(List.of(), gaps, "a failed rotation attempt costs no coverage");
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).collect(java.util.stream.Collectors.toSet()),
                records.stream().map(SourceRecord::timestamp).collect(java.util.stream.Collectors.toSet()));
    }
}
