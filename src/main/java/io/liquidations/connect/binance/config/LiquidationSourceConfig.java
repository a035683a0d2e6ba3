package io.liquidations.connect.binance.config;

import io.liquidations.connect.binance.discovery.SymbolSelection;
import io.liquidations.connect.binance.proxy.ProxySettings;
import io.liquidations.connect.binance.proxy.ProxyType;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/** Every setting of the connector, in one {@link ConfigDef}; the reference docs are generated from it. */
public class LiquidationSourceConfig extends AbstractConfig {

    public static final String WS_URL = "binance.ws.url";
    /** The production USDⓈ-M URL: what an empty {@value #WS_URL} means with the default market. */
    public static final String WS_URL_DEFAULT = "wss://fstream.binance.com/market";
    public static final String MARKET = "binance.market";
    public static final String TESTNET = "binance.testnet";
    public static final String REST_URL = "binance.rest.url";
    public static final String REST_TIMEOUT_MS = "binance.rest.timeout.ms";
    public static final String SYMBOLS_DISCOVERY = "symbols.discovery";
    public static final String SYMBOLS_VALIDATION = "symbols.validation";
    public static final String SYMBOLS_REFRESH_INTERVAL_MS = "symbols.refresh.interval.ms";
    public static final String SYMBOLS_CONTRACT_TYPES = "symbols.contract.types";
    public static final String SYMBOLS_STATUS = "symbols.status";
    public static final String SYMBOLS_QUOTE_ASSETS = "symbols.quote.assets";
    public static final String SYMBOLS_MARGIN_ASSETS = "symbols.margin.assets";
    public static final String SYMBOLS_INCLUDE = "symbols.include";
    public static final String SYMBOLS_EXCLUDE = "symbols.exclude";
    public static final String ALL_MARKET_MARKETS = "all.market.markets";
    public static final String EXCHANGE_INFO = "exchangeInfo";
    public static final String NONE = "none";
    public static final String MARKETS_OWN = "own";
    public static final String MARKETS_BOTH = "both";
    public static final String STREAM_MODE = "stream.mode";
    public static final String SYMBOLS = "symbols";
    public static final String STREAMS_PER_CONNECTION = "streams.per.connection";
    public static final String CONNECTIONS_PER_STREAM = "connections.per.stream";
    /** Binance's documented cap of streams on one connection. */
    public static final int MAX_STREAMS_PER_CONNECTION = 1024;
    public static final String MAX_FRAME_BYTES = "max.frame.bytes";
    public static final String HANDSHAKE_TIMEOUT_MS = "handshake.timeout.ms";
    public static final String RECONNECT_BACKOFF_INITIAL_MS = "reconnect.backoff.initial.ms";
    public static final String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
    public static final String PING_INTERVAL_MS = "ping.interval.ms";
    public static final String PONG_TIMEOUT_MS = "pong.timeout.ms";
    public static final String READ_PAUSE_MAX_MS = "read.pause.max.ms";
    public static final String CANARY_STREAM = "canary.stream";
    public static final String CANARY_TIMEOUT_MS = "canary.timeout.ms";
    public static final String CANARY_MAX_SILENT_CONNECTIONS = "canary.max.silent.connections";
    public static final String CANARY_AUTO = "auto";
    public static final String CANARY_NONE = "none";
    public static final String CONNECTION_MAX_AGE_MS = "connection.max.age.ms";
    public static final String ATTEMPTS_PER_SECOND = "connection.attempts.per.second";
    public static final String ATTEMPTS_PER_FIVE_MINUTES = "connection.attempts.per.five.minutes";
    public static final String TRUSTSTORE_PATH = "binance.ws.truststore.path";
    public static final String TRUSTSTORE_PASSWORD = "binance.ws.truststore.password";
    public static final String TRUSTSTORE_TYPE = "binance.ws.truststore.type";
    public static final String TOPIC = "topic";
    public static final String GAPS_TOPIC = "gaps.topic";
    public static final String COVERAGE_TOPIC = "coverage.topic";
    public static final String COVERAGE_INTERVAL_MS = "coverage.interval.ms";
    public static final String DECIMAL_HANDLING_MODE = "decimal.handling.mode";
    public static final String BEHAVIOR_ON_MALFORMED_EVENT = "behavior.on.malformed.event";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String MAX_BATCH_SIZE = "max.batch.size";
    public static final String PROXY_TYPE = "proxy.type";
    public static final String PROXY_HOST = "proxy.host";
    public static final String PROXY_PORT = "proxy.port";
    public static final String PROXY_USERNAME = "proxy.username";
    public static final String PROXY_PASSWORD = "proxy.password";

