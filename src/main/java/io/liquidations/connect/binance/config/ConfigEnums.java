package io.liquidations.connect.binance.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Spells enum constants the way configs do: lower case with dashes ({@code ALL_MARKET} is {@code all-market}). */
public final class ConfigEnums {
    private ConfigEnums() {
    }

    public static String configValue(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static String[] configValues(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigEnums::configValue).toArray(String[]::new);
    }

    /** Accepts the config spellings of {@code type}'s constants, in any case; lists them in lower case. */
    public static ConfigDef.Validator validator(Class<? extends Enum<?>> type) {
        List<String> allowed = List.of(configValues(type));
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String text = value == null ? "" : value.toString().trim().toLowerCase(Locale.ROOT);
                if (!allowed.contains(text)) {
                    throw new ConfigException(name, value, "must be one of " + allowed);
                }
            }

            @Override
            public String toString() {
                return allowed.toString();
            }
        };
    }

    /** Case-insensitive; the config validators have already refused anything else. */
    public static <E extends Enum<E>> E parse(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
