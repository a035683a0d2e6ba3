package io.liquidations.connect.binance.dedup;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
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
        Key key = Key.of(event);
        if (seenBefore(key, nowMillis)) {
            return false;
        }
        remember(key, nowMillis);
        return true;
    }

    /**
     * Whether {@code key} was remembered within the window; a repeat is counted. Split from {@link #remember} so that a
     * caller can skip the work on a repeat and still mark an event seen only once it has been written.
     */
    public boolean seenBefore(Key key, long nowMillis) {
        expire(nowMillis);
        if (seen.containsKey(key)) {
            duplicatesDropped++;
            return true;
        }
        return false;
    }

    /** Marks {@code key} seen from {@code nowMillis} on. */
    public void remember(Key key, long nowMillis) {
        seen.put(key, nowMillis);
        if (seen.size() > maxEntries) {
            Iterator<Key> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
            evictedByCap++;
        }
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

    /**
     * The identity of a liquidation. Decimals are compared by value for plain literals ({@code "3.80300"} and
     * {@code "3.803"} are one price) by stripping trailing fraction zeros from the text, which costs no parsing;
     * exponent forms, which Binance does not send, are compared as written.
     */
    public record Key(String symbol, long tradeTime, String side, String quantity, String price,
            String averagePrice, String filledAccumulatedQuantity, Integer marketType) {

        public static Key of(ForceOrderEvent event) {
            return new Key(event.symbol(), event.tradeTime(), event.side(), canonical(event.quantity()),
                    canonical(event.price()), canonical(event.averagePrice()),
                    canonical(event.filledAccumulatedQuantity()), event.marketType());
        }

        static String canonical(String decimal) {
            if (decimal == null || decimal.indexOf('.') < 0 || decimal.indexOf('e') >= 0 || decimal.indexOf('E') >= 0) {
                return decimal;
            }
            int end = decimal.length();
            while (decimal.charAt(end - 1) == '0') {
                end--;
            }
            if (decimal.charAt(end - 1) == '.') {
                end--;
            }
            return end == decimal.length() ? decimal : decimal.substring(0, end);
        }
    }
}
