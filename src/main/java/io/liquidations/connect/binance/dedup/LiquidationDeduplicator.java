package io.liquidations.connect.binance.dedup;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drops a liquidation seen a second time. Binance gives events no id, and two sockets open for the same streams
 * (a planned rotation, where the new socket opens before the old one closes, or a reconnect race) deliver the
 * same liquidation twice. The natural key is (symbol, T, S, q, p, ap, z), plus {@code st} when present; decimals
 * are compared by value, so {@code "3.80300"} and {@code "3.803"} are the same price.
 *
 * <p>Memory is bounded twice. A key is remembered for {@code windowMillis} after its first sighting, which needs
 * to cover only the overlap of two sockets: seconds in practice. And at most {@code maxEntries} keys are kept;
 * past that the oldest is forgotten early and {@link #evictedByCap()} counts it, because then the effective window
 * was shorter than configured. Both are oldest-first in insertion order, so each call costs O(1) amortised.
 *
 * <p>The trade-off: a copy that arrives after its key was forgotten (expired or evicted) is accepted as new. And
 * two genuinely distinct liquidations with equal keys would be merged into one; Binance pushes at most one
 * liquidation per symbol per second, so equal trade time, side, sizes and prices mean the same event.
 *
 * <p>Not thread-safe: meant for a task's single socket thread (all of a task's connections share one event
 * loop). Read the counters on that thread, or after it has stopped.
 */
public final class LiquidationDeduplicator {
    /** Covers socket overlaps and reconnect races with a wide margin. */
    public static final long DEFAULT_WINDOW_MS = 10 * 60 * 1000L;
    /**
     * 166 liquidations a second sustained over the whole default window. A market-wide cascade on the all-market
     * stream can exceed that for a while; {@link #evictedByCap()} then shows the window shrank, which is harmless
     * as long as it still spans the seconds two sockets overlap.
     */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final long windowMillis;
    private final int maxEntries;
    /** Key → time of its first sighting, oldest first. */
    private final LinkedHashMap<Key, Long> seen = new LinkedHashMap<>();
    private long duplicatesDropped;
    private long evictedByCap;

    public LiquidationDeduplicator() {
        this(DEFAULT_WINDOW_MS, DEFAULT_MAX_ENTRIES);
    }

    public LiquidationDeduplicator(long windowMillis, int maxEntries) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("windowMillis must be positive, was " + windowMillis);
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        this.windowMillis = windowMillis;
        this.maxEntries = maxEntries;
    }

    /**
     * @param nowMillis the caller's clock, e.g. the frame's receive time. Keys are expired in insertion order, so
     *     a clock that steps back only delays expiry; it never drops a key early.
     * @return true the first time the event's key is seen within the window; false for a repeat, which is counted
     */
    public boolean firstSighting(ForceOrderEvent event, long nowMillis) {
        expire(nowMillis);
        Key key = Key.of(event);
        if (seen.containsKey(key)) {
            duplicatesDropped++;
            return false;
        }
        seen.put(key, nowMillis);
        if (seen.size() > maxEntries) {
            Iterator<Key> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
            evictedByCap++;
        }
        return true;
    }

    private void expire(long nowMillis) {
        long expiredAtOrBefore = nowMillis - windowMillis;
        Iterator<Map.Entry<Key, Long>> oldestFirst = seen.entrySet().iterator();
        while (oldestFirst.hasNext() && oldestFirst.next().getValue() <= expiredAtOrBefore) {
            oldestFirst.remove();
        }
    }

    /** Repeats dropped so far. */
    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    /** Keys forgotten before their window ended because the cap was reached. */
    public long evictedByCap() {
        return evictedByCap;
    }

    /** Keys remembered now (expiry happens on the next {@link #firstSighting}). */
    public int size() {
        return seen.size();
    }

    public long windowMillis() {
        return windowMillis;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** Decimals without trailing zeros: {@code BigDecimal.equals} then compares by value. */
    private record Key(String symbol, long tradeTime, String side, BigDecimal quantity, BigDecimal price,
            BigDecimal averagePrice, BigDecimal filledAccumulatedQuantity, Integer marketType) {

        static Key of(ForceOrderEvent event) {
            return new Key(event.symbol(), event.tradeTime(), event.side(), canonical(event.quantity()),
                    canonical(event.price()), canonical(event.averagePrice()),
                    canonical(event.filledAccumulatedQuantity()), event.marketType());
        }

        private static BigDecimal canonical(BigDecimal value) {
            return value == null ? null : value.stripTrailingZeros();
        }
    }
}