    private static final String GROUP_EXCHANGE = "Exchange";
    private static final String GROUP_STREAMS = "Streams";
    private static final String GROUP_CONNECTION = "Connection";
    private static final String GROUP_TLS = "TLS";
    private static final String GROUP_RECORDS = "Records";
    private static final String GROUP_DELIVERY = "Delivery";
    private static final String GROUP_PROXY = "Proxy";

    public static final ConfigDef CONFIG_DEF = configDef();

    public LiquidationSourceConfig(Map<String, String> props) {
        this(CONFIG_DEF, props);
    }

    protected LiquidationSourceConfig(ConfigDef definition, Map<String, String> props) {
        super(definition, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(WS_URL, Type.STRING, "", new WebSocketUrlValidator(), Importance.HIGH,
                "Base WebSocket URL of the Binance futures market streams. Empty takes the market's default:"
                        + " wss://fstream.binance.com/market (usds-m) or wss://dstream.binance.com (coin-m); with"
                        + " binance.testnet=true wss://fstream.binancefuture.com or wss://dstream.binancefuture.com."
                        + " For USDS-M futures it must keep the /market path: the path-less URL still connects but"
                        + " sends no liquidations. Sources disagree on whether COIN-M moved to a /market path too: if"
                        + " wss://dstream.binance.com stays silent, try wss://dstream.binance.com/market. The"
                        + " connector appends /stream?streams=... itself.",
                GROUP_EXCHANGE, ++order, Width.LONG, "WebSocket base URL");
        def.define(MARKET, Type.STRING, "usds-m", ConfigDef.CaseInsensitiveValidString.in("usds-m", "coin-m"),
                Importance.MEDIUM,
                "Which futures market to follow: usds-m (USDS-margined, e.g. BTCUSDT) or coin-m (coin-margined,"
                        + " e.g. BTCUSD_PERP). Picks the default URLs, the canary and the exchangeInfo endpoint, and is"
                        + " stored in each record's source partition, so that offsets of different markets never mix.",
                GROUP_EXCHANGE, ++order, Width.SHORT, "Market");
        def.define(TESTNET, Type.BOOLEAN, false, Importance.LOW,
                "Take the testnet hosts as default URLs (WebSocket and REST). Testnet liquidations may be rare or"
                        + " absent; an explicit binance.ws.url or binance.rest.url still wins.",
                GROUP_EXCHANGE, ++order, Width.SHORT, "Testnet");
        def.define(REST_URL, Type.STRING, "", new RestUrlValidator(), Importance.LOW,
                "Base URL of Binance's REST API, used for exchangeInfo (symbols.discovery, symbols.validation)."
                        + " Empty takes the market's default (https://fapi.binance.com, https://dapi.binance.com, or"
                        + " https://testnet.binancefuture.com on testnet); with a binance.ws.url on another host than"
                        + " Binance's, empty means no REST calls at all.",
                GROUP_EXCHANGE, ++order, Width.LONG, "REST base URL");
        def.define(REST_TIMEOUT_MS, Type.LONG, 10_000L, Range.between(100L, 120_000L), Importance.LOW,
                "How long one REST request (connect, proxy, TLS, the whole answer) may take.",
                GROUP_EXCHANGE, ++order, Width.SHORT, "REST timeout (ms)");

        order = 0;
        def.define(STREAM_MODE, Type.STRING, ConfigEnums.configValue(StreamMode.SYMBOLS),
                ConfigEnums.validator(StreamMode.class), Importance.HIGH,
                "'symbols' follows the <symbol>@forceOrder stream of each listed symbol, spread over the tasks;"
                        + " 'all-market' follows the single !forceOrder@arr stream with one task, and needs an empty"
                        + " symbol list.",
                GROUP_STREAMS, ++order, Width.SHORT, "Stream mode");
        def.define(SYMBOLS, Type.LIST, "", new SymbolListValidator(), Importance.HIGH,
                "Contracts whose liquidations to follow, e.g. BTCUSDT,ETHUSDT. Case-insensitive; each at most once."
                        + " Required in 'symbols' mode.",
                GROUP_STREAMS, ++order, Width.LONG, "Symbols");
        def.define(STREAMS_PER_CONNECTION, Type.INT, 200, Range.between(1, MAX_STREAMS_PER_CONNECTION),
                Importance.MEDIUM,
                "How many liquidation streams one WebSocket connection carries. Binance allows 1024 streams per"
                        + " connection, the canary stream included; mature clients stay at 200.",
                GROUP_STREAMS, ++order, Width.SHORT, "Streams per connection");
        def.define(CONNECTIONS_PER_STREAM, Type.INT, 2, Range.between(1, 3), Importance.MEDIUM,
                "How many sockets read each group of streams at once, in the same task. A stream is covered while any"
                        + " of them is up, and each liquidation is written once: with 2, the drops Binance makes"
                        + " routinely (its 24-hour cut, restarts, network faults) cost no coverage, and a gap record"
                        + " is written only for an interval in which no socket was up. Each extra socket costs one"
                        + " more connection per streams.per.connection streams and its connection attempts; their"
                        + " rotations are staggered so that they never rotate together.",
                GROUP_STREAMS, ++order, Width.SHORT, "Connections per stream");
        def.define(SYMBOLS_DISCOVERY, Type.STRING, NONE, ConfigDef.CaseInsensitiveValidString.in(NONE, EXCHANGE_INFO),
                Importance.HIGH,
                "'none' follows the symbols listed in 'symbols'. 'exchangeInfo' builds the list from the market's"
                        + " exchangeInfo with the symbols.* filters and refreshes it every"
                        + " symbols.refresh.interval.ms, so that new listings are followed and delisted contracts"
                        + " dropped without a restart; 'symbols' stays empty then.",
                GROUP_STREAMS, ++order, Width.SHORT, "Symbol discovery");
        def.define(SYMBOLS_VALIDATION, Type.STRING, EXCHANGE_INFO,
                ConfigDef.CaseInsensitiveValidString.in(EXCHANGE_INFO, NONE), Importance.LOW,
                "With an explicit symbol list, 'exchangeInfo' checks each name against the market's exchangeInfo in"
                        + " validate() and start() and refuses unknown ones, with the closest listed name. When"
                        + " exchangeInfo cannot be reached the check is skipped with a warning in the log, never a"
                        + " failure. 'none' skips it.",
                GROUP_STREAMS, ++order, Width.SHORT, "Symbol validation");
        def.define(SYMBOLS_REFRESH_INTERVAL_MS, Type.LONG, 3_600_000L, Range.between(500L, 7 * 86_400_000L),
                Importance.LOW,
                "How often discovery re-reads exchangeInfo. The tasks are reconfigured only when the list changed; a"
                        + " failed refresh keeps the last good list and is retried sooner, with backoff.",
                GROUP_STREAMS, ++order, Width.SHORT, "Symbol refresh interval (ms)");
        def.define(SYMBOLS_CONTRACT_TYPES, Type.LIST, "PERPETUAL", Importance.LOW,
                "Discovery: contract types to follow (PERPETUAL, CURRENT_QUARTER, NEXT_QUARTER, ...). Empty: all.",
                GROUP_STREAMS, ++order, Width.MEDIUM, "Contract types");
        def.define(SYMBOLS_STATUS, Type.STRING, "TRADING", Importance.LOW,
                "Discovery: the status a contract must have (status on USDS-M, contractStatus on COIN-M). Empty: any.",
                GROUP_STREAMS, ++order, Width.SHORT, "Contract status");
        def.define(SYMBOLS_QUOTE_ASSETS, Type.LIST, "", Importance.LOW,
                "Discovery: quote assets to follow, e.g. USDT,USDC. Empty: all.",
                GROUP_STREAMS, ++order, Width.MEDIUM, "Quote assets");
        def.define(SYMBOLS_MARGIN_ASSETS, Type.LIST, "", Importance.LOW,
                "Discovery: margin assets to follow, e.g. USDT, or BTC,ETH on COIN-M. Empty: all.",
                GROUP_STREAMS, ++order, Width.MEDIUM, "Margin assets");
        def.define(SYMBOLS_INCLUDE, Type.STRING, "", new RegexValidator(), Importance.MEDIUM,
                "A regular expression the whole symbol must match (case-insensitive), e.g. (BTC|ETH|SOL).*. With"
                        + " discovery it selects contracts; in all-market mode it decides which liquidations are"
                        + " written (the others are counted, never written). Empty: all.",
                GROUP_STREAMS, ++order, Width.LONG, "Include symbols");
        def.define(SYMBOLS_EXCLUDE, Type.STRING, "", new RegexValidator(), Importance.MEDIUM,
                "A regular expression of symbols to leave out (case-insensitive), applied after symbols.include,"
                        + " e.g. .*_\\d{6} for dated contracts. Empty: none.",
                GROUP_STREAMS, ++order, Width.LONG, "Exclude symbols");
        def.define(ALL_MARKET_MARKETS, Type.STRING, MARKETS_OWN,
                ConfigDef.CaseInsensitiveValidString.in(MARKETS_OWN, MARKETS_BOTH), Importance.LOW,
                "Since 2026-06-30 !forceOrder@arr carries USDS-M and COIN-M events, marked by st (1, 2), on both"
                        + " hosts. 'own' writes only the events of binance.market, so that one connector per market"
                        + " never writes an event twice; 'both' writes every event (one connector for both markets)."
                        + " Events without st are taken to be of binance.market.",
                GROUP_STREAMS, ++order, Width.SHORT, "All-market: markets written");

        order = 0;
        def.define(HANDSHAKE_TIMEOUT_MS, Type.LONG, 10_000L, Range.between(100L, 120_000L), Importance.LOW,
                "How long a connection attempt (TCP, TLS and WebSocket upgrade) may take before it counts as failed.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Handshake timeout (ms)");
        def.define(RECONNECT_BACKOFF_INITIAL_MS, Type.LONG, 1_000L, Range.between(1L, 3_600_000L), Importance.LOW,
                "Upper bound of the first wait before reconnecting a dropped connection. The bound doubles after"
                        + " each failed attempt and the actual wait is drawn at random below it (full jitter).",
                GROUP_CONNECTION, ++order, Width.SHORT, "Initial reconnect backoff (ms)");
        def.define(RECONNECT_BACKOFF_MAX_MS, Type.LONG, 60_000L, Range.between(1L, 3_600_000L), Importance.LOW,
                "Cap of the reconnect backoff bound.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Maximum reconnect backoff (ms)");
        def.define(MAX_FRAME_BYTES, Type.INT, 65_536, Range.between(1_024, 16 * 1024 * 1024), Importance.LOW,
                "Largest WebSocket message accepted. A liquidation frame is a few hundred bytes; a larger message"
                        + " closes the connection (which is then re-opened) instead of exhausting memory.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Maximum frame size (bytes)");

        def.define(PING_INTERVAL_MS, Type.LONG, 30_000L, Range.between(50L, 600_000L), Importance.LOW,
                "How often the connector pings each connection. Silence on a liquidation stream proves nothing"
                        + " (quiet symbols are silent for hours), so liveness is judged by pongs and the canary.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Ping interval (ms)");
        def.define(PONG_TIMEOUT_MS, Type.LONG, 10_000L, Range.between(50L, 600_000L), Importance.LOW,
                "A connection whose ping is not answered within this time is half-open: it is closed and"
                        + " re-opened.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Pong timeout (ms)");
        def.define(READ_PAUSE_MAX_MS, Type.LONG, 600_000L, Range.between(100L, 86_400_000L), Importance.LOW,
                "When Kafka falls behind, the sockets stop reading (back-pressure) and Binance's pings go unanswered;"
                        + " Binance drops a connection that has not answered for 10 minutes. Reading paused for longer"
                        + " than this counts as lost coverage from the start of the pause, reported as a gap, even"
                        + " before the socket is found closed.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Longest read pause (ms)");
        def.define(CANARY_STREAM, Type.STRING, CANARY_AUTO, new CanaryStreamValidator(), Importance.LOW,
                "A stream that always ticks, added to every connection to catch a socket that answers pings but"
                        + " delivers nothing; its frames are never written to Kafka. 'auto' takes the mark price of"
                        + " BTC (btcusdt@markPrice@1s on usds-m, btcusd_perp@markPrice@1s on coin-m); 'none'"
                        + " switches the canary off.",
                GROUP_CONNECTION, ++order, Width.MEDIUM, "Canary stream");
        def.define(CANARY_TIMEOUT_MS, Type.LONG, 10_000L, Range.between(50L, 600_000L), Importance.LOW,
                "A connection whose canary stream has been silent this long has stalled: it is closed and"
                        + " re-opened.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Canary timeout (ms)");
        def.define(CANARY_MAX_SILENT_CONNECTIONS, Type.INT, 3, Range.between(1, 100), Importance.LOW,
                "After this many consecutive connections that never delivered a canary frame, the URL is taken"
                        + " to serve no market data (as the retired path-less URL does) and the task fails with"
                        + " that diagnosis instead of reconnecting forever.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Silent connections before failing");

        def.define(CONNECTION_MAX_AGE_MS, Type.LONG, 23 * 3_600_000L, Range.between(1_000L, 24 * 3_600_000L),
                Importance.LOW,
                "Binance cuts every connection at 24 hours. Before that, at this age (jittered up to 10 % earlier"
                        + " per connection), the connector opens a replacement, switches to it once it delivers and"
                        + " only then closes the old one: no gap, and what both delivered is written once.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Connection rotation age (ms)");
        def.define(ATTEMPTS_PER_SECOND, Type.INT, 5, Range.between(1, 100), Importance.LOW,
                "Connection attempts allowed per second, shared by every task of this connector configuration in"
                        + " the worker JVM, so that tasks reconnecting together cannot get the worker's IP banned.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Connection attempts per second");
        def.define(ATTEMPTS_PER_FIVE_MINUTES, Type.INT, 300, Range.between(1, 10_000), Importance.LOW,
                "Connection attempts allowed per 5 minutes, shared like the per-second budget. Binance allows"
                        + " about 300 per IP.",
                GROUP_CONNECTION, ++order, Width.SHORT, "Connection attempts per 5 minutes");

        order = 0;
        def.define(TRUSTSTORE_PATH, Type.STRING, "", Importance.LOW,
                "Trust store for wss:// connections. Empty uses the JVM's default trust store, which trusts Binance."
                        + " Host names are always verified.",
                GROUP_TLS, ++order, Width.LONG, "Trust store path");
        def.define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                "Password of the trust store, if it has one.",
                GROUP_TLS, ++order, Width.MEDIUM, "Trust store password");
        def.define(TRUSTSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                Importance.LOW,
                "Format of the trust store file.",
                GROUP_TLS, ++order, Width.SHORT, "Trust store type");

        order = 0;
        def.define(TOPIC, Type.STRING, "binance.futures.liquidations", new TopicNameValidator(), Importance.HIGH,
                "Topic the liquidation records are written to.",
                GROUP_RECORDS, ++order, Width.LONG, "Topic");
        def.define(GAPS_TOPIC, Type.STRING, "", new TopicNameValidator(true), Importance.MEDIUM,
                "Topic of the StreamGap records: every interval during which some streams were not covered"
                        + " (connection down, stalled or half-open), so consumers can tell 'no liquidation' from"
                        + " 'not watching'. Empty means the liquidation topic's name followed by '.gaps'.",
                GROUP_RECORDS, ++order, Width.LONG, "Gaps topic");
        def.define(COVERAGE_TOPIC, Type.STRING, "", new TopicNameValidator(true), Importance.MEDIUM,
                "Topic of the StreamCoverage checkpoints, one per followed stream every coverage.interval.ms: the"
                        + " completeness watermark (every liquidation received before coveredUntil is in the topic"
                        + " or inside a gap record), and, through their committed source offsets, where coverage"
                        + " ended when a task stops, crashes or moves to another worker; a stream followed for the"
                        + " first time connects once its first checkpoint is committed (within the worker's"
                        + " offset.flush.interval.ms). Keyed by stream: make it compacted (the shipped configs do,"
                        + " through topic.creation). Empty means the liquidation topic's name followed by"
                        + " '.coverage'.",
                GROUP_RECORDS, ++order, Width.LONG, "Coverage topic");
        def.define(COVERAGE_INTERVAL_MS, Type.LONG, 1_000L, Range.between(100L, 3_600_000L), Importance.LOW,
                "How often each followed stream gets a coverage checkpoint. It bounds how early the gap of a task"
                        + " stopped on one worker and taken over on another may start (a crash adds the worker's"
                        + " offset.flush.interval.ms), and how stale the watermark is; it costs one small record per"
                        + " stream per interval: 1,000 records/s for 1,000 streams at the default.",
                GROUP_RECORDS, ++order, Width.SHORT, "Coverage interval (ms)");
        def.define(DECIMAL_HANDLING_MODE, Type.STRING, ConfigEnums.configValue(DecimalHandlingMode.PRECISE),
                ConfigEnums.validator(DecimalHandlingMode.class),
                Importance.MEDIUM,
                "How prices and quantities are typed. 'precise': Connect Decimal with scale 8 and precision 38"
                        + " (exact; Avro decimal; ksqlDB DECIMAL(38,8)); a value with more than 8 decimal places is a"
                        + " malformed event, never rounded. 'string': the exchange's decimal string unchanged."
                        + " 'double': binary floating point, which is lossy.",
                GROUP_RECORDS, ++order, Width.SHORT, "Decimal handling mode");
        def.define(BEHAVIOR_ON_MALFORMED_EVENT, Type.STRING, ConfigEnums.configValue(MalformedEventBehavior.LOG),
                ConfigEnums.validator(MalformedEventBehavior.class),
                Importance.MEDIUM,
                "What a task does with a frame it cannot decode into a liquidation record. Both count it and log a"
                        + " truncated sample. 'log' keeps listening, since Binance cannot replay what a stopped task"
                        + " misses; 'fail' fails the task.",
                GROUP_RECORDS, ++order, Width.SHORT, "Behavior on malformed event");

        order = 0;
        def.define(QUEUE_CAPACITY, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                "Records a task holds between the sockets and Kafka. When it is full the sockets stop reading"
                        + " (TCP back-pressure) until the worker catches up; nothing is dropped.",
                GROUP_DELIVERY, ++order, Width.SHORT, "Queue capacity");
        def.define(MAX_BATCH_SIZE, Type.INT, 1_000, Range.atLeast(1), Importance.LOW,
                "Most records handed to the worker by one poll().",
                GROUP_DELIVERY, ++order, Width.SHORT, "Maximum batch size");

        order = 0;
        def.define(PROXY_TYPE, Type.STRING, ConfigEnums.configValue(ProxyType.NONE),
                ConfigEnums.validator(ProxyType.class), Importance.MEDIUM,
                "How the WebSocket and REST connections reach Binance. 'none' connects directly; 'http' tunnels"
                        + " through an HTTP proxy with CONNECT; 'socks5' goes through a SOCKS5 proxy. TLS and"
                        + " host-name verification run end to end through the tunnel, and the proxy resolves"
                        + " Binance's host names.",
                GROUP_PROXY, ++order, Width.SHORT, "Proxy type");
        def.define(PROXY_HOST, Type.STRING, "", Importance.MEDIUM,
                "Host name or address of the proxy. Required unless proxy.type=none.",
                GROUP_PROXY, ++order, Width.MEDIUM, "Proxy host");
        def.define(PROXY_PORT, Type.INT, 0, Range.between(0, 65_535), Importance.MEDIUM,
                "Port of the proxy. Required unless proxy.type=none.",
                GROUP_PROXY, ++order, Width.SHORT, "Proxy port");
        def.define(PROXY_USERNAME, Type.STRING, "", Importance.LOW,
                "User name for the proxy (HTTP Basic, or SOCKS5 user name and password). Empty for a proxy without"
                        + " authentication. An HTTP proxy receives it before TLS starts, as every HTTP proxy does.",
                GROUP_PROXY, ++order, Width.MEDIUM, "Proxy user name");
        def.define(PROXY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                "Password for the proxy; needs proxy.username. Never logged. Keep it out of the stored connector"
                        + " config with a config provider, e.g. ${file:/etc/kafka/secrets.properties:proxy.password}.",
                GROUP_PROXY, ++order, Width.MEDIUM, "Proxy password");
        return def;
    }

