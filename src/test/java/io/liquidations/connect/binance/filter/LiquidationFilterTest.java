package io.liquidations.connect.binance.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.liquidations.connect.binance.decode.DecodedFrame;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.discovery.SymbolSelection.SymbolPatterns;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiquidationFilterTest {
    private final List<LiquidationFilter.Reason> counted = new ArrayList<>();

    private static ForceOrderEvent event(String symbol, Integer st) {
        BigDecimal one = BigDecimal.ONE;
        return new ForceOrderEvent("forceOrder", 1, symbol, null, "SELL", "LIMIT", "IOC", one, one, one, "FILLED", one,
                one, 1, st);
    }

    @Test
    void keepsItsOwnMarketThenTheIncludedSymbolsAndCountsTheRest() {
        LiquidationFilter filter = new LiquidationFilter(SymbolPatterns.of("(btc|eth).*", ".*_\\d{6}"), 1,
                counted::add);
        DecodedFrame frame = new DecodedFrame.Liquidations("!forceOrder@arr", List.of(event("BTCUSDT", 1),
                event("BTCUSD_PERP", 2), event("SOLUSDT", 1), event("ETHUSDT_260925", 1), event("ETHUSDT", null)));
        DecodedFrame.Liquidations kept = (DecodedFrame.Liquidations) filter.apply(frame);
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), kept.events().stream().map(ForceOrderEvent::symbol).toList());
        assertEquals(List.of(LiquidationFilter.Reason.OTHER_MARKET, LiquidationFilter.Reason.SYMBOL,
                LiquidationFilter.Reason.SYMBOL), counted);
        assertEquals("!forceOrder@arr", kept.stream());
    }

    @Test
    void bothMarketsWhenAskedAndOtherFramesUntouched() {
        LiquidationFilter both = new LiquidationFilter(SymbolPatterns.NONE, null, counted::add);
        DecodedFrame frame = new DecodedFrame.Liquidations("!forceOrder@arr", List.of(event("BTCUSDT", 1),
                event("BTCUSD_PERP", 2)));
        assertSame(frame, both.apply(frame));
        DecodedFrame reply = new DecodedFrame.NotLiquidation(null, "reply");
        assertSame(reply, new LiquidationFilter(SymbolPatterns.of("X", ""), 2, counted::add).apply(reply));
        assertEquals(List.of(), counted);
    }
}
