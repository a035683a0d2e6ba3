package io.liquidations.connect.binance.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.discovery.SymbolSelection.SymbolPatterns;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LiquidationFilterTest {
    private final List<LiquidationFilter.Reason> counted = new ArrayList<>();

    private static ForceOrderEvent event(String symbol, Integer st) {
        String one = "1";
        return new ForceOrderEvent("forceOrder", 1, symbol, null, "SELL", "LIMIT", "IOC", one, one, one, "FILLED", one,
                one, 1, st);
    }

    @Test
    void keepsItsOwnMarketThenTheIncludedSymbolsAndCountsTheRest() {
        LiquidationFilter filter = new LiquidationFilter(SymbolPatterns.of("(btc|eth).*", ".*_\\d{6}"), 1,
                counted::add);
        List<String> kept = Stream.of(event("BTCUSDT", 1), event("BTCUSD_PERP", 2), event("SOLUSDT", 1),
                event("ETHUSDT_260925", 1), event("ETHUSDT", null))
                .filter(filter::keeps).map(ForceOrderEvent::symbol).toList();
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), kept);
        assertEquals(List.of(LiquidationFilter.Reason.OTHER_MARKET, LiquidationFilter.Reason.SYMBOL,
                LiquidationFilter.Reason.SYMBOL), counted);
    }

    @Test
    void bothMarketsWhenAsked() {
        LiquidationFilter both = new LiquidationFilter(SymbolPatterns.NONE, null, counted::add);
        assertTrue(both.keeps(event("BTCUSDT", 1)));
        assertTrue(both.keeps(event("BTCUSD_PERP", 2)));
        assertEquals(List.of(), counted);
    }

    /** An unreadable event is reported unless its symbol is left out anyway; one without a symbol always is. */
    @Test
    void unreadableEventsOfExcludedSymbolsAreCountedNotReported() {
        LiquidationFilter filter = new LiquidationFilter(SymbolPatterns.of("btc.*", ""), 1, counted::add);
        assertTrue(filter.keepsUnreadable("BTCUSDT"));
        assertTrue(filter.keepsUnreadable(null));
        assertFalse(filter.keepsUnreadable("SOLUSDT"));
        assertEquals(List.of(LiquidationFilter.Reason.SYMBOL), counted);
    }
}
