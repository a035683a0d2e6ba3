package io.liquidations.connect.binance.config;

import java.util.Arrays;
import java.util.Locale;

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

    /** Case-insensitive; the config validators have already refused anything else. */
    public static <E extends Enum<E>> E parse(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
