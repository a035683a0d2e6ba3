package io.liquidations.connect.binance.stream;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** Binance's stream names and the combined-stream URL that subscribes a connection to them at connect time. */
public final class StreamNames {
    public static final String ALL_MARKET_STREAM = "!forceOrder@arr";
    private static final String FORCE_ORDER_SUFFIX = "@forceOrder";

    private StreamNames() {
    }

    /** Binance refuses upper-case symbols in stream names. */
    public static String forceOrderStream(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + FORCE_ORDER_SUFFIX;
    }

    /** {@code <base>/stream?streams=a/b/c}; the names are validated, so they need no escaping. */
    public static URI combinedStreamUri(String baseUrl, List<String> streams) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return URI.create(base + "/stream?streams=" + String.join("/", streams));
    }
}
