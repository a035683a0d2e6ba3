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
            if (!allMarket && list.isEmpty()) {
                problems.add(new Problem(LiquidationSourceConfig.SYMBOLS, "symbols is empty: list the contracts to"
                        + " follow, e.g. symbols=BTCUSDT,ETHUSDT, or set stream.mode=all-market to follow every"
                        + " contract"));
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
