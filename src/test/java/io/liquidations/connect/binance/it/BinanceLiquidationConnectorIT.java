package io.liquidations.connect.binance.it;

import static io.liquidations.connect.binance.it.ConnectClusterSupport.deployedConfig;
import static io.liquidations.connect.binance.it.ConnectClusterSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.it.ConnectClusterSupport.ReadBack;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product's spine on real components: the fake exchange on a real socket, a real broker and a real
 * distributed Connect worker, the connector created over the worker's REST API from {@code config/}.
 */
class BinanceLiquidationConnectorIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final long WAIT_MS = 30_000;

    private static EmbeddedConnectCluster connect;
    private static FakeBinanceExchange exchange;

    @BeforeAll
    static void startStack() {
        // Coverage is back with a socket's first frame: a canary every 200 ms keeps that close to the reopen.
        exchange = FakeBinanceExchange.builder().markPriceInterval(Duration.ofMillis(200)).start();
        connect = ConnectClusterSupport.startCluster("binance-liquidations-it");
    }

    @AfterAll
    static void stopStack() {
        if (connect != null) {
            connect.stop();
        }
        if (exchange != null) {
            exchange.close();
        }
    }

    /** Each test deploys its own connector; removing it keeps the next test's connections and logs its own. */
    @AfterEach
    void deleteConnectors() {
        connect.connectors().forEach(connect::deleteConnector);
    }

    /** Sockets per group of streams in the shipped config: each stream is read on this many, each event written once. */
    private static final int LEGS = Integer.parseInt(deployedConfig(Map.of()).get("connections.per.stream"));

    @Test
    void deliversEveryLiquidationExactlyOnceTypedKeyedAndStampedWithTradeTime() throws Exception {
        String name = "spine";
        String topic = "liquidations.spine";
        List<String> symbols = ForceOrderEvents.symbols(300);
        connect.configureConnector(name, deployedConfig(Map.of(
                "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", symbols),
                "tasks.max", "3",
                "streams.per.connection", "50",
                "topic", topic)));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 3, "connector did not start");
        assertTrue(exchange.awaitOpenConnections(6 * LEGS, Duration.ofSeconds(30)),
                "expected ceil(100/50) x 3 groups, each on " + LEGS + " connections");

        assertEachSymbolServedByExactlyOneTask(name, symbols);
        assertEachStreamRequestedByTheLegsOfOneGroup(symbols);

        ForceOrderEvents events = new ForceOrderEvents(42);
        Map<String, SentForceOrder> sent = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            SentForceOrder event = events.next(symbols.get(i % symbols.size()));
            assertEquals(LEGS, exchange.emit(streamOf(event.symbol()), event.toJson()),
                    "each stream on " + LEGS + " connections");
            sent.put(identity(event.symbol(), event.tradeTime()), event);
        }

        List<ReadBack> received = readAll(connect, topic, sent.size(), READ_TIMEOUT);
        assertEquals(sent.size(), received.size(), "every liquidation, once");
        assertEquals(sent.size(), connect.kafka().consumeAll(WAIT_MS, topic).count(), "nothing beyond them");
        assertTrue(connect.kafka().describeTopics(topic + ".gaps").get(topic + ".gaps").isEmpty(),
                "a clean start writes no gap: the gaps topic was never even created");
        assertEquals(sent.size(), jmxTotal(name, "records-produced-total"),
                "the worker's metrics, over JMX, count what was produced");
        assertEquals(6.0 * LEGS, jmxTotal(name, "connections-open"), "connections open, over JMX");
        assertEquals(0.0, jmxTotal(name, "streams-below-redundancy"), "every stream on all its legs, over JMX");
        assertTrue(jmxTotal(name, "duplicates-dropped-total") >= sent.size() * (LEGS - 1) * 0.99,
                "what the other legs delivered was dropped as duplicates, over JMX");
        Set<String> seen = new HashSet<>();
        for (ReadBack record : received) {
            String id = identity(record.symbol(), millis(record.value(), ForceOrderSchema.TRADE_TIME));
            assertTrue(seen.add(id), "duplicate " + id);
            SentForceOrder original = sent.get(id);
            assertNotNull(original, "a record nobody sent: " + record.value());
            assertMatches(original, record);
        }
    }

    @Test
    void reconnectsAfterEveryConnectionDropsAndDeliversWhatFollows() throws Exception {
        String name = "reconnect";
        String topic = "liquidations.reconnect";
        List<String> symbols = ForceOrderEvents.symbols(320).subList(300, 320);
        connect.configureConnector(name, deployedConfig(Map.of(
                "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", symbols),
                "tasks.max", "2",
                "streams.per.connection", "5",
                "reconnect.backoff.initial.ms", "100",
                "reconnect.backoff.max.ms", "1000",
                "topic", topic)));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "connector did not start");
        waitForOpenConnectionsOf(symbols, 4 * LEGS, 4 * LEGS);

        ForceOrderEvents events = new ForceOrderEvents(7);
        List<SentForceOrder> before = emitRound(events, symbols, 10);
        assertEquals(before.size(), readAll(connect, topic, before.size(), READ_TIMEOUT).size());

        exchange.dropAllConnections();
        waitForOpenConnectionsOf(symbols, 4 * LEGS, 8 * LEGS);

        List<SentForceOrder> after = emitRound(events, symbols, 10);
        List<ReadBack> all = readAll(connect, topic, before.size() + after.size(), READ_TIMEOUT);
        Set<String> ids = all.stream()
                .map(r -> identity(r.symbol(), millis(r.value(), ForceOrderSchema.TRADE_TIME)))
                .collect(Collectors.toSet());
        for (SentForceOrder event : after) {
            assertTrue(ids.contains(identity(event.symbol(), event.tradeTime())), "lost after reconnect: " + event);
        }
        assertEquals(before.size() + after.size(), all.size(), "no duplicate and no invented record");
        assertEquals(all.size(), ids.size(), "no duplicate");
        assertGapRecordsMatchTheOutages(topic + ".gaps", symbols);
    }

    /**
     * One gap per group whose connections were all dropped, bounded by when the exchange closed the last of them and
     * when the first successor opened.
     */
    private static void assertGapRecordsMatchTheOutages(String gapsTopic, List<String> symbols) throws Exception {
        Set<String> ours = symbols.stream().map(BinanceLiquidationConnectorIT::streamOf).collect(Collectors.toSet());
        List<FakeBinanceExchange.ConnectionInfo> connections = exchange.connections().stream()
                .filter(c -> c.requestedStreams().stream().anyMatch(ours::contains)).toList();
        List<ReadBack> gaps = readAll(connect, gapsTopic, 4, READ_TIMEOUT);
        assertEquals(4, gaps.size(), "one gap per dropped group");
        for (ReadBack gap : gaps) {
            @SuppressWarnings("unchecked")
            List<String> streams = (List<String>) gap.value().get("streams");
            List<FakeBinanceExchange.ConnectionInfo> serving = connections.stream()
                    .filter(c -> c.requestedStreams().containsAll(streams))
                    .sorted(java.util.Comparator.comparing(FakeBinanceExchange.ConnectionInfo::openedAt)).toList();
            assertEquals(2 * LEGS, serving.size(), "the dropped connections and their successors: " + streams);
            long closedAt = serving.subList(0, LEGS).stream().mapToLong(c -> c.closedAt().toEpochMilli()).max()
                    .orElseThrow();
            long reopenedAt = serving.get(LEGS).openedAt().toEpochMilli();
            long from = millis(gap.value(), "uncoveredFrom");
            long to = millis(gap.value(), "uncoveredTo");
            assertTrue(Math.abs(from - closedAt) <= 1_000, "gap starts " + (from - closedAt) + " ms off the drop");
            assertTrue(Math.abs(to - reopenedAt) <= 1_000, "gap ends " + (to - reopenedAt) + " ms off the reopen");
            assertEquals("dropped", gap.value().getString("reason"));
            assertEquals("usds-m", gap.key());
        }
    }

    @Test
    void validateEndpointNamesTheFieldAndTheFix() {
        Map<String, String> good = deployedConfig(Map.of("binance.ws.url", exchange.baseUrl(), "name", "validated"));
        ConfigInfos shipped = validate(good);
        assertEquals(0, shipped.errorCount(), "the shipped config is valid: " + shipped.configs());

        assertError(with(good, "symbols", ""), "symbols", "symbols is empty");
        assertError(with(good, "symbols", "BTCUSDT,btcusdt"), "symbols", "list each symbol once");
        assertError(with(good, "symbols", "btcusdt/ethusdt@depth"), "symbols", "letters, digits or underscores");
        assertError(with(good, "binance.ws.url", "https://fstream.binance.com/market"), "binance.ws.url",
                "scheme must be ws or wss");
        assertError(with(good, "binance.ws.url", "wss://fstream.binance.com"), "binance.ws.url",
                "use wss://fstream.binance.com/market");
    }

    @Test
    void malformedFramesAreCountedAndSkippedOrFailTheTaskAsConfigured() throws Exception {
        ForceOrderEvents events = new ForceOrderEvents(99);

        String logTopic = "liquidations.malformed.log";
        connect.configureConnector("malformed-log", deployedConfig(Map.of(
                "binance.ws.url", exchange.baseUrl(), "symbols", "MALLOGUSDT", "tasks.max", "1",
                "behavior.on.malformed.event", "log", "topic", logTopic)));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("malformed-log", 1, "not running");
        waitForOpenConnectionsOf(List.of("MALLOGUSDT"), LEGS, LEGS);
        SentForceOrder first = events.next("MALLOGUSDT");
        exchange.emit(streamOf("MALLOGUSDT"), first.toJson());
        exchange.emitRaw(streamOf("MALLOGUSDT"), "{\"stream\":\"mallogusdt@forceOrder\",\"data\":{\"e\":\"forceOr");
        exchange.emitRaw(streamOf("MALLOGUSDT"), "{\"stream\":\"mallogusdt@forceOrder\",\"data\":"
                + first.toJson().replace("\"q\":\"", "\"q\":\"x"));
        SentForceOrder second = events.next("MALLOGUSDT");
        exchange.emit(streamOf("MALLOGUSDT"), second.toJson());
        List<ReadBack> logged = readAll(connect, logTopic, 2, READ_TIMEOUT);
        assertEquals(List.of(first.tradeTime(), second.tradeTime()), logged.stream()
                .map(r -> millis(r.value(), ForceOrderSchema.TRADE_TIME)).toList());
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("malformed-log", 1,
                "a malformed frame must not fail the task in log mode");

        String failTopic = "liquidations.malformed.fail";
        connect.configureConnector("malformed-fail", deployedConfig(Map.of(
                "binance.ws.url", exchange.baseUrl(), "symbols", "MALFAILUSDT", "tasks.max", "1",
                "behavior.on.malformed.event", "fail", "topic", failTopic)));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("malformed-fail", 1, "not running");
        waitForOpenConnectionsOf(List.of("MALFAILUSDT"), LEGS, LEGS);
        SentForceOrder beforeGarbage = events.next("MALFAILUSDT");
        exchange.emit(streamOf("MALFAILUSDT"), beforeGarbage.toJson());
        exchange.emitRaw(streamOf("MALFAILUSDT"), "not json at all");
        List<ReadBack> delivered = readAll(connect, failTopic, 1, READ_TIMEOUT);
        assertEquals(beforeGarbage.tradeTime(),
                millis(delivered.get(0).value(), ForceOrderSchema.TRADE_TIME),
                "what arrived before the bad frame is delivered");
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("malformed-fail", 1,
                "fail mode must fail the task");
        String trace = connect.connectorStatus("malformed-fail").tasks().get(0).trace();
        assertTrue(trace.contains("Malformed frame") && trace.contains("behavior.on.malformed.event=log"), trace);
    }

    // ---- helpers ----

    private static void assertMatches(SentForceOrder sent, ReadBack record) {
        Struct value = record.value();
        assertEquals(sent.symbol(), record.key(), "key is the symbol");
        assertEquals(sent.tradeTime(), record.timestamp(), "record timestamp is the trade time");
        assertEquals(streamOf(sent.symbol()), record.headers().get(ForceOrderRecords.HEADER_STREAM));
        assertEquals("forceOrder", value.getString(ForceOrderSchema.EVENT_TYPE));
        assertEquals(sent.eventTime(), millis(value, ForceOrderSchema.EVENT_TIME));
        assertEquals(sent.symbol(), value.getString(ForceOrderSchema.SYMBOL));
        assertEquals(sent.pair(), value.getString(ForceOrderSchema.PAIR));
        assertEquals(sent.side(), value.getString(ForceOrderSchema.SIDE));
        assertEquals(sent.orderType(), value.getString(ForceOrderSchema.ORDER_TYPE));
        assertEquals(sent.timeInForce(), value.getString(ForceOrderSchema.TIME_IN_FORCE));
        assertEquals(sent.status(), value.getString(ForceOrderSchema.STATUS));
        assertEquals(sent.tradeTime(), millis(value, ForceOrderSchema.TRADE_TIME));
        assertEquals(sent.marketType(), value.getInt32(ForceOrderSchema.MARKET_TYPE));
        assertDecimal(sent.quantity(), value, ForceOrderSchema.QUANTITY);
        assertDecimal(sent.price(), value, ForceOrderSchema.PRICE);
        assertDecimal(sent.averagePrice(), value, ForceOrderSchema.AVERAGE_PRICE);
        assertDecimal(sent.lastFilledQuantity(), value, ForceOrderSchema.LAST_FILLED_QUANTITY);
        assertDecimal(sent.filledAccumulatedQuantity(), value, ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY);
    }

    /** Exact: the same number, at the schema's fixed scale, with no digit lost or invented. */
    private static void assertDecimal(String sent, Struct value, String field) {
        BigDecimal actual = (BigDecimal) value.get(field);
        assertEquals(ForceOrderSchema.DECIMAL_SCALE, actual.scale(), field + " scale");
        assertEquals(0, new BigDecimal(sent).compareTo(actual), field + ": sent " + sent + ", got " + actual);
    }

    private void assertEachSymbolServedByExactlyOneTask(String name, List<String> symbols) {
        List<TaskInfo> tasks = connect.taskConfigs(name);
        assertEquals(3, tasks.size());
        List<String> assigned = new ArrayList<>();
        for (TaskInfo task : tasks) {
            assigned.addAll(List.of(task.config().get(LiquidationTaskConfig.TASK_SYMBOLS).split(",")));
        }
        assertEquals(symbols.size(), assigned.size(), "no symbol in two tasks");
        assertEquals(new HashSet<>(symbols), new HashSet<>(assigned), "every symbol in a task");
    }

    private static void assertEachStreamRequestedByTheLegsOfOneGroup(List<String> symbols) {
        List<List<String>> requested = exchange.connections().stream()
                .filter(FakeBinanceExchange.ConnectionInfo::open)
                .map(FakeBinanceExchange.ConnectionInfo::streams)
                .toList();
        assertEquals(6 * LEGS, requested.size());
        for (List<String> streams : requested) {
            assertEquals(50, streams.stream().filter(s -> s.endsWith("@forceOrder")).count(),
                    "streams.per.connection");
            assertTrue(streams.contains("btcusdt@markPrice@1s"), "each connection carries the canary: " + streams);
        }
        List<String> all = requested.stream().flatMap(List::stream).filter(s -> s.endsWith("@forceOrder")).toList();
        assertEquals(symbols.stream().map(BinanceLiquidationConnectorIT::streamOf).collect(Collectors.toSet()),
                new HashSet<>(all));
        Map<String, Long> legsPerStream = all.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertEquals(Set.of((long) LEGS), new HashSet<>(legsPerStream.values()),
                "each stream on exactly " + LEGS + " connections");
    }

    /** Waits until {@code open} connections serve these symbols and {@code total} have ever been opened for them. */
    private static void waitForOpenConnectionsOf(List<String> symbols, int open, int total)
            throws InterruptedException {
        Set<String> streams = symbols.stream().map(BinanceLiquidationConnectorIT::streamOf)
                .collect(Collectors.toSet());
        TestUtils.waitForCondition(() -> {
            List<FakeBinanceExchange.ConnectionInfo> ours = exchange.connections().stream()
                    .filter(c -> c.streams().stream().anyMatch(streams::contains)).toList();
            return ours.size() >= total && ours.stream().filter(FakeBinanceExchange.ConnectionInfo::open).count()
                    == open;
        }, WAIT_MS, "connections for " + symbols);
    }

    private static List<SentForceOrder> emitRound(ForceOrderEvents events, List<String> symbols, int perSymbol) {
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < perSymbol; i++) {
            for (String symbol : symbols) {
                SentForceOrder event = events.next(symbol);
                assertEquals(LEGS, exchange.emit(streamOf(symbol), event.toJson()));
                sent.add(event);
            }
        }
        return sent;
    }

    private static ConfigInfos validate(Map<String, String> config) {
        return connect.validateConnectorConfig("BinanceLiquidationSourceConnector", config);
    }

    private static void assertError(Map<String, String> config, String field, String expected) {
        ConfigInfos result = validate(config);
        List<String> errors = result.configs().stream()
                .map(ConfigInfo::configValue)
                .filter(v -> v.name().equals(field))
                .flatMap(v -> v.errors().stream())
                .toList();
        assertTrue(errors.stream().anyMatch(e -> e.contains(expected) && e.contains(field)),
                "expected an error on " + field + " containing '" + expected + "', got " + errors);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    /** Sum of one metric over the connector's tasks, read as an operator would: from the platform MBean server. */
    private static double jmxTotal(String connector, String attribute) throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        for (javax.management.ObjectName mbean : server.queryNames(
                new javax.management.ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null)) {
            try {
                total += ((Number) server.getAttribute(mbean, attribute)).doubleValue();
            } catch (javax.management.AttributeNotFoundException e) {
                // an MBean of the same connector that carries other metrics (e.g. one reconnect reason)
            }
        }
        return total;
    }

    private static long millis(Struct value, String timestampField) {
        return ((java.util.Date) value.get(timestampField)).getTime();
    }

    private static String streamOf(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@forceOrder";
    }

    private static String identity(String symbol, long tradeTime) {
        return symbol + "@" + tradeTime;
    }
}
