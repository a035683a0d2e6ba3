package io.liquidations.connect.binance.quickstart;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The last minute's liquidated notional, longs against shorts (a SELL liquidates a long), so a cascade shows at a
 * glance. By trade time: a liquidation counts while its trade time is within the window before "now". Sums are
 * exact (BigDecimal, added and subtracted as liquidations enter and leave the window).
 */
final class MarketPulse {
    private final Duration window;
    private final PriorityQueue<Liquidation> inWindow = new PriorityQueue<>(
            Comparator.comparing(Liquidation::tradeTime));
    private BigDecimal longs = BigDecimal.ZERO;
    private BigDecimal shorts = BigDecimal.ZERO;
    private int longCount;
    private int shortCount;

    MarketPulse(Duration window) {
        this.window = window;
    }

    record Snapshot(Duration window, BigDecimal longsLiquidated, int longCount, BigDecimal shortsLiquidated,
            int shortCount) {
    }

    void add(Liquidation liquidation, Instant now) {
        if (liquidation.tradeTime().isBefore(now.minus(window))) {
            return;
        }
        inWindow.add(liquidation);
        if (liquidation.liquidatesALong()) {
            longs = longs.add(liquidation.notional());
            longCount++;
        } else {
            shorts = shorts.add(liquidation.notional());
            shortCount++;
        }
    }

    Snapshot snapshot(Instant now) {
        Instant start = now.minus(window);
        while (!inWindow.isEmpty() && inWindow.peek().tradeTime().isBefore(start)) {
            Liquidation old = inWindow.poll();
            if (old.liquidatesALong()) {
                longs = longs.subtract(old.notional());
                longCount--;
            } else {
                shorts = shorts.subtract(old.notional());
                shortCount--;
            }
        }
        return new Snapshot(window, longs, longCount, shorts, shortCount);
    }
}
