package io.liquidations.connect.binance.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Rules that involve more than one setting, shared by {@code validate()} (errors attached to the field the user
 * must change) and by {@code start()} (so a config that skipped validation still cannot start).
 */
public final class CrossFieldValidation {

    /** One broken rule, named by the field to change. */
    public record Problem(String field, String message) {
    }

    private CrossFieldValidation() {
    }

    /** Checks parsed values; a value that failed its own validator is absent or null and its rules are skipped. */
    public static List<Problem> problems(Map<String, ?> parsed) {
        List<Problem> problems = new ArrayList<>();
        Object mode = parsed.get(LiquidationSourceConfig.STREAM_MODE);
        Object symbols = parsed.get(LiquidationSourceConfig.SYMBOLS);
        if (mode != null && symbols instanceof List<?> list) {
            boolean allMarket = ConfigEnums.parse(StreamMode.class, mode.toString()) == StreamMode.ALL_MARKET;
            if (!allMarket && list.isEmpty() && !discovers(parsed)) {
                problems.add(new Problem(LiquidationSourceConfig.SYMBOLS, "symbols is empty: list the contracts to"
                        + " follow, e.g. symbols=BTCUSDT,ETHUSDT, set symbols.discovery=exchangeInfo to follow what"
                        + " the exchange lists, or set stream.mode=all-market to follow every contract"));
            }
            if (allMarket && !list.isEmpty()) {
                problems.add(new Problem(LiquidationSourceConfig.SYMBOLS, "stream.mode=all-market follows every"
                        + " contract on !forceOrder@arr: leave symbols empty, or set stream.mode=symbols to follow"
                        + " only the listed ones"));
            }
        }
        Object initial = parsed.get(LiquidationSourceConfig.RECONNECT_BACKOFF_INITIAL_MS);
        Object max = parsed.get(LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS);
        if (initial instanceof Long first && max instanceof Long cap && first > cap) {
            problems.add(new Problem(LiquidationSourceConfig.RECONNECT_BACKOFF_MAX_MS, "reconnect.backoff.max.ms ("
                    + cap + ") is below reconnect.backoff.initial.ms (" + first + "): raise it to at least " + first));
        }
        Object perConnection = parsed.get(LiquidationSourceConfig.STREAMS_PER_CONNECTION);
        Object canary = parsed.get(LiquidationSourceConfig.CANARY_STREAM);
        if (perConnection instanceof Integer streams && canary != null
                && !canary.toString().trim().equalsIgnoreCase(LiquidationSourceConfig.CANARY_NONE)
                && streams >= LiquidationSourceConfig.MAX_STREAMS_PER_CONNECTION) {
            int room = LiquidationSourceConfig.MAX_STREAMS_PER_CONNECTION - 1;
            problems.add(new Problem(LiquidationSourceConfig.STREAMS_PER_CONNECTION, "streams.per.connection="
                    + streams + " leaves no room for the canary stream (canary.stream) on a connection, and Binance"
                    + " allows " + LiquidationSourceConfig.MAX_STREAMS_PER_CONNECTION + " streams in all: use at most "
                    + room + ", or canary.stream=none"));
        }
        problems.addAll(proxyProblems(parsed));
        problems.addAll(symbolSourceProblems(parsed));
        return problems;
    }

    private static boolean discovers(Map<String, ?> parsed) {
        return parsed.get(LiquidationSourceConfig.SYMBOLS_DISCOVERY) instanceof String discovery
                && discovery.trim().equalsIgnoreCase(LiquidationSourceConfig.EXCHANGE_INFO);
    }

