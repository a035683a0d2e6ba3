package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange.ConnectionInfo;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code connections.per.stream}: the legs of a group read the same streams at once, each liquidation is written once,
 * and a stream is covered while any leg is up (issue #7, part 2).
 */
class RedundantLegsTest {
    private static final Duration WAIT = TaskHarness.WAIT;

    private final TaskHarness harness = new TaskHarness();
    private final ForceOrderEvents events = new ForceOrderEvents(21);

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void eachStreamIsReadOnEveryLegAndEachLiquidationWrittenOnce() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT,ETHUSDT",
                "connections.per.stream", "2"));
        assertTrue(exchange.awaitOpenConnections(2, WAIT));
        assertEquals(Set.of("btcusdt@forceOrder", "ethusdt@forceOrder"), exchange.connections().stream()
                .flatMap(c -> c.requestedStreams().stream()).filter(s -> s.endsWith("@forceOrder"))
                .collect(Collectors.toSet()));
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            SentForceOrder event = events.next(i % 2 == 0 ? "BTCUSDT" : "ETHUSDT");
            assertEquals(2, exchange.emit(event.stream(), event.toJson()), "both legs receive it");
            sent.add(event);
        }
        List<SourceRecord> records = TaskHarness.pollUntil(task, sent.size());
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).collect(Collectors.toSet()),
                records.stream().map(SourceRecord::timestamp).collect(Collectors.toSet()));
        assertTrue(eventually(() -> task.metrics().duplicatesDropped() == 100), "the second leg's copies: "
                + task.metrics().duplicatesDropped());
    }

    /**
     * A name server that does not answer must not stall the event loop the task's sockets share: while a dropped
     * leg's lookup hangs, the other leg keeps delivering, and the leg comes back once the lookup returns.
     */
    @Test
    void aLookupThatHangsDoesNotHoldUpTheLegThatIsUp() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .markPriceInterval(Duration.ofMillis(50)).start());
        ControlledDns dns = new ControlledDns().answer("exchange.test", "127.0.0.1");
        BinanceLiquidationSourceTask task = startOnTwoLegs(exchange, "hung-lookup-test", dns);
        assertTrue(exchange.await(() -> legsDelivering(exchange) == 2, WAIT), "both legs deliver");
        dns.hang();
        assertTrue(exchange.dropConnection(exchange.openConnections().get(0).id()));
        assertTrue(exchange.await(() -> dns.hanging() > 0, WAIT), "the dropped leg is looking the name up");

        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SentForceOrder event = events.next("BTCUSDT");
            assertEquals(1, exchange.emit(event.stream(), event.toJson()));
            sent.add(event);
        }
        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> delivered = TaskHarness.pollUntil(task, sent.size(), gaps);
        assertTrue(dns.hanging() > 0, "delivered while the lookup still hangs");
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).toList(),
                delivered.stream().map(SourceRecord::timestamp).toList());

        dns.answerAgain();
        assertTrue(exchange.await(() -> legsDelivering(exchange) == 2, WAIT), "the leg came back once the name server answered");
        assertEquals(List.of(), gaps, "one leg was up throughout: no gap");
    }

    @Test
    void losingOneLegCostsNothingAndLosingEveryLegIsOneGap() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .markPriceInterval(Duration.ofMillis(50)).start());
        // While the name does not resolve, a dropped leg cannot come back: the window in which one leg covers alone.
        ControlledDns dns = new ControlledDns().answer("exchange.test", "127.0.0.1");
        BinanceLiquidationSourceTask task = startOnTwoLegs(exchange, "legs-test", dns);
        assertTrue(exchange.await(() -> legsDelivering(exchange) == 2, WAIT), "both legs deliver");
        dns.setDown(true);
        assertTrue(exchange.dropConnection(exchange.openConnections().get(0).id()));
        // While that leg is down, its group is covered by the other: the stream is below redundancy, not uncovered.
        assertTrue(eventually(() -> jmx("legs-test", "streams-below-redundancy") == 1.0),
                "one stream with one leg down");
        SentForceOrder duringOneLeg = events.next("BTCUSDT");
        assertEquals(1, exchange.emit(duringOneLeg.stream(), duringOneLeg.toJson()));
        List<SourceRecord> gaps = new ArrayList<>();
        assertEquals(duringOneLeg.tradeTime(), TaskHarness.pollUntil(task, 1, gaps).get(0).timestamp());
        dns.setDown(false);
        assertTrue(exchange.await(() -> legsDelivering(exchange) == 2, WAIT), "the leg came back");
        assertTrue(eventually(() -> jmx("legs-test", "streams-below-redundancy") == 0.0));

        exchange.dropAllConnections();
        assertTrue(exchange.await(() -> legsDelivering(exchange) >= 1, WAIT));
        SentForceOrder after = events.next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());
        TaskHarness.pollUntil(task, 1, gaps);
        assertEquals(1, gaps.size(), "no gap for one leg, one for both: " + gaps);
    }

    /** A host with two addresses: the legs of a group connect to different ones. */
    @Test
    void theLegsOfAGroupSpreadOverTheHostsAddresses() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder().bindAddress("0.0.0.0").start());
        ControlledDns dns = new ControlledDns().answer("exchange.test", "127.0.0.1", "127.0.0.2");
        harness.start(exchange, Map.of("symbols", "BTCUSDT", "connections.per.stream", "2",
                "binance.ws.url", "ws://exchange.test:" + exchange.port() + "/market"), dns);
        assertTrue(exchange.awaitOpenConnections(2, WAIT));
        Set<String> reached = new HashSet<>();
        for (ConnectionInfo connection : exchange.openConnections()) {
            reached.add(connection.localAddress().getAddress().getHostAddress());
        }
        assertEquals(Set.of("127.0.0.1", "127.0.0.2"), reached);
    }

    /** Rotations are staggered per leg and wait for the others: never two legs of a group rotating at once. */
    @Test
    void legsRotateOneAtATimeWithoutAGap() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .markPriceInterval(Duration.ofMillis(50)).start());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "connections.per.stream", "2", "connection.max.age.ms", "1000", "canary.timeout.ms", "2000"));
        assertTrue(exchange.awaitOpenConnections(2, WAIT));
        List<SentForceOrder> sent = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofMillis(5_000).toNanos();
        while (System.nanoTime() < until) {
            SentForceOrder event = events.next("BTCUSDT");
            assertTrue(exchange.emit(event.stream(), event.toJson()) >= 1, "always a leg listening");
            sent.add(event);
            Thread.sleep(10);
        }
        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> records = TaskHarness.pollUntil(task, sent.size(), gaps);
        assertEquals(List.of(), gaps, "rotations leave no gap");
        assertEquals(sent.size(), records.stream().map(SourceRecord::timestamp).distinct().count());
        List<ConnectionInfo> all = exchange.connections();
        assertTrue(all.size() >= 2 + 6, "about one rotation per leg and second: " + all.size());
        assertTrue(FakeBinanceExchange.mostOpenAtOnce(all) <= 3, "two legs rotated together: " + FakeBinanceExchange.mostOpenAtOnce(all) + " open at once");
        assertNotEquals(0, task.metrics().duplicatesDropped());
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** A task started without a worker reports over JMX under the fallback domain. */
    private static double jmx(String connector, String attribute) {
        try {
            ObjectName name = new ObjectName("kafka.connect.binance:type=plugins,connector=" + connector + ",task=0");
            return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).doubleValue();
        } catch (Exception e) {
            return -1;
        }
    }

    /** One BTCUSDT group on two legs, the exchange reached by a name that {@code dns} resolves. */
    private BinanceLiquidationSourceTask startOnTwoLegs(FakeBinanceExchange exchange, String name, ControlledDns dns) {
        return harness.start(exchange, Map.of("name", name, "symbols", "BTCUSDT", "connections.per.stream", "2",
                "reconnect.backoff.initial.ms", "50", "reconnect.backoff.max.ms", "100",
                "binance.ws.url", "ws://exchange.test:" + exchange.port() + "/market"), dns);
    }

    /** Open connections that have delivered at least one frame. */
    private static long legsDelivering(FakeBinanceExchange exchange) {
        return exchange.openConnections().stream().filter(c -> c.framesSent() > 0).count();
    }
}
