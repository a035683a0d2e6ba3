package io.liquidations.connect.binance.filter;

import io.liquidations.connect.binance.decode.DecodedFrame;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.discovery.SymbolSelection.SymbolPatterns;
import java.util.ArrayList;
import java.util.List;

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

    /** The frame with only the liquidations to write; other frames unchanged. */
    public DecodedFrame apply(DecodedFrame frame) {
        if (this == NONE || !(frame instanceof DecodedFrame.Liquidations liquidations)) {
            return frame;
        }
        List<ForceOrderEvent> kept = new ArrayList<>(liquidations.events().size());
        for (ForceOrderEvent event : liquidations.events()) {
            if (keeps(event)) {
                kept.add(event);
            }
        }
        return kept.size() == liquidations.events().size() ? frame
                : new DecodedFrame.Liquidations(liquidations.stream(), kept);
    }
}
