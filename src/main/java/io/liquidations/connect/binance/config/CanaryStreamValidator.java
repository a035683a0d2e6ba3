package io.liquidations.connect.binance.config;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** 'auto', 'none', or one lower-case stream name: it goes into the URL, so nothing that could add another. */
public final class CanaryStreamValidator implements ConfigDef.Validator {
    private static final Pattern STREAM = Pattern.compile("[a-z0-9_]{1,40}@[A-Za-z0-9@_]{1,40}");

    @Override
    public void ensureValid(String name, Object value) {
        String text = value == null ? "" : value.toString().trim();
        if (text.equalsIgnoreCase(LiquidationSourceConfig.CANARY_AUTO)
                || text.equalsIgnoreCase(LiquidationSourceConfig.CANARY_NONE)) {
            return;
        }
        if (text.toLowerCase(java.util.Locale.ROOT).contains("forceorder")) {
            // Canary frames are never written out: a liquidation stream as the canary would be swallowed whole.
            throw new ConfigException(name, text, "a liquidation (forceOrder) stream cannot be the canary: its frames"
                    + " would never be written; use 'auto', 'none', or a stream that always ticks such as"
                    + " btcusdt@markPrice@1s");
        }
        if (STREAM.matcher(text).matches()) {
            return;
        }
        throw new ConfigException(name, text, "use 'auto', 'none', or one stream name with a lower-case symbol such"
                + " as btcusdt@markPrice@1s (no '/', no spaces)");
    }

    @Override
    public String toString() {
        return "auto, none, or a stream name such as btcusdt@markPrice@1s (not a forceOrder stream)";
    }
}
