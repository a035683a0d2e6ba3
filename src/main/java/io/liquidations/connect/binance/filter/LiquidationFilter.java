package io.liquidations.connect.binance.filter;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.discovery.SymbolSelection.SymbolPatterns;

/**
 * Decides which liquidations of the all-market stream are written. Since 2026-06-30 {@code !forceOrder@arr}
 * carries both markets, each event marked by {@code st}; a connector keeps its own market's events (unless told to
 * keep both), so that one connector per host never writes the same event twice. Then the include and exclude
 * patterns decide by symbol. What is left out is counted, by reason, and never written.
 */
public final class LiquidationFilter {
    /** Why an event was left out; also the {@code reason} tag of its metric. */
    public enum Reason {
        SYMBOL("symbol"), OTHER_MARKET("other-market");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** Told of every event left out. */
    @FunctionalInterface
    public interface Counter {
        void filtered(Reason reason);
    }

    /** Keeps everything: the per-symbol streams carry only what was asked for. */
    public static final LiquidationFilter NONE = new LiquidationFilter(SymbolPatterns.NONE, null, reason -> { });

    private final SymbolPatterns patterns;
    private final Integer ownMarketType;
    private final Counter counter;

    /**
     * @param ownMarketType the {@code st} of the connector's market, whose events (and those without {@code st})
     *     are kept; null keeps every market
     */
    public LiquidationFilter(SymbolPatterns patterns, Integer ownMarketType, Counter counter) {
        this.patterns = patterns;
        this.ownMarketType = ownMarketType;
        this.counter = counter;
    }

    public boolean keeps(ForceOrderEvent event) {
        if (ownMarketType != null && event.marketType() != null && !event.marketType().equals(ownMarketType)) {
            counter.filtered(Reason.OTHER_MARKET);
            return false;
        }
        if (!patterns.keeps(event.symbol())) {
            counter.filtered(Reason.SYMBOL);
            return false;
        }
        return true;
    }

    /**
     * An event that could not be read is reported as a gap, unless its symbol is one this connector leaves out
     * anyway; then it is counted as filtered.
     *
     * @param symbol null when even the symbol could not be read
     */
    public boolean keepsUnreadable(String symbol) {
        if (symbol == null || patterns.keeps(symbol)) {
            return true;
        }
        counter.filtered(Reason.SYMBOL);
        return false;
    }
}
