package io.liquidations.connect.binance.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Accepts a {@code ws://} or {@code wss://} base URL with a host and no query. On the USDⓈ-M host only
 * {@code /market} carries liquidations: the retired path-less URL (and {@code /public}, {@code /private}) still
 * accept connections and subscriptions but send none, which a connector could mistake for a quiet market forever.
 */
public final class WebSocketUrlValidator implements ConfigDef.Validator {
    private static final String USDS_M_HOST = "fstream.binance.com";

    @Override
    public void ensureValid(String name, Object value) {
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) {
            return; // the market's default
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(name, text, "not a valid URL (" + e.getReason()
                    + "); use a WebSocket base URL such as wss://fstream.binance.com/market");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new ConfigException(name, text, "the scheme must be ws or wss (got '" + scheme
                    + "'); use a WebSocket base URL such as wss://fstream.binance.com/market");
        }
        if (uri.getHost() == null) {
            throw new ConfigException(name, text, "the URL has no host; use e.g. wss://fstream.binance.com/market");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(name, text, "give the base URL only, without '?' or '#':"
                    + " the connector appends /stream?streams=... itself");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (uri.getHost().equalsIgnoreCase(USDS_M_HOST) && !path.equals("/market") && !path.equals("/market/")) {
            throw new ConfigException(name, text, (path.isEmpty() || path.equals("/")
                    ? "the path-less URL accepts connections but has sent no liquidations since 2026-04-23"
                    : "on " + USDS_M_HOST + " only the /market path carries liquidations")
                    + "; use wss://fstream.binance.com/market");
        }
    }

    @Override
    public String toString() {
        return "empty for the market's default, or a ws:// or wss:// base URL without query, e.g."
                + " wss://fstream.binance.com/market";
    }
}
