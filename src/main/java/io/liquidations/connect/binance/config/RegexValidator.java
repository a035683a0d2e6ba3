package io.liquidations.connect.binance.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Empty, or a Java regular expression that compiles; the error points at the character that broke it. */
public final class RegexValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
        String text = value == null ? "" : value.toString().trim();
        if (text.isEmpty()) {
            return;
        }
        try {
            Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(name, text, "not a valid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " at position " + e.getIndex() : "") + ". Write a Java regular expression"
                    + " matched against the whole symbol, e.g. (BTC|ETH).*USDT, and escape a literal '.' or '(' with"
                    + " a backslash");
        }
    }

    @Override
    public String toString() {
        return "empty, or a Java regular expression matched against the whole symbol, e.g. (BTC|ETH).*USDT";
    }
}
