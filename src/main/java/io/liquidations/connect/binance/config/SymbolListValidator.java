package io.liquidations.connect.binance.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Accepts only plain contract names. A symbol becomes part of the stream URL, so anything beyond
 * {@code [A-Za-z0-9_]} could smuggle another stream in ({@code btcusdt/ethusdt@depth}); and two spellings
 * of one symbol would subscribe it twice and duplicate every event.
 */
public final class SymbolListValidator implements ConfigDef.Validator {
    static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9_]{1,40}");

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> symbols = (List<String>) value;
        Map<String, String> seen = new HashMap<>();
        for (String symbol : symbols) {
            if (!SYMBOL.matcher(symbol).matches()) {
                throw new ConfigException(name, symbol, "each symbol must be 1 to 40 letters, digits or underscores,"
                        + " e.g. BTCUSDT or BTCUSD_PERP; remove stream suffixes, slashes and spaces");
            }
            String folded = symbol.toUpperCase(Locale.ROOT);
            String earlier = seen.putIfAbsent(folded, symbol);
            if (earlier != null) {
                throw new ConfigException(name, symbol, "symbols are case-insensitive and '" + earlier + "' and '"
                        + symbol + "' name the same contract; list each symbol once");
            }
        }
    }

    @Override
    public String toString() {
        return "comma-separated contract symbols matching [A-Za-z0-9_]{1,40}, each listed once (case-insensitive)";
    }
}
