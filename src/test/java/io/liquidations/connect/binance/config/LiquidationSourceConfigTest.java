package io.liquidations.connect.binance.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.BinanceLiquidationSourceConnector;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LiquidationSourceConfigTest {

    private static Map<String, String> valid() {
        Map<String, String> props = new HashMap<>();
        props.put(LiquidationSourceConfig.SYMBOLS, "BTCUSDT,ETHUSDT");
        // Unit tests never reach for Binance: the exchangeInfo check has tests of its own, on the fake exchange.
        props.put(LiquidationSourceConfig.SYMBOLS_VALIDATION, "none");
        return props;
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> props = valid();
        props.put(key, value);
        return props;
    }

    private static Map<String, ConfigValue> validate(Map<String, String> props) {
        Config config = new BinanceLiquidationSourceConnector().validate(props);
        return config.configValues().stream().collect(Collectors.toMap(ConfigValue::name, Function.identity()));
    }

    /** The only field with errors is {@code field}; returns its messages. */
    private static List<String> errorsOnlyOn(Map<String, String> props, String field) {
        Map<String, ConfigValue> values = validate(props);
        values.forEach((name, value) -> {
            if (!name.equals(field)) {
                assertTrue(value.errorMessages().isEmpty(), () -> "unexpected errors on " + name + ": "
                        + value.errorMessages());
            }
        });
        List<String> errors = values.get(field).errorMessages();
        assertFalse(errors.isEmpty(), () -> "expected an error on " + field);
        return errors;
    }

    private static void assertMentions(List<String> errors, String... fragments) {
        String all = String.join(" | ", errors);
        for (String fragment : fragments) {
            assertTrue(all.contains(fragment), () -> "expected '" + fragment + "' in: " + all);
        }
    }

    /** For Kafka's own enumerated-value messages, which print the valid values upper-cased. */
    private static void assertMentionsIgnoringCase(List<String> errors, String... fragments) {
        String all = String.join(" | ", errors).toLowerCase(Locale.ROOT);
        for (String fragment : fragments) {
            assertTrue(all.contains(fragment.toLowerCase(Locale.ROOT)), () -> "expected '" + fragment + "' in: "
                    + all);
        }
    }

    @Test
    void validConfigHasNoErrors() {
        Map<String, ConfigValue> values = validate(valid());
        values.forEach((name, value) -> assertTrue(value.errorMessages().isEmpty(),
                () -> name + ": " + value.errorMessages()));
        assertEquals(LiquidationSourceConfig.CONFIG_DEF.names(), values.keySet());
    }

    @Test
    void fullyDescribedValidConfigsHaveNoErrors() {
        Map<String, String> symbols = new HashMap<>(Map.of(
                LiquidationSourceConfig.WS_URL, "wss://dstream.binance.com",
                LiquidationSourceConfig.MARKET, "COIN-M",
                LiquidationSourceConfig.STREAM_MODE, "symbols",
                LiquidationSourceConfig.SYMBOLS, "btcusd_perp, BTCUSD_260925",
                LiquidationSourceConfig.STREAMS_PER_CONNECTION, "1023",
                LiquidationSourceConfig.RECONNECT_BACKOFF_INITIAL_MS, "500",
                LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS, "500",
                LiquidationSourceConfig.DECIMAL_HANDLING_MODE, "STRING",
                LiquidationSourceConfig.BEHAVIOR_ON_MALFORMED_EVENT, "fail",
                LiquidationSourceConfig.TOPIC, "liq.coin-m_1"));
        // Binance's own host, so exchangeInfo would be asked: not from a unit test.
        symbols.put(LiquidationSourceConfig.SYMBOLS_VALIDATION, "none");
        // COIN-M reads its contract sizes at start: from a loopback port nobody listens on, here.
        symbols.put(LiquidationSourceConfig.REST_URL, "http://127.0.0.1:9");
        Map<String, String> allMarket = Map.of(
                LiquidationSourceConfig.WS_URL, "ws://localhost:8080/market/",
                LiquidationSourceConfig.STREAM_MODE, "ALL-MARKET",
                LiquidationSourceConfig.STREAMS_PER_CONNECTION, "1");
        for (Map<String, String> props : List.of(symbols, allMarket)) {
            validate(props).forEach((name, value) -> assertTrue(value.errorMessages().isEmpty(),
                    () -> props + " -> " + name + ": " + value.errorMessages()));
            new LiquidationSourceConfig(props);
            new BinanceLiquidationSourceConnector().start(props);
        }
    }

    @Test
    void emptySymbolsInSymbolsModeIsAnErrorOnSymbols() {
        Map<String, String> props = new HashMap<>();
        props.put(LiquidationSourceConfig.STREAM_MODE, "symbols");
        assertMentions(errorsOnlyOn(props, LiquidationSourceConfig.SYMBOLS), "symbols", "all-market");
        props.put(LiquidationSourceConfig.SYMBOLS, "");
        assertMentions(errorsOnlyOn(props, LiquidationSourceConfig.SYMBOLS), "symbols=", "stream.mode=all-market");
    }

    @Test
    void duplicatesAfterCaseFoldingAreAnErrorOnSymbols() {
        List<String> errors = errorsOnlyOn(with(LiquidationSourceConfig.SYMBOLS, "BTCUSDT,ETHUSDT,btcusdt"),
                LiquidationSourceConfig.SYMBOLS);
        assertMentions(errors, "symbols", "BTCUSDT", "btcusdt", "once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"btcusdt/ethusdt@depth", "BTC USDT", "BTCUSDT@forceOrder", "BTC-USDT", "BTCUSDT,",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void symbolOutsideTheAllowedAlphabetIsAnErrorOnSymbols(String symbols) {
        List<String> errors = errorsOnlyOn(with(LiquidationSourceConfig.SYMBOLS, symbols),
                LiquidationSourceConfig.SYMBOLS);
        assertMentions(errors, "symbols", "1 to 40 letters, digits or underscores");
    }

    @Test
    void fortyCharacterSymbolIsAccepted() {
        String forty = "A".repeat(40);
        assertEquals(40, forty.length());
        validate(with(LiquidationSourceConfig.SYMBOLS, forty + ",B_1"))
                .forEach((name, value) -> assertTrue(value.errorMessages().isEmpty(), name));
        assertEquals(41, "A".repeat(41).length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://fstream.binance.com/market", "https://fstream.binance.com/market",
        "fstream.binance.com/market", "ftp://fstream.binance.com/market"})
    void urlWithoutWebSocketSchemeIsAnErrorOnTheUrl(String url) {
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.WS_URL, url), LiquidationSourceConfig.WS_URL),
                LiquidationSourceConfig.WS_URL, "ws or wss", "wss://fstream.binance.com/market");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wss://fstream.binance.com/market?streams=btcusdt@forceOrder",
        "wss://fstream.binance.com/market#frag"})
    void urlWithQueryIsAnErrorOnTheUrl(String url) {
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.WS_URL, url), LiquidationSourceConfig.WS_URL),
                LiquidationSourceConfig.WS_URL, "base URL only", "/stream?streams=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wss://fstream.binance.com", "wss://fstream.binance.com/", "WSS://FStream.Binance.com",
        "wss://fstream.binance.com:443"})
    void pathLessUsdsMUrlIsRefused(String url) {
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.WS_URL, url), LiquidationSourceConfig.WS_URL),
                LiquidationSourceConfig.WS_URL, "wss://fstream.binance.com/market", "path-less");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wss:///market", "not a url"})
    void urlWithoutHostOrUnparseableIsAnErrorOnTheUrl(String url) {
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.WS_URL, url), LiquidationSourceConfig.WS_URL),
                LiquidationSourceConfig.WS_URL);
    }

    @Test
    void anEmptyUrlIsTheMarketsDefaultOnProductionOrTestnet() {
        assertEquals("wss://fstream.binance.com/market",
                new LiquidationSourceConfig(with(LiquidationSourceConfig.WS_URL, " ")).webSocketUrl());
        Map<String, String> coin = with(LiquidationSourceConfig.MARKET, "coin-m");
        assertEquals("wss://dstream.binance.com", new LiquidationSourceConfig(coin).webSocketUrl());
        assertEquals("https://dapi.binance.com", new LiquidationSourceConfig(coin).restUrl());
        assertEquals("btcusd_perp@markPrice@1s", new LiquidationSourceConfig(coin).canaryStream());
        coin.put(LiquidationSourceConfig.TESTNET, "true");
        assertEquals("wss://dstream.binancefuture.com", new LiquidationSourceConfig(coin).webSocketUrl());
        assertEquals("https://testnet.binancefuture.com", new LiquidationSourceConfig(coin).restUrl());
        Map<String, String> usdsTestnet = with(LiquidationSourceConfig.TESTNET, "true");
        assertEquals("wss://fstream.binancefuture.com", new LiquidationSourceConfig(usdsTestnet).webSocketUrl());
        assertEquals("https://testnet.binancefuture.com", new LiquidationSourceConfig(usdsTestnet).restUrl());
        // An explicit URL wins over the testnet default, and its REST counterpart follows the host.
        usdsTestnet.put(LiquidationSourceConfig.WS_URL, "wss://fstream.binance.com/market");
        assertEquals("wss://fstream.binance.com/market", new LiquidationSourceConfig(usdsTestnet).webSocketUrl());
        assertEquals("https://fapi.binance.com", new LiquidationSourceConfig(usdsTestnet).restUrl());
        assertNull(new LiquidationSourceConfig(with(LiquidationSourceConfig.WS_URL, "ws://127.0.0.1:9/market"))
                .restUrl(), "a relay's REST counterpart is unknown: no REST calls");
    }

    @Test
    void allMarketModeWithSymbolsIsAnErrorOnSymbols() {
        Map<String, String> props = with(LiquidationSourceConfig.STREAM_MODE, "all-market");
        assertMentions(errorsOnlyOn(props, LiquidationSourceConfig.SYMBOLS), "all-market", "leave symbols empty",
                "stream.mode=symbols");
    }

    @ParameterizedTest
    @ValueSource(strings = {LiquidationSourceConfig.SYMBOLS_INCLUDE, LiquidationSourceConfig.SYMBOLS_EXCLUDE})
    void aSymbolPatternThatDoesNotCompileIsAnErrorSayingWhereItBroke(String field) {
        Map<String, String> props = with(LiquidationSourceConfig.STREAM_MODE, "all-market");
        props.remove(LiquidationSourceConfig.SYMBOLS);
        props.put(field, "(BTC|ETH.*USDT");
        assertMentions(errorsOnlyOn(props, field), "(BTC|ETH.*USDT", "not a valid regular expression",
                "at position", "(BTC|ETH).*USDT");
        props.put(field, "(BTC|ETH).*USDT");
        assertTrue(validate(props).get(field).errorMessages().isEmpty(), "a pattern that compiles is accepted");
    }

    @Test
    void theDefaultIsTwoConnectionsPerStream() {
        // A dropped socket costs no coverage by default (README "How it works" gives the reasons).
        assertEquals(2, new LiquidationSourceConfig(valid()).getInt(LiquidationSourceConfig.CONNECTIONS_PER_STREAM));
    }

    @Test
    void initialBackoffAboveMaxIsAnErrorNamingBothSettings() {
        Map<String, String> props = valid();
        props.put(LiquidationSourceConfig.RECONNECT_BACKOFF_INITIAL_MS, "5000");
        props.put(LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS, "4000");
        List<String> errors = errorsOnlyOn(props, LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS);
        assertMentions(errors, LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS,
                LiquidationSourceConfig.RECONNECT_BACKOFF_INITIAL_MS, "5000", "4000");
        // The same rule against the default max (60000).
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.RECONNECT_BACKOFF_INITIAL_MS, "60001"),
                LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS), "60001", "60000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1025", "-1", "many"})
    void streamsPerConnectionOutOfRangeIsAnError(String value) {
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.STREAMS_PER_CONNECTION, value),
                LiquidationSourceConfig.STREAMS_PER_CONNECTION), LiquidationSourceConfig.STREAMS_PER_CONNECTION);
    }

    /** A canary's frames are never written out: a liquidation stream as the canary would be swallowed whole. */
    @ParameterizedTest
    @ValueSource(strings = {"btcusdt@forceOrder", "ethusdt@forceorder", "!forceOrder@arr"})
    void aLiquidationStreamIsRefusedAsTheCanary(String canary) {
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.CANARY_STREAM, canary),
                LiquidationSourceConfig.CANARY_STREAM), LiquidationSourceConfig.CANARY_STREAM, "forceOrder");
    }

    /** The canary rides on every connection: with it, a connection may still carry at most Binance's 1024 streams. */
    @Test
    void streamsPerConnectionLeavesRoomForTheCanary() {
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.STREAMS_PER_CONNECTION, "1024"),
                LiquidationSourceConfig.STREAMS_PER_CONNECTION), LiquidationSourceConfig.STREAMS_PER_CONNECTION,
                "1023", LiquidationSourceConfig.CANARY_STREAM);
        Map<String, String> noCanary = with(LiquidationSourceConfig.STREAMS_PER_CONNECTION, "1024");
        noCanary.put(LiquidationSourceConfig.CANARY_STREAM, "none");
        validate(noCanary).forEach((name, value) -> assertTrue(value.errorMessages().isEmpty(),
                () -> name + ": " + value.errorMessages()));
    }

    @Test
    void invalidEnumeratedValuesAreErrorsOnTheirField() {
        assertMentionsIgnoringCase(errorsOnlyOn(with(LiquidationSourceConfig.STREAM_MODE, "everything"),
                LiquidationSourceConfig.STREAM_MODE), LiquidationSourceConfig.STREAM_MODE, "symbols", "all-market");
        assertMentionsIgnoringCase(errorsOnlyOn(with(LiquidationSourceConfig.DECIMAL_HANDLING_MODE, "float"),
                LiquidationSourceConfig.DECIMAL_HANDLING_MODE), LiquidationSourceConfig.DECIMAL_HANDLING_MODE,
                "precise", "string", "double");
        assertMentionsIgnoringCase(errorsOnlyOn(with(LiquidationSourceConfig.BEHAVIOR_ON_MALFORMED_EVENT, "ignore"),
                LiquidationSourceConfig.BEHAVIOR_ON_MALFORMED_EVENT), LiquidationSourceConfig.BEHAVIOR_ON_MALFORMED_EVENT,
                "log", "fail");
        assertMentions(errorsOnlyOn(with(LiquidationSourceConfig.TOPIC, "bad topic"),
                LiquidationSourceConfig.TOPIC), LiquidationSourceConfig.TOPIC);
    }

    @Test
    void defaults() {
        LiquidationSourceConfig config = new LiquidationSourceConfig(valid());
        assertAll(
                () -> assertEquals("wss://fstream.binance.com/market", config.webSocketUrl()),
                () -> assertEquals("wss://fstream.binance.com/market", LiquidationSourceConfig.WS_URL_DEFAULT),
                () -> assertEquals("binance.futures.liquidations", config.topic()),
                () -> assertEquals(200, config.streamsPerConnection()),
                () -> assertEquals(DecimalHandlingMode.PRECISE, config.decimalHandlingMode()),
                () -> assertEquals(MalformedEventBehavior.LOG, config.behaviorOnMalformedEvent()),
                () -> assertEquals(StreamMode.SYMBOLS, config.streamMode()),
                () -> assertEquals("usds-m", config.market()),
                () -> assertEquals(List.of("BTCUSDT", "ETHUSDT"), config.symbols()));
        Map<String, ConfigDef.ConfigKey> keys = LiquidationSourceConfig.CONFIG_DEF.configKeys();
        assertEquals("precise", keys.get(LiquidationSourceConfig.DECIMAL_HANDLING_MODE).defaultValue);
        assertEquals("log", keys.get(LiquidationSourceConfig.BEHAVIOR_ON_MALFORMED_EVENT).defaultValue);
        assertEquals(200, keys.get(LiquidationSourceConfig.STREAMS_PER_CONNECTION).defaultValue);
    }

    @Test
    void streamsPerConnectionRangeIsOneTo1024() {
        ConfigDef.Validator range = LiquidationSourceConfig.CONFIG_DEF.configKeys()
                .get(LiquidationSourceConfig.STREAMS_PER_CONNECTION).validator;
        range.ensureValid(LiquidationSourceConfig.STREAMS_PER_CONNECTION, 1);
        range.ensureValid(LiquidationSourceConfig.STREAMS_PER_CONNECTION, 1024);
        assertThrows(ConfigException.class,
                () -> range.ensureValid(LiquidationSourceConfig.STREAMS_PER_CONNECTION, 0));
        assertThrows(ConfigException.class,
                () -> range.ensureValid(LiquidationSourceConfig.STREAMS_PER_CONNECTION, 1025));
        assertEquals(1024, new LiquidationSourceConfig(with(LiquidationSourceConfig.STREAMS_PER_CONNECTION, "1024"))
                .streamsPerConnection());
    }

    @Test
    void startWithBadConfigThrowsConfigException() {
        BinanceLiquidationSourceConnector connector = new BinanceLiquidationSourceConnector();
        ConfigException empty = assertThrows(ConfigException.class, () -> connector.start(Map.of()));
        assertTrue(empty.getMessage().contains(LiquidationSourceConfig.SYMBOLS), empty.getMessage());
        ConfigException allMarket = assertThrows(ConfigException.class, () -> connector.start(
                with(LiquidationSourceConfig.STREAM_MODE, "all-market")));
        assertTrue(allMarket.getMessage().contains("all-market"), allMarket.getMessage());
        Map<String, String> backoff = valid();
        backoff.put(LiquidationSourceConfig.RECONNECT_BACKOFF_INITIAL_MS, "2");
        backoff.put(LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS, "1");
        ConfigException backoffError = assertThrows(ConfigException.class, () -> connector.start(backoff));
        assertTrue(backoffError.getMessage().contains(LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS),
                backoffError.getMessage());
        ConfigException badSymbol = assertThrows(ConfigException.class, () -> connector.start(
                with(LiquidationSourceConfig.SYMBOLS, "btcusdt/ethusdt@depth")));
        assertTrue(badSymbol.getMessage().contains(LiquidationSourceConfig.SYMBOLS), badSymbol.getMessage());
        assertThrows(ConfigException.class, () -> connector.start(
                with(LiquidationSourceConfig.WS_URL, "wss://fstream.binance.com")));
    }

    @Test
    void everyKeyHasAGroupAndADisplayName() {
        Map<String, ConfigDef.ConfigKey> keys = LiquidationSourceConfig.CONFIG_DEF.configKeys();
        assertFalse(keys.isEmpty());
        keys.forEach((name, key) -> assertAll(name,
                () -> assertNotNull(key.group, name + " has no group"),
                () -> assertFalse(key.group.isBlank(), name + " has a blank group"),
                () -> assertNotNull(key.displayName, name + " has no display name"),
                () -> assertFalse(key.displayName.isBlank(), name + " has a blank display name"),
                () -> assertFalse(key.displayName.equals(name), name + " has its key as display name"),
                () -> assertNotNull(key.documentation, name + " has no documentation"),
                () -> assertTrue(key.orderInGroup > 0, name + " has no order in its group")));
    }

    @Test
    void enumeratedSettingsNameTheirValidValues() {
        Map<String, ConfigDef.ConfigKey> keys = LiquidationSourceConfig.CONFIG_DEF.configKeys();
        Map<String, List<String>> expected = Map.of(
                LiquidationSourceConfig.STREAM_MODE, List.of("symbols", "all-market"),
                LiquidationSourceConfig.DECIMAL_HANDLING_MODE, List.of("precise", "string", "double"),
                LiquidationSourceConfig.BEHAVIOR_ON_MALFORMED_EVENT, List.of("log", "fail"),
                LiquidationSourceConfig.MARKET, List.of("usds-m", "coin-m"),
                LiquidationSourceConfig.TRUSTSTORE_TYPE, List.of("PKCS12", "JKS"));
        expected.forEach((name, values) -> {
            ConfigDef.Validator validator = keys.get(name).validator;
            assertNotNull(validator, name);
            // The validator is case-insensitive (and Kafka prints its values upper-cased), so compare folded.
            String described = validator.toString().toLowerCase(Locale.ROOT);
            for (String value : values) {
                assertTrue(described.contains(value.toLowerCase(Locale.ROOT)),
                        () -> name + ": '" + described + "' lacks " + value);
            }
        });
        // Free-form settings describe their rule rather than Object.toString().
        for (String name : List.of(LiquidationSourceConfig.WS_URL, LiquidationSourceConfig.SYMBOLS,
                LiquidationSourceConfig.TOPIC)) {
            String described = keys.get(name).validator.toString();
            assertFalse(described.contains("@"), () -> name + ": " + described);
        }
        assertTrue(keys.get(LiquidationSourceConfig.SYMBOLS).validator.toString().contains("[A-Za-z0-9_]{1,40}"));
    }

    @Test
    void taskConfigReadsTheAssignedSymbols() {
        Map<String, String> props = valid();
        props.put(LiquidationTaskConfig.TASK_SYMBOLS, "BTCUSDT,ETHUSDT");
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), new LiquidationTaskConfig(props).taskSymbols());
        assertEquals(List.of(), new LiquidationTaskConfig(valid()).taskSymbols());
    }
}
