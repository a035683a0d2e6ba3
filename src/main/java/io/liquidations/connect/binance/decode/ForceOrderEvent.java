package io.liquidations.connect.binance.decode;

import java.math.BigDecimal;

/**
 * One liquidation as Binance published it. Decimals keep the exchange's exact digits and scale
 * ({@code "3.80300"} stays {@code 3.80300}); {@code pair} and {@code marketType} are null when absent.
 */
public record ForceOrderEvent(
        String eventType,
        long eventTime,
        String symbol,
        String pair,
        String side,
        String orderType,
        String timeInForce,
        BigDecimal quantity,
        BigDecimal price,
        BigDecimal averagePrice,
        String status,
        BigDecimal lastFilledQuantity,
        BigDecimal filledAccumulatedQuantity,
        long tradeTime,
        Integer marketType) {
}
