package io.liquidations.connect.binance.decode;

/**
 * One liquidation as Binance published it. Decimals are the exchange's text, checked to be a decimal literal of a
 * sane length but not parsed: {@code "3.80300"} stays {@code "3.80300"} and {@code "1e999999999"} costs nothing until
 * a record type that needs its value looks at it. {@code pair} and {@code marketType} are null when absent.
 */
public record ForceOrderEvent(
        String eventType,
        long eventTime,
        String symbol,
        String pair,
        String side,
        String orderType,
        String timeInForce,
        String quantity,
        String price,
        String averagePrice,
        String status,
        String lastFilledQuantity,
        String filledAccumulatedQuantity,
        long tradeTime,
        Integer marketType) {
}
