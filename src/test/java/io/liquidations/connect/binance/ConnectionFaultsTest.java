package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Socket faults that once left a stream dead while the task stayed RUNNING (issue #7, part 1), each driven over
 * real sockets against the fake exchange: the connector must recover, or fail loudly, and never go quiet.
 */
class ConnectionFaultsTest {
    private static final Duration WAIT = TaskHarness.WAIT;

    private final TaskHarness harness = new TaskHarness();
    private final ForceOrderEvents events = new ForceOrderEvents(77);

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** A name that never resolves: retried like any failed attempt, then a diagnosis naming the host. */
    @Test
    void anUnresolvableHostIsRetriedThenFailsTheTaskNamingTheHost() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "binance.ws.url", "ws://no-such-exchange.invalid:9/market",
                "reconnect.backoff.initial.ms", "20", "reconnect.backoff.max.ms", "100"));
        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class,
                new ArrayList<>(), true);
        assertNotNull(failure, "the task neither retried to success nor failed: it went quiet");
        assertTrue(failure.getMessage().contains("no-such-exchange.invalid")
                && failure.getMessage().contains("binance.ws.url"), failure.getMessage());
        assertTrue(task.metrics().connectionAttempts() > 1, "retried before giving up: "
                + task.metrics().connectionAttempts());
    }

    /**
     * The exchange's name stops resolving while every connection is dropped, and comes back: the task keeps retrying
     * (a name that resolved before is having an outage, not a typo), recovers, and writes the outage as a gap.
     */
    @Test
    void aDnsOutageDuringReconnectsIsRetriedUntilItEndsAndReportedAsAGap() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        ControlledDns dns = new ControlledDns().answer("exchange.test", "127.0.0.1");
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "binance.ws.url", "ws://exchange.test:" + exchange.port() + "/market",
                "reconnect.backoff.initial.ms", "20", "reconnect.backoff.max.ms", "200"), dns);
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        assertTrue(exchange.await(() -> exchange.connections().get(0).framesSent() > 0, WAIT), "covered");
        dns.setDown(true);
        long droppedAt = System.currentTimeMillis();
        exchange.dropAllConnections();
        int lookupsAtDrop = dns.lookups();
        Thread.sleep(2_000);
        assertTrue(dns.lookups() >= lookupsAtDrop + 3, "retried during the outage: " + (dns.lookups()
                - lookupsAtDrop) + " lookups");
        assertEquals(0, exchange.openConnectionCount());
        dns.setDown(false);
        long backAt = System.currentTimeMillis();
        assertTrue(exchange.awaitOpenConnections(1, WAIT), "reconnected once the name resolved again");

        SourceRecord gap = awaitGap(task, new ArrayList<>());
        Struct value = (Struct) gap.value();
        long from = ((Date) value.get(StreamGapRecords.UNCOVERED_FROM)).getTime();
        long to = ((Date) value.get(StreamGapRecords.UNCOVERED_TO)).getTime();
        assertTrue(Math.abs(from - droppedAt) <= 1_000, "starts at the drop: " + (from - droppedAt) + " ms off");
        assertTrue(to >= backAt, "ends once the name resolves again");
        assertEquals("dropped", value.getString(StreamGapRecords.REASON), "the reason the outage began with");
        SentForceOrder after = events.next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());
        assertEquals(after.tradeTime(), TaskHarness.pollUntil(task, 1).get(0).timestamp(), "delivering again");
    }

    /**
     * The socket is paused by back-pressure when the exchange drops it: the drop is only seen once reading resumes.
     * Coverage ended when reading stopped, not when the close was finally read.
     */
    @Test
    void aDropWhileReadingIsPausedIsAGapFromThePauseNotFromTheResume() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "queue.capacity", "10", "connections.per.stream", "1", "reconnect.backoff.initial.ms", "50"));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(events.next("BTCUSDT"));
        }
        sent.forEach(event -> exchange.emit(event.stream(), event.toJson()));
        assertTrue(exchange.await(() -> task.counters().liquidations() >= 10, WAIT), "the queue filled");
        Thread.sleep(300);
        assertTrue(task.counters().liquidations() < 200, "reading paused");
        long droppedAt = System.currentTimeMillis();
        exchange.dropAllConnections();
        Thread.sleep(2_000);

        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> records = TaskHarness.pollUntil(task, 200, gaps);
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).toList(),
                records.stream().map(SourceRecord::timestamp).toList(), "what was in the socket is read, in order");
        assertTrue(exchange.awaitOpenConnections(1, WAIT), "reconnected");
        SourceRecord gap = awaitGap(task, gaps);
        long from = ((Date) ((Struct) gap.value()).get(StreamGapRecords.UNCOVERED_FROM)).getTime();
        assertTrue(from <= droppedAt, "the gap starts where coverage ended (reading paused, before the drop at "
                + droppedAt + "), not when the close was read: " + (from - droppedAt) + " ms after the drop");
    }

    /**
     * Rotation while the current socket is paused by back-pressure: the replacement obeys back-pressure too, and what
     * waits unread in the old socket is read before it closes.
     */
    @Test
    void aRotationDuringBackPressureKeepsBackPressureAndLosesNothingUnread() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .markPriceInterval(Duration.ofMillis(50)).start());
        int capacity = 20;
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "queue.capacity", Integer.toString(capacity), "connections.per.stream", "1",
                "connection.max.age.ms", "1000", "canary.timeout.ms", "5000"));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sent.add(events.next("BTCUSDT"));
        }
        // Emitted over 4 s, across several rotation deadlines, while nobody polls.
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            for (SentForceOrder event : sent) {
                exchange.emit(event.stream(), event.toJson());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        long maxQueued = 0;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (System.nanoTime() < until) {
            maxQueued = Math.max(maxQueued, task.counters().liquidations());
            Thread.sleep(20);
        }
        assertTrue(maxQueued <= 3L * capacity, "every socket stops reading while the queue is full; read "
                + maxQueued + " with a queue of " + capacity);
        sending.get(30, TimeUnit.SECONDS);

        List<SourceRecord> records = TaskHarness.pollUntil(task, sent.size(), new ArrayList<>());
        Set<Long> seen = new HashSet<>();
        records.forEach(r -> assertTrue(seen.add(r.timestamp()), "written twice: " + r.timestamp()));
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).collect(java.util.stream.Collectors.toSet()), seen,
                "every liquidation once");
    }

    /** A server the trust store does not vouch for will not become trustworthy: a diagnosis, not endless warnings. */
    @Test
    void anUntrustedCertificateFailsTheTaskNamingTheTrustStoreSetting() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startTls());
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "reconnect.backoff.initial.ms", "20", "reconnect.backoff.max.ms", "100"));
        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class,
                new ArrayList<>(), true);
        assertNotNull(failure, "retried forever instead of failing");
        assertTrue(failure.getMessage().contains("binance.ws.truststore.path"), failure.getMessage());
        assertTrue(exchange.handshakesAttempted() <= 5, "a small bounded number of attempts, not "
                + exchange.handshakesAttempted());
    }

    /**
     * A trusted certificate for another name (here: the exchange reached as exchange.test, its certificate naming
     * localhost and 127.0.0.1) fails host-name verification; that is no more transient than an untrusted one.
     */
    @Test
    void aTrustedCertificateForAnotherHostNameFailsTheTaskSayingSo() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startTls());
        ControlledDns dns = new ControlledDns().answer("exchange.test", "127.0.0.1");
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "binance.ws.url", "wss://exchange.test:" + exchange.port() + "/market",
                "binance.ws.truststore.path", exchange.trustStorePath().toString(),
                "binance.ws.truststore.password", exchange.trustStorePassword(),
                "reconnect.backoff.initial.ms", "20", "reconnect.backoff.max.ms", "100"), dns);
        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class,
                new ArrayList<>(), true);
        assertNotNull(failure, "retried forever instead of failing");
        assertTrue(failure.getMessage().contains("exchange.test"), failure.getMessage());
        assertTrue(failure.getMessage().contains("does not match the host name"), failure.getMessage());
        assertTrue(exchange.handshakesAttempted() <= 5, "a small bounded number of attempts, not "
                + exchange.handshakesAttempted());
        assertEquals(0, exchange.openConnectionCount(), "no WebSocket over a connection to the wrong name");
    }

    /** An upgrade answered with a redirect: the URL is wrong, and retrying it cannot help. */
    @Test
    void aRedirectedUpgradeFailsTheTaskNamingTheUrl() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        exchange.redirectNextHandshakes(10, 301, "ws://elsewhere.example/market");
        BinanceLiquidationSourceTask task = harness.start(exchange, Map.of("symbols", "BTCUSDT",
                "reconnect.backoff.initial.ms", "20", "reconnect.backoff.max.ms", "100"));
        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class,
                new ArrayList<>(), true);
        assertNotNull(failure, "retried forever instead of failing");
        assertTrue(failure.getMessage().contains("301") && failure.getMessage().contains("binance.ws.url")
                && failure.getMessage().contains("ws://elsewhere.example/market"), failure.getMessage());
    }

    /** Gap records of two tasks of one connector must not share a source partition: their offsets would collide. */
    @Test
    void gapRecordsOfDifferentTasksAndConnectorsHaveTheirOwnSourcePartitions() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> common = Map.of("name", "identity-test", "reconnect.backoff.initial.ms", "50",
                "connections.per.stream", "1");
        BinanceLiquidationSourceTask first = harness.start(exchange, with(common, Map.of("symbols", "BTCUSDT",
                "task.symbols", "BTCUSDT", "task.id", "0")));
        BinanceLiquidationSourceTask second = harness.start(exchange, with(common, Map.of("symbols", "ETHUSDT",
                "task.symbols", "ETHUSDT", "task.id", "1")));
        // Another connector's task 0, on the same stream as the first: same task id, same group number.
        BinanceLiquidationSourceTask ofAnotherConnector = harness.start(exchange, with(common, Map.of(
                "name", "identity-other", "symbols", "BTCUSDT", "task.symbols", "BTCUSDT", "task.id", "0")));
        assertTrue(exchange.awaitOpenConnections(3, WAIT));
        assertTrue(exchange.await(() -> exchange.connections().stream().allMatch(c -> c.framesSent() > 0), WAIT),
                "all covered before the drop");
        exchange.dropAllConnections();
        assertTrue(exchange.awaitOpenConnections(3, WAIT));
        SourceRecord gapOfFirst = awaitGap(first, new ArrayList<>());
        SourceRecord gapOfSecond = awaitGap(second, new ArrayList<>());
        SourceRecord gapOfOther = awaitGap(ofAnotherConnector, new ArrayList<>());
        assertNotEquals(gapOfFirst.sourcePartition(), gapOfSecond.sourcePartition());
        assertNotEquals(gapOfFirst.sourcePartition(), gapOfOther.sourcePartition());
        assertTrue(gapOfFirst.sourcePartition().toString().contains("identity-test/task-0/group-1"),
                "named after connector, task and group: " + gapOfFirst.sourcePartition());
        assertTrue(gapOfOther.sourcePartition().toString().contains("identity-other/task-0/group-1"),
                gapOfOther.sourcePartition().toString());
    }

    /** A restarted task with a new topic: what its predecessor left undelivered follows the new config. */
    @Test
    void whatAStoppedTaskLeftIsRebuiltUnderTheSuccessorsConfig() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        BinanceLiquidationSourceTask first = harness.start(exchange, Map.of("name", "rebuild-test",
                "symbols", "BTCUSDT", "topic", "old-topic"));
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        for (int i = 0; i < 3; i++) {
            SentForceOrder event = events.next("BTCUSDT");
            exchange.emit(event.stream(), event.toJson());
        }
        assertTrue(exchange.await(() -> first.counters().liquidations() == 3, WAIT));
        first.stop(); // never polled: left to the successor

        BinanceLiquidationSourceTask second = harness.start(exchange, Map.of("name", "rebuild-test",
                "symbols", "BTCUSDT", "topic", "new-topic", "decimal.handling.mode", "string"));
        List<SourceRecord> delivered = TaskHarness.pollUntil(second, 3, new ArrayList<>());
        delivered.forEach(r -> {
            assertEquals("new-topic", r.topic());
            assertEquals(org.apache.kafka.connect.data.Schema.Type.STRING,
                    r.valueSchema().field("price").schema().type(), "rebuilt with the new decimal mode");
        });
    }

    /**
     * Records the worker took but Kafka never acknowledged may have made the task fail (or been written after all):
     * replaying them could fail again forever, or write them twice. They are reported inside the successor's gap.
     */
    @Test
    void recordsHandedToTheWorkerButNeverAcknowledgedAreNotReplayedButInsideTheGap() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = Map.of("name", "no-replay-test", "symbols", "BTCUSDT",
                "connections.per.stream", "1");
        BinanceLiquidationSourceTask first = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        SentForceOrder event = events.next("BTCUSDT");
        exchange.emit(event.stream(), event.toJson());
        List<SourceRecord> taken = pollWithoutAcknowledging(first, 1);
        long receivedAt = (Long) taken.get(0).headers().lastWithName("binance.received.at").value();
        first.stop();

        BinanceLiquidationSourceTask second = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, WAIT));
        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> replayed = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
            for (SourceRecord record : pollQuietly(second)) {
                second.commitRecord(record, null);
                if (TaskHarness.isGap(record)) {
                    gaps.add(record);
                } else if (TaskHarness.isLiquidation(record)) {
                    replayed.add(record);
                }
            }
        }
        assertEquals(List.of(), replayed, "nothing the worker had taken is replayed");
        assertEquals(1, gaps.size(), "one gap for the restart: " + gaps);
        SourceRecord gap = gaps.get(0);
        long from = ((Date) ((Struct) gap.value()).get(StreamGapRecords.UNCOVERED_FROM)).getTime();
        assertTrue(from <= receivedAt, "the unacknowledged liquidation lies inside the gap: gap from " + from
                + ", received at " + receivedAt);
    }

    // ---- helpers ----

    private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(base);
        all.putAll(more);
        return all;
    }

    /** Polls (acknowledging, as the worker would) until a gap record arrives; {@code gaps} may already hold one. */
    private static SourceRecord awaitGap(BinanceLiquidationSourceTask task, List<SourceRecord> gaps)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (gaps.isEmpty() && System.nanoTime() < deadline) {
            for (SourceRecord record : pollQuietly(task)) {
                task.commitRecord(record, null);
                if (TaskHarness.isGap(record)) {
                    gaps.add(record);
                }
            }
        }
        assertFalse(gaps.isEmpty(), "no gap record");
        return gaps.get(0);
    }

    private static List<SourceRecord> pollWithoutAcknowledging(BinanceLiquidationSourceTask task, int count)
            throws InterruptedException {
        List<SourceRecord> taken = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (taken.size() < count && System.nanoTime() < deadline) {
            pollQuietly(task).stream().filter(TaskHarness::isLiquidation).forEach(taken::add);
        }
        assertEquals(count, taken.size());
        return taken;
    }

    private static List<SourceRecord> pollQuietly(BinanceLiquidationSourceTask task) throws InterruptedException {
        try {
            List<SourceRecord> batch = task.poll();
            return batch == null ? List.of() : batch;
        } catch (RetriableException e) {
            return List.of();
        }
    }
}