    /**
     * Where the symbols come from: a list, discovery, or the all-market stream, never two at once; filters only
     * where there is something to filter; discovery needs a REST URL.
     */
    static List<Problem> symbolSourceProblems(Map<String, ?> parsed) {
        List<Problem> problems = new ArrayList<>();
        Object mode = parsed.get(LiquidationSourceConfig.STREAM_MODE);
        if (mode == null) {
            return problems;
        }
        boolean allMarket = ConfigEnums.parse(StreamMode.class, mode.toString()) == StreamMode.ALL_MARKET;
        boolean discovery = discovers(parsed);
        if (discovery && allMarket) {
            problems.add(new Problem(LiquidationSourceConfig.SYMBOLS_DISCOVERY, "stream.mode=all-market already"
                    + " follows every contract: set symbols.discovery=none and choose what is written with"
                    + " symbols.include and symbols.exclude"));
        } else if (discovery && parsed.get(LiquidationSourceConfig.SYMBOLS) instanceof List<?> list
                && !list.isEmpty()) {
            problems.add(new Problem(LiquidationSourceConfig.SYMBOLS, "symbols.discovery=exchangeInfo builds the"
                    + " symbol list itself: leave symbols empty and narrow the list with symbols.include,"
                    + " symbols.exclude and the other symbols.* filters, or set symbols.discovery=none"));
        }
        if (!discovery && !allMarket) {
            for (String key : List.of(LiquidationSourceConfig.SYMBOLS_INCLUDE, LiquidationSourceConfig.SYMBOLS_EXCLUDE)) {
                if (parsed.get(key) instanceof String pattern && !pattern.isBlank()) {
                    problems.add(new Problem(key, key + " filters discovered symbols or the all-market stream, but"
                            + " symbols are listed explicitly here: edit symbols instead, or set"
                            + " symbols.discovery=exchangeInfo"));
                }
            }
        }
        Object market = parsed.get(LiquidationSourceConfig.MARKET);
        if (discovery && market != null && parsed.get(LiquidationSourceConfig.TESTNET) instanceof Boolean testnet
                && LiquidationSourceConfig.restUrl((String) parsed.get(LiquidationSourceConfig.REST_URL),
                        (String) parsed.get(LiquidationSourceConfig.WS_URL), BinanceMarket.fromConfig(market.toString()),
                        testnet) == null) {
            problems.add(new Problem(LiquidationSourceConfig.REST_URL, "symbols.discovery=exchangeInfo needs"
                    + " exchangeInfo, and binance.ws.url is not on a Binance host whose REST URL is known: set"
                    + " binance.rest.url, e.g. https://fapi.binance.com"));
        }
        return problems;
    }

    /**
     * The proxy needs an address, credentials come in pairs, and an address without a type is a mistake rather than
     * a wish to connect directly. Problems are never attached to proxy.password with its value: only names.
     */
    static List<Problem> proxyProblems(Map<String, ?> parsed) {
        List<Problem> problems = new ArrayList<>();
        Object type = parsed.get(LiquidationSourceConfig.PROXY_TYPE);
        Object host = parsed.get(LiquidationSourceConfig.PROXY_HOST);
        Object port = parsed.get(LiquidationSourceConfig.PROXY_PORT);
        Object username = parsed.get(LiquidationSourceConfig.PROXY_USERNAME);
        boolean hasHost = host instanceof String text && !text.isBlank();
        boolean hasUser = username instanceof String text && !text.isEmpty();
        boolean hasPassword = parsed.get(LiquidationSourceConfig.PROXY_PASSWORD)
                instanceof org.apache.kafka.common.config.types.Password password && !password.value().isEmpty();
        if (type == null) {
            return problems;
        }
        boolean none = ConfigEnums.parse(io.liquidations.connect.binance.proxy.ProxyType.class, type.toString())
                == io.liquidations.connect.binance.proxy.ProxyType.NONE;
        if (none) {
            if (hasHost || hasUser || hasPassword) {
                problems.add(new Problem(LiquidationSourceConfig.PROXY_TYPE, "proxy.type is none, so proxy.host,"
                        + " proxy.username and proxy.password would be ignored: set proxy.type=http or"
                        + " proxy.type=socks5 to use the proxy, or remove the proxy settings"));
            }
            return problems;
        }
        if (!hasHost) {
            problems.add(new Problem(LiquidationSourceConfig.PROXY_HOST, "proxy.type is " + type + " but proxy.host"
                    + " is empty: set it to the proxy's host name or address"));
        }
        if (port instanceof Integer number && number == 0) {
            problems.add(new Problem(LiquidationSourceConfig.PROXY_PORT, "proxy.type is " + type + " but proxy.port"
                    + " is not set: set it to the proxy's port, e.g. 3128 for HTTP or 1080 for SOCKS5"));
        }
        if (hasUser && !hasPassword) {
            problems.add(new Problem(LiquidationSourceConfig.PROXY_PASSWORD, "proxy.username is set but"
                    + " proxy.password is empty: set the password too (or remove proxy.username)"));
        }
        if (hasPassword && !hasUser) {
            problems.add(new Problem(LiquidationSourceConfig.PROXY_USERNAME, "proxy.password is set but"
                    + " proxy.username is empty: the proxy needs the user name the password belongs to"));
        }
        return problems;
    }

    /** Attaches each problem to its field in a {@code validate()} result. */
    public static Config addTo(Config config) {
        Map<String, ConfigValue> byName = config.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, Function.identity()));
        Map<String, Object> parsed = new java.util.HashMap<>();
        byName.forEach((name, value) -> {
            if (value.errorMessages().isEmpty()) {
                parsed.put(name, value.value());
            }
        });
        for (Problem problem : problems(parsed)) {
            byName.get(problem.field()).addErrorMessage(problem.message());
        }
        return config;
    }

    /** For {@code start()}: refuses the first problem. */
    public static void ensureValid(LiquidationSourceConfig config) {
        List<Problem> problems = problems(config.values());
        if (!problems.isEmpty()) {
            Problem first = problems.get(0);
            throw new ConfigException(first.field(), config.originals().get(first.field()), first.message());
        }
    }
}
