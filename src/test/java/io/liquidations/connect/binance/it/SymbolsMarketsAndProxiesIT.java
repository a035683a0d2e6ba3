package io.liquidations.connect.binance.it;

import static io.liquidations.connect.binance.it.ConnectClusterSupport.decode;
import static io.liquidations.connect.binance.it.ConnectClusterSupport.deployedConfig;
import static io.liquidations.connect.binance.it.ConnectClusterSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.FakeContract;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.it.ConnectClusterSupport.ReadBack;
import io.liquidations.connect.binance.proxy.HttpConnectProxy;
import io.liquidations.connect.binance.proxy.LoopbackProxy;
import io.liquidations.connect.binance.proxy.Socks5Proxy;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #10 on a real worker: discovery that follows listings and delistings, validate() naming an unknown symbol,
 * the all-market stream filtered and shared by two connectors (one per market) without a duplicate, COIN-M with
 * the contract size, and the connector behind HTTP CONNECT and SOCKS5 proxies whose password comes from a
 * FileConfigProvider and never shows.
 */
class SymbolsMarketsAndProxiesIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final long WAIT_MS = 60_000;
    private static final String SECRET = "proxy-" + UUID.randomUUID();

    private static EmbeddedConnectCluster connect;
    private static FakeBinanceExchange usds;
    private static FakeBinanceExchange coin;
    private static Path secrets;

    @BeforeAll
    static void startStack() throws Exception {
        usds = FakeBinanceExchange.startPlain();
        coin = FakeBinanceExchange.startPlain();
        secrets = Files.createTempFile("binance-secrets", ".properties");
        Files.writeString(secrets, "proxy.password=" + SECRET + "\n", StandardCharsets.UTF_8);
        connect = ConnectClusterSupport.startCluster("symbols-markets-proxies-it", Map.of(
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"));
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (connect != null) {
            connect.stop();
        }
        if (usds != null) {
            usds.close();
        }
        if (coin != null) {
            coin.close();
        }
        if (secrets != null) {
            Files.deleteIfExists(secrets);
        }
    }

    @AfterEach
    void deleteConnectors() {
        connect.connectors().forEach(connect::deleteConnector);
    }

    @Test
    void discoveryFollowsAListingAndADelistingDuringTheRun() throws Exception {
        String name = "discovery";
        String topic = "liquidations.discovery";
        usds.setContracts(List.of(FakeContract.usdsPerpetual("DISCAUSDT"), FakeContract.usdsPerpetual("DISCBUSDT"),
                FakeContract.usdsPerpetual("DISCZUSDT").withStatus("SETTLING"),
                FakeContract.usdsPerpetual("OTHERUSDT")));
        connect.configureConnector(name, deployedConfig(Map.of(
                "binance.ws.url", usds.baseUrl(), "binance.rest.url", usds.restBaseUrl(),
                "symbols", "", "symbols.discovery", "exchangeInfo", "symbols.include", "DISC.*",
                "symbols.refresh.interval.ms", "1000", "tasks.max", "2", "topic", topic)));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "discovery did not start");
        awaitFollowed(Set.of("DISCAUSDT", "DISCBUSDT"), Set.of("DISCCUSDT", "DISCZUSDT", "OTHERUSDT"));
        assertEquals(Set.of("DISCAUSDT", "DISCBUSDT"), taskSymbols(name), "TRADING, included, perpetual only");

        ForceOrderEvents events = new ForceOrderEvents(10);
        List<SentForceOrder> sent = new ArrayList<>();
        sent.add(emit(usds, events.next("DISCAUSDT")));
        sent.add(emit(usds, events.next("DISCBUSDT")));
        assertEquals(2, readAll(connect, topic, 2, READ_TIMEOUT).size());

        long listedAt = System.currentTimeMillis();
        usds.listContract(FakeContract.usdsPerpetual("DISCCUSDT"));
        awaitFollowed(Set.of("DISCAUSDT", "DISCBUSDT", "DISCCUSDT"), Set.of());
        assertEquals(Set.of("DISCAUSDT", "DISCBUSDT", "DISCCUSDT"), taskSymbols(name));
        sent.add(emit(usds, events.next("DISCCUSDT")));
        sent.add(emit(usds, events.next("DISCAUSDT")));

        long cFirstOpened = usds.connections().stream()
                .filter(c -> c.requestedStreams().contains("disccusdt@forceOrder"))
                .mapToLong(c -> c.openedAt().toEpochMilli()).min().orElseThrow();
        long delistedAt = System.currentTimeMillis();
        usds.delistContract("DISCBUSDT");
        awaitFollowed(Set.of("DISCAUSDT", "DISCCUSDT"), Set.of("DISCBUSDT"));
        assertEquals(Set.of("DISCAUSDT", "DISCCUSDT"), taskSymbols(name));
        SentForceOrder afterDelisting = events.next("DISCBUSDT");
        assertEquals(0, usds.emit(afterDelisting.stream(), afterDelisting.toJson()), "nobody follows it any more");
        sent.add(emit(usds, events.next("DISCCUSDT")));

        List<ReadBack> received = readAll(connect, topic, sent.size(), READ_TIMEOUT);
        assertEquals(ids(sent), ids(received));
        List<ReadBack> everything = decode(connect.kafka().consumeAll(10_000, topic), topic);
        assertEquals(sent.size(), everything.size(), "nothing else: no duplicate, nothing of the delisted symbol");

        // What the coverage rules give today (they are being reworked): every reconfiguration restarts the tasks,
        // and each restart of a stream that stays followed is written as a task-restart gap. A newly listed symbol
        // is covered from its first connection: no gap of it starts before that. A delisted one is not followed
        // any more, so no gap reports it after its removal.
        List<ReadBack> gaps = decode(connect.kafka().consumeAll(10_000, topic + ".gaps"), topic + ".gaps");
        assertFalse(gaps.isEmpty(), "the reconfigurations restarted the tasks, and said so");
        for (ReadBack gap : gaps) {
            @SuppressWarnings("unchecked")
            List<String> streams = (List<String>) gap.value().get("streams");
            assertEquals("task-restart", gap.value().getString("reason"), gap.value().toString());
            long from = ((java.util.Date) gap.value().get("uncoveredFrom")).getTime();
            long to = ((java.util.Date) gap.value().get("uncoveredTo")).getTime();
            assertTrue(listedAt <= from && from <= to && to <= System.currentTimeMillis(), gap.value().toString());
            if (streams.contains("disccusdt@forceOrder")) {
                assertTrue(from >= cFirstOpened, "a gap of the new symbol before it was followed: " + gap.value());
            }
            if (streams.contains("discbusdt@forceOrder")) {
                assertTrue(to <= delistedAt + 5_000, "a gap of the delisted symbol after its removal: " + gap.value());
            }
        }
    }

    @Test
    void validateNamesAnUnknownSymbolAndOnlyNotesAnExchangeOutOfReach() {
        usds.setContracts(List.of(FakeContract.usdsPerpetual("BTCUSDT"), FakeContract.usdsPerpetual("ETHUSDT")));
        Map<String, String> config = deployedConfig(Map.of("name", "typo", "binance.ws.url", usds.baseUrl(),
                "binance.rest.url", usds.restBaseUrl(), "symbols", "BTCUSTD,ETHUSDT"));
        List<String> errors = errorsOf(connect.validateConnectorConfig("BinanceLiquidationSourceConnector", config),
                "symbols");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("BTCUSTD is not a USDⓈ-M contract; did you mean BTCUSDT?"), errors.get(0));

        Map<String, String> unreachable = new HashMap<>(config);
        unreachable.put("binance.rest.url", "http://127.0.0.1:" + closedPort());
        ConfigInfos answer = connect.validateConnectorConfig("BinanceLiquidationSourceConnector", unreachable);
        assertEquals(0, answer.errorCount(), "could not check is no error: " + answer.configs());
    }

    @Test
    void twoConnectorsShareTheAllMarketStreamWithoutADuplicateAndFilterWhatTheyWrite() throws Exception {
        String topic = "liquidations.all-market";
        coin.setContracts(List.of(FakeContract.coinPerpetual("BTCUSD_PERP", 100),
                FakeContract.coinPerpetual("ETHUSD_PERP", 10)));
        connect.configureConnector("all-usds", deployedConfig(Map.of("binance.ws.url", usds.baseUrl(),
                "stream.mode", "all-market", "symbols", "", "symbols.exclude", "DOGE.*", "topic", topic)));
        connect.configureConnector("all-coin", deployedConfig(Map.of("binance.ws.url", coin.baseUrl(),
                "binance.rest.url", coin.restBaseUrl(), "binance.market", "coin-m",
                "stream.mode", "all-market", "symbols", "", "topic", topic)));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("all-usds", 1, "usds-m not running");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("all-coin", 1, "coin-m not running");
        assertTrue(usds.awaitSubscribers(ForceOrderEvents.ALL_MARKET_STREAM, 1, Duration.ofSeconds(30)));
        assertTrue(coin.awaitSubscribers(ForceOrderEvents.ALL_MARKET_STREAM, 1, Duration.ofSeconds(30)));

        ForceOrderEvents events = new ForceOrderEvents(20);
        List<SentForceOrder> expected = new ArrayList<>();
        int otherMarket = 0;
        int excluded = 0;
        List<String> symbols = List.of("BTCUSDT", "BTCUSD_PERP", "DOGEUSDT", "ETHUSD_PERP", "SOLUSDT", "ETHUSDT");
        for (int round = 0; round < 10; round++) {
            List<SentForceOrder> frame = new ArrayList<>();
            for (String symbol : symbols.subList(round % 2, symbols.size())) {
                frame.add(events.nextAllMarket(symbol));
            }
            // Since 2026-06-30 both hosts carry both markets: each frame goes to both.
            String json = round % 3 == 0
                    ? frame.stream().map(SentForceOrder::toJson).collect(Collectors.joining(",", "[", "]"))
                    : null;
            if (json != null) {
                usds.emit(ForceOrderEvents.ALL_MARKET_STREAM, json);
                coin.emit(ForceOrderEvents.ALL_MARKET_STREAM, json);
            } else {
                for (SentForceOrder event : frame) {
                    usds.emit(ForceOrderEvents.ALL_MARKET_STREAM, event.toJson());
                    coin.emit(ForceOrderEvents.ALL_MARKET_STREAM, event.toJson());
                }
            }
            for (SentForceOrder event : frame) {
                if (event.symbol().startsWith("DOGE")) {
                    excluded++;
                } else {
                    expected.add(event);
                }
                if (event.marketType() == 2) {
                    otherMarket++;
                }
            }
        }
        List<ReadBack> received = readAll(connect, topic, expected.size(), READ_TIMEOUT);
        assertEquals(ids(expected), ids(received));
        List<ReadBack> everything = decode(connect.kafka().consumeAll(10_000, topic), topic);
        assertEquals(expected.size(), everything.size(), "each event once, though both connectors received it");
        for (ReadBack record : everything) {
            boolean coinMargined = record.symbol().contains("_");
            assertEquals(coinMargined ? 2 : 1, record.value().getInt32(ForceOrderSchema.MARKET_TYPE));
            BigDecimal size = (BigDecimal) record.value().get(ForceOrderSchema.CONTRACT_SIZE);
            if (coinMargined) {
                assertEquals(0, new BigDecimal(record.symbol().startsWith("BTC") ? 100 : 10).compareTo(size),
                        "the COIN-M connector knows its contract sizes");
            } else {
                assertEquals(null, size);
            }
        }
        assertEquals((double) otherMarket, jmx("all-usds", "liquidations-filtered-total", "other-market"),
                "the USDS-M connector leaves out every COIN-M event, and counts it");
        assertEquals((double) excluded, jmx("all-usds", "liquidations-filtered-total", "symbol"),
                "symbols.exclude: counted, never written");
        assertEquals((double) (countMarket(expected, 1) + excluded),
                jmx("all-coin", "liquidations-filtered-total", "other-market"),
                "the COIN-M connector leaves out every USDS-M event, excluded or not");
    }

    @Test
    void coinMSymbolsEndToEndWithTheNotionalComputable() throws Exception {
        String topic = "liquidations.coin-m";
        coin.setContracts(List.of(FakeContract.coinPerpetual("BTCUSD_PERP", 100),
                FakeContract.coinPerpetual("ETHUSD_PERP", 10)));
        connect.configureConnector("coin-symbols", deployedConfig(Map.of("binance.ws.url", coin.baseUrl(),
                "binance.rest.url", coin.restBaseUrl(), "binance.market", "coin-m",
                "symbols", "BTCUSD_PERP,ETHUSD_PERP", "tasks.max", "1", "topic", topic)));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("coin-symbols", 1, "not running");
        // Both legs: each event must reach every socket of the group.
        assertTrue(coin.awaitSubscribers("btcusd_perp@forceOrder", LEGS, Duration.ofSeconds(30)));
        assertTrue(coin.awaitSubscribers("ethusd_perp@forceOrder", LEGS, Duration.ofSeconds(30)));
        assertTrue(coin.streamsOf(coin.connections().stream().filter(FakeBinanceExchange.ConnectionInfo::open)
                .filter(c -> c.streams().contains("btcusd_perp@forceOrder")).findFirst().orElseThrow().id())
                .contains("btcusd_perp@markPrice@1s"), "the COIN-M canary");

        ForceOrderEvents events = new ForceOrderEvents(30);
        SentForceOrder btc = emit(coin, events.next("BTCUSD_PERP").withPair("BTCUSD"));
        SentForceOrder eth = emit(coin, events.next("ETHUSD_PERP"));
        Map<String, ReadBack> bySymbol = readAll(connect, topic, 2, READ_TIMEOUT).stream()
                .collect(Collectors.toMap(ReadBack::symbol, r -> r));
        ReadBack btcRecord = bySymbol.get("BTCUSD_PERP");
        assertEquals("BTCUSD", btcRecord.value().getString(ForceOrderSchema.PAIR));
        assertEquals("ETHUSD", bySymbol.get("ETHUSD_PERP").value().getString(ForceOrderSchema.PAIR),
                "no ps on the wire: the pair from exchangeInfo");
        BigDecimal notional = ((BigDecimal) btcRecord.value().get(ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY))
                .multiply((BigDecimal) btcRecord.value().get(ForceOrderSchema.CONTRACT_SIZE));
        assertEquals(0, new BigDecimal(btc.filledAccumulatedQuantity()).multiply(BigDecimal.valueOf(100))
                .compareTo(notional), "notional in USD = contracts x contract size");
        assertEquals(0, BigDecimal.TEN.compareTo((BigDecimal) bySymbol.get("ETHUSD_PERP").value()
                .get(ForceOrderSchema.CONTRACT_SIZE)), eth.toString());
    }

    @Test
    void throughHttpAndSocksProxiesWithThePasswordFromAConfigProviderAndNeverShown() throws Exception {
        try (FakeBinanceExchange tls = FakeBinanceExchange.startTls();
                HttpConnectProxy http = HttpConnectProxy.withCredentials("liq", SECRET);
                Socks5Proxy socks = Socks5Proxy.withCredentials("liq", SECRET)) {
            String placeholder = "${file:" + secrets + ":proxy.password}";
            proxiedConnector("via-http", "http", http, tls, placeholder, "liquidations.via-http");
            proxiedConnector("via-socks", "socks5", socks, usds, placeholder, "liquidations.via-socks");
            TestUtils.waitForCondition(() -> http.tunnelsOpened() >= 1 && socks.tunnelsOpened() >= 1, WAIT_MS,
                    "a tunnel through each proxy");
            assertTrue(tls.awaitOpenConnections(LEGS, Duration.ofSeconds(30)), "wss through the HTTP proxy");
            FakeBinanceExchange.ConnectionInfo viaHttp = tls.connections().get(0);
            assertTrue(viaHttp.tls() && http.outboundAddresses().contains(viaHttp.remoteAddress()),
                    "the exchange's peer is the proxy");
            TestUtils.waitForCondition(() -> usds.connections().stream().anyMatch(c -> c.open()
                    && socks.outboundAddresses().contains(c.remoteAddress())), WAIT_MS, "ws through SOCKS5");

            ForceOrderEvents events = new ForceOrderEvents(40);
            emit(tls, events.next("PROXYAUSDT"));
            emit(usds, events.next("PROXYBUSDT"));
            assertEquals(1, readAll(connect, "liquidations.via-http", 1, READ_TIMEOUT).size());
            assertEquals(1, readAll(connect, "liquidations.via-socks", 1, READ_TIMEOUT).size());
            assertEquals(0, http.refusals() + socks.refusals(), "the provider's password was accepted");

            for (String name : List.of("via-http", "via-socks")) {
                Response stored = connect.requestGet(connect.endpointForResource("connectors/" + name + "/config"));
                String body = String.valueOf(stored.getEntity());
                assertTrue(body.contains(placeholder), body);
                assertFalse(body.contains(SECRET), "GET /connectors/" + name + "/config shows only the placeholder");
            }
            Map<String, String> direct = deployedConfig(Map.of("name", "direct", "binance.ws.url", usds.baseUrl(),
                    "symbols", "PROXYBUSDT", "proxy.type", "socks5", "proxy.host", "127.0.0.1",
                    "proxy.port", String.valueOf(socks.port()), "proxy.username", "liq", "proxy.password", SECRET));
            Response validated = connect.requestPut(connect.endpointForResource(
                    "connector-plugins/BinanceLiquidationSourceConnector/config/validate"),
                    new ObjectMapper().writeValueAsString(direct));
            String answer = String.valueOf(validated.getEntity());
            assertEquals(200, validated.getStatus(), answer);
            assertFalse(answer.contains(SECRET), "the validate answer hides the password: " + answer);
            assertTrue(answer.contains("proxy.password"), answer);
        }
        // Line by line: the log holds every test of the build, and can be far larger than the heap.
        boolean[] ours = {false};
        long leaks;
        try (java.util.stream.Stream<String> lines = Files.lines(Path.of("target/test.log"), StandardCharsets.UTF_8)) {
            leaks = lines.peek(line -> ours[0] |= line.contains("via-http")).filter(line -> line.contains(SECRET))
                    .count();
        }
        assertTrue(ours[0], "the log is the one these connectors wrote to");
        assertEquals(0, leaks, "the password never reaches the log");
    }

    // ---- helpers ----

    private static void proxiedConnector(String name, String type, LoopbackProxy proxy, FakeBinanceExchange exchange,
            String password, String topic) {
        Map<String, String> overrides = new HashMap<>(Map.of("binance.ws.url", exchange.baseUrl(),
                "symbols", name.equals("via-http") ? "PROXYAUSDT" : "PROXYBUSDT", "topic", topic,
                "proxy.type", type, "proxy.host", "127.0.0.1", "proxy.port", String.valueOf(proxy.port()),
                "proxy.username", "liq", "proxy.password", password));
        if (exchange.isTls()) {
            overrides.put("binance.ws.truststore.path", exchange.trustStorePath().toString());
            overrides.put("binance.ws.truststore.password", exchange.trustStorePassword());
        }
        connect.configureConnector(name, deployedConfig(overrides));
        try {
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, name + " not running");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long countMarket(List<SentForceOrder> events, int st) {
        return events.stream().filter(e -> e.marketType() == st).count();
    }

    /** Sockets per group of streams in the shipped config. */
    private static final int LEGS = Integer.parseInt(
            ConnectClusterSupport.deployedConfig(Map.of()).get("connections.per.stream"));

    private static SentForceOrder emit(FakeBinanceExchange exchange, SentForceOrder event) {
        assertEquals(LEGS, exchange.emit(event.stream(), event.toJson()),
                "the legs of one group follow " + event.symbol());
        return event;
    }

    /** Waits until each of {@code followed} has the legs of one group open and none of {@code dropped} has any. */
    private static void awaitFollowed(Set<String> followed, Set<String> dropped) throws InterruptedException {
        TestUtils.waitForCondition(() -> followed.stream().allMatch(s -> usds.subscriberCount(stream(s)) == LEGS)
                && dropped.stream().allMatch(s -> usds.subscriberCount(stream(s)) == 0), WAIT_MS,
                "followed " + followed + ", dropped " + dropped);
    }

    private static Set<String> taskSymbols(String name) {
        Set<String> symbols = new HashSet<>();
        for (TaskInfo task : connect.taskConfigs(name)) {
            String list = task.config().get(LiquidationTaskConfig.TASK_SYMBOLS);
            if (!list.isEmpty()) {
                symbols.addAll(List.of(list.split(",")));
            }
        }
        return symbols;
    }

    private static Set<String> ids(List<?> events) {
        Set<String> ids = new HashSet<>();
        for (Object event : events) {
            if (event instanceof SentForceOrder sent) {
                ids.add(sent.symbol() + "@" + sent.tradeTime());
            } else {
                ReadBack read = (ReadBack) event;
                ids.add(read.symbol() + "@" + ((java.util.Date) read.value().get(ForceOrderSchema.TRADE_TIME))
                        .getTime());
            }
        }
        assertEquals(events.size(), ids.size(), "no duplicate among " + events.size());
        return ids;
    }

    private static List<String> errorsOf(ConfigInfos infos, String field) {
        return infos.configs().stream().map(c -> c.configValue()).filter(v -> v.name().equals(field))
                .flatMap(v -> v.errors().stream()).toList();
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String stream(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@forceOrder";
    }

    private static double jmx(String connector, String attribute, String reason) throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        for (javax.management.ObjectName mbean : server.queryNames(new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",reason=" + reason + ",*"), null)) {
            try {
                total += ((Number) server.getAttribute(mbean, attribute)).doubleValue();
            } catch (javax.management.AttributeNotFoundException e) {
                // another metric with the same reason tag
            }
        }
        return total;
    }
}
