package io.liquidations.connect.binance.record;

/** How the decimal strings Binance sends for prices and quantities are typed in records. */
public enum DecimalHandlingMode {
    /** Connect {@code Decimal} with a fixed scale: exact, and typed for Avro and ksqlDB. */
    PRECISE,
    /** The exchange's string, unchanged (trailing zeros included). */
    STRING,
    /** Binary floating point: lossy, only for users who ask for it. */
    DOUBLE
}
