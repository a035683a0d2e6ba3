package io.liquidations.connect.binance.quickstart;

import java.math.BigDecimal;
import java.time.Instant;

/** What the live view shows of a liquidation, whatever format it was read in. Decimals exact. */
record Liquidation(Instant tradeTime, String symbol, String side, BigDecimal quantity, BigDecimal price,
        BigDecimal filledQuantity) {

    /** Price × filled quantity, exact. */
    BigDecimal notional() {
        return price.multiply(filledQuantity);
    }

    /** A SELL liquidation closes a long position; a BUY closes a short. */
    boolean liquidatesALong() {
        return "SELL".equals(side);
    }
}
