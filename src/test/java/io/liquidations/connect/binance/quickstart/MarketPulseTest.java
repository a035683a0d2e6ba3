package io.liquidations.connect.binance.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MarketPulseTest {
    private static final Instant NOW = Instant.parse("2026-06-30T12:00:00Z");

    @Test
    void sumsLongAndShortNotionalExactlyWithinTheWindowByTradeTime() {
        MarketPulse pulse = new MarketPulse(Duration.ofSeconds(60));
        // 0.1 + 0.2 in binary floating point is 0.30000000000000004; here it must be exact.
        pulse.add(liquidation(NOW.minusSeconds(50), "SELL", "0.1", "1"), NOW);
        pulse.add(liquidation(NOW.minusSeconds(10), "SELL", "0.2", "1"), NOW);
        pulse.add(liquidation(NOW.minusSeconds(5), "BUY", "90735.7", "0.074"), NOW);
        pulse.add(liquidation(NOW.minusSeconds(61), "BUY", "1000", "1"), NOW); // already outside

        MarketPulse.Snapshot now = pulse.snapshot(NOW);
        assertEquals(0, new BigDecimal("0.3").compareTo(now.longsLiquidated()), now.toString());
        assertEquals(2, now.longCount());
        assertEquals(new BigDecimal("6714.4418"), now.shortsLiquidated());
        assertEquals(1, now.shortCount());

        // 15 s later the first long (traded 65 s before) has left the window; nothing else has.
        MarketPulse.Snapshot later = pulse.snapshot(NOW.plusSeconds(15));
        assertEquals(0, new BigDecimal("0.2").compareTo(later.longsLiquidated()), later.toString());
        assertEquals(1, later.longCount());
        assertEquals(1, later.shortCount());

        MarketPulse.Snapshot empty = pulse.snapshot(NOW.plusSeconds(120));
        assertEquals(0, empty.longsLiquidated().signum());
        assertEquals(0, empty.shortsLiquidated().signum());
        assertEquals(0, empty.longCount() + empty.shortCount());
    }

    @Test
    void outOfOrderArrivalsLeaveTheWindowByTheirOwnTradeTime() {
        MarketPulse pulse = new MarketPulse(Duration.ofSeconds(60));
        pulse.add(liquidation(NOW.minusSeconds(5), "SELL", "2", "1"), NOW);
        pulse.add(liquidation(NOW.minusSeconds(55), "SELL", "3", "1"), NOW); // older, arrived later
        MarketPulse.Snapshot snapshot = pulse.snapshot(NOW.plusSeconds(10));
        assertEquals(new BigDecimal("2"), snapshot.longsLiquidated());
        assertEquals(1, snapshot.longCount());
    }

    static Liquidation liquidation(Instant tradeTime, String side, String price, String filled) {
        return new Liquidation(tradeTime, "BTCUSDT", side, new BigDecimal(filled), new BigDecimal(price),
                new BigDecimal(filled));
    }
}