    /** The configured URL, or the market's default (testnet's with binance.testnet=true). */
    public String webSocketUrl() {
        String configured = getString(WS_URL).trim();
        return configured.isEmpty() ? binanceMarket().defaultWebSocketUrl(testnet()) : configured;
    }

    public String market() {
        return getString(MARKET).toLowerCase(java.util.Locale.ROOT);
    }

    public BinanceMarket binanceMarket() {
        return BinanceMarket.fromConfig(getString(MARKET));
    }

    public boolean testnet() {
        return getBoolean(TESTNET);
    }

    /**
     * The configured REST URL; else the market's default when the WebSocket URL is a default one or on one of
     * Binance's known hosts; else null: no REST calls for a relay or simulator whose REST counterpart is unknown.
     */
    public String restUrl() {
        return restUrl(getString(REST_URL), getString(WS_URL), binanceMarket(), testnet());
    }

    static String restUrl(String configured, String webSocketUrl, BinanceMarket market, boolean testnet) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        if (webSocketUrl == null || webSocketUrl.isBlank()) {
            return market.defaultRestUrl(testnet);
        }
        return BinanceMarket.restUrlForKnownWebSocketHost(webSocketUrl);
    }

    public long restTimeoutMs() {
        return getLong(REST_TIMEOUT_MS);
    }

    public boolean discoversSymbols() {
        return getString(SYMBOLS_DISCOVERY).trim().equalsIgnoreCase(EXCHANGE_INFO);
    }

    public boolean validatesSymbols() {
        return getString(SYMBOLS_VALIDATION).trim().equalsIgnoreCase(EXCHANGE_INFO);
    }

    public long symbolsRefreshIntervalMs() {
        return getLong(SYMBOLS_REFRESH_INTERVAL_MS);
    }

    public SymbolSelection symbolSelection() {
        return new SymbolSelection(java.util.Set.copyOf(getList(SYMBOLS_CONTRACT_TYPES)), getString(SYMBOLS_STATUS),
                java.util.Set.copyOf(getList(SYMBOLS_QUOTE_ASSETS)), java.util.Set.copyOf(getList(SYMBOLS_MARGIN_ASSETS)),
                symbolPatterns());
    }

    public SymbolSelection.SymbolPatterns symbolPatterns() {
        return SymbolSelection.SymbolPatterns.of(getString(SYMBOLS_INCLUDE), getString(SYMBOLS_EXCLUDE));
    }

    /** In all-market mode: whether events of the other market (by their st) are written too. */
    public boolean writesBothMarkets() {
        return getString(ALL_MARKET_MARKETS).trim().equalsIgnoreCase(MARKETS_BOTH);
    }

    public StreamMode streamMode() {
        return ConfigEnums.parse(StreamMode.class, getString(STREAM_MODE));
    }

    public List<String> symbols() {
        return getList(SYMBOLS);
    }

    public int streamsPerConnection() {
        return getInt(STREAMS_PER_CONNECTION);
    }

    public int connectionsPerStream() {
        return getInt(CONNECTIONS_PER_STREAM);
    }

    public long readPauseMaxMs() {
        return getLong(READ_PAUSE_MAX_MS);
    }

    public int maxFrameBytes() {
        return getInt(MAX_FRAME_BYTES);
    }

    public long handshakeTimeoutMs() {
        return getLong(HANDSHAKE_TIMEOUT_MS);
    }

    public long reconnectBackoffInitialMs() {
        return getLong(RECONNECT_BACKOFF_INITIAL_MS);
    }

    public long reconnectBackoffMaxMs() {
        return getLong(RECONNECT_BACKOFF_MAX_MS);
    }

    public long pingIntervalMs() {
        return getLong(PING_INTERVAL_MS);
    }

    public long pongTimeoutMs() {
        return getLong(PONG_TIMEOUT_MS);
    }

    /** The canary stream to add to each connection, or null when switched off. */
    public String canaryStream() {
        String configured = getString(CANARY_STREAM).trim();
        if (configured.equalsIgnoreCase(CANARY_NONE)) {
            return null;
        }
        if (configured.equalsIgnoreCase(CANARY_AUTO)) {
            return binanceMarket().canaryStream();
        }
        return configured;
    }

    public long canaryTimeoutMs() {
        return getLong(CANARY_TIMEOUT_MS);
    }

    public int canaryMaxSilentConnections() {
        return getInt(CANARY_MAX_SILENT_CONNECTIONS);
    }

    public long connectionMaxAgeMs() {
        return getLong(CONNECTION_MAX_AGE_MS);
    }

    public int attemptsPerSecond() {
        return getInt(ATTEMPTS_PER_SECOND);
    }

    public int attemptsPerFiveMinutes() {
        return getInt(ATTEMPTS_PER_FIVE_MINUTES);
    }

    public String trustStorePath() {
        return getString(TRUSTSTORE_PATH).trim();
    }

    public Password trustStorePassword() {
        return getPassword(TRUSTSTORE_PASSWORD);
    }

    public String trustStoreType() {
        return getString(TRUSTSTORE_TYPE);
    }

    public String topic() {
        return getString(TOPIC);
    }

    public String gapsTopic() {
        String configured = getString(GAPS_TOPIC).trim();
        return configured.isEmpty() ? topic() + ".gaps" : configured;
    }

    public String coverageTopic() {
        String configured = getString(COVERAGE_TOPIC).trim();
        return configured.isEmpty() ? topic() + ".coverage" : configured;
    }

    public long coverageIntervalMs() {
        return getLong(COVERAGE_INTERVAL_MS);
    }

    public DecimalHandlingMode decimalHandlingMode() {
        return ConfigEnums.parse(DecimalHandlingMode.class, getString(DECIMAL_HANDLING_MODE));
    }

    public MalformedEventBehavior behaviorOnMalformedEvent() {
        return ConfigEnums.parse(MalformedEventBehavior.class, getString(BEHAVIOR_ON_MALFORMED_EVENT));
    }

    public int queueCapacity() {
        return getInt(QUEUE_CAPACITY);
    }

    public int maxBatchSize() {
        return getInt(MAX_BATCH_SIZE);
    }

    public ProxySettings proxy() {
        return new ProxySettings(ConfigEnums.parse(ProxyType.class, getString(PROXY_TYPE)), getString(PROXY_HOST),
                getInt(PROXY_PORT), getString(PROXY_USERNAME), getPassword(PROXY_PASSWORD));
    }
}
