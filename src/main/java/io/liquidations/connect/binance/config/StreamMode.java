package io.liquidations.connect.binance.config;

/** Which Binance liquidation streams a connector follows; configured as {@code symbols} or {@code all-market}. */
public enum StreamMode {
    /** One {@code <symbol>@forceOrder} stream per configured symbol, spread over the tasks. */
    SYMBOLS,
    /** The single all-market {@code !forceOrder@arr} stream, read by one task. */
    ALL_MARKET
}
