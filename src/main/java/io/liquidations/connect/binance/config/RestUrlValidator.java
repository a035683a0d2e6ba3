package io.liquidations.connect.binance.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Empty, or an {@code http(s)://} base URL with a host and neither query nor fragment. */
public final class RestUrlValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) {
            return;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(name, text, "not a valid URL (" + e.getReason()
                    + "); use a base URL such as https://fapi.binance.com");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(name, text, "the scheme must be https (or http); use a base URL such as"
                    + " https://fapi.binance.com");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(name, text, "give the base URL with a host and nothing after it, e.g."
                    + " https://fapi.binance.com: the connector appends /fapi/v1/exchangeInfo itself");
        }
    }

    @Override
    public String toString() {
        return "empty, or a base URL such as https://fapi.binance.com";
    }
}
