package io.liquidations.connect.binance.config;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Catches an illegal topic name at validation time instead of as a producer error after the first liquidation. */
public final class TopicNameValidator implements ConfigDef.Validator {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private final boolean emptyAllowed;

    public TopicNameValidator() {
        this(false);
    }

    /** @param emptyAllowed whether an empty value (meaning "derive the name") is accepted */
    public TopicNameValidator(boolean emptyAllowed) {
        this.emptyAllowed = emptyAllowed;
    }

    @Override
    public void ensureValid(String name, Object value) {
        String topic = value == null ? "" : value.toString();
        if (emptyAllowed && topic.isEmpty()) {
            return;
        }
        if (!LEGAL.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new ConfigException(name, topic, "a topic name is 1 to 249 characters of letters, digits, '.', '_'"
                    + " or '-' (and not '.' or '..')");
        }
    }

    @Override
    public String toString() {
        return (emptyAllowed ? "empty, or " : "") + "a Kafka topic name: [a-zA-Z0-9._-]{1,249}";
    }
}
