package io.liquidations.connect.binance.dedup;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Drops a liquidation seen a second time. Binance gives events no id, and every stream is read on two sockets by
 * default (and on two at once during a rotation or a reconnect race), so the same liquidation arrives twice. The
 * natural key is (symbol, T, S, q, p, ap, z), plus {@code st} when present; decimals are compared by value for plain
 * literals, so {@code "3.80300"} and {@code "3.803"} are the same price (trailing fraction zeros are ignored; exponent
 * forms, which Binance does not send, are compared as written).
 *
 * <p>Memory is bounded twice. A key is remembered for {@code windowMillis} after its first sighting, which needs
 * to cover only the overlap of two sockets: seconds in practice. And at most {@code maxEntries} keys are kept;
 * past that the oldest is forgotten early and {@link #evictedByCap()} counts it, because then the effective window
 * was shorter than configured. Both are oldest-first in insertion order, so each call costs O(1) amortised.
 *
 * <p>Built for the hot path, since every event passes twice: the keys are a 64-bit hash of the key fields in a table
 * of primitives (open addressing), with a ring of (hash, time, event) in insertion order for expiry and the cap; no
 * key object, no boxing, no iterator per call. A hash is only a hint: on a hash match the remembered event's key
 * fields are compared with the new one's, so two distinct liquidations whose hashes collide are both kept. The
 * table and ring start small and grow to {@code maxEntries}.
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
    private static final int INITIAL_CAPACITY = 1_024;

    private final long windowMillis;
    private final int maxEntries;
    private final ToLongFunction<ForceOrderEvent> hash;

    /** The ring, oldest first from {@link #head}: each key's hash, time of first sighting, and event. */
    private long[] hashes;
    private long[] times;
    private ForceOrderEvent[] events;
    private int head;
    private int size;
    /** Open addressing, linear probing: ring index + 1 of the key whose hash lands here, 0 for none. */
    private int[] table;

    /** The hash of the event last asked about: a caller's remember follows its seenBefore. */
    private ForceOrderEvent lastHashed;
    private long lastHash;
    /** The event {@link #seenBefore} last found new, while nothing has changed since: remember need not look again. */
    private ForceOrderEvent knownNew;

    private long duplicatesDropped;
    private long evictedByCap;

    public LiquidationDeduplicator() {
        this(DEFAULT_WINDOW_MS, DEFAULT_MAX_ENTRIES);
    }

    public LiquidationDeduplicator(long windowMillis, int maxEntries) {
        this(windowMillis, maxEntries, LiquidationDeduplicator::keyHash);
    }

    /** With another hash function: for tests that make every key collide. */
    LiquidationDeduplicator(long windowMillis, int maxEntries, ToLongFunction<ForceOrderEvent> hash) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("windowMillis must be positive, was " + windowMillis);
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        this.windowMillis = windowMillis;
        this.maxEntries = maxEntries;
        this.hash = hash;
        allocate(Math.min(maxEntries, INITIAL_CAPACITY));
    }

    /**
     * @param nowMillis the caller's clock, e.g. the frame's receive time. Keys are expired in insertion order, so
     *     a clock that steps back only delays expiry; it never drops a key early.
     * @return true the first time the event's key is seen within the window; false for a repeat, which is counted
     */
    public boolean firstSighting(ForceOrderEvent event, long nowMillis) {
        if (seenBefore(event, nowMillis)) {
            return false;
        }
        remember(event, nowMillis);
        return true;
    }

    /**
     * Whether the event's key was remembered within the window; a repeat is counted. Split from {@link #remember} so
     * that a caller can skip the work on a repeat and still mark an event seen only once it has been written.
     */
    public boolean seenBefore(ForceOrderEvent event, long nowMillis) {
        expire(nowMillis);
        if (find(event, hashOf(event)) >= 0) {
            duplicatesDropped++;
            knownNew = null;
            return true;
        }
        knownNew = event;
        return false;
    }

    /** Marks the event's key seen from {@code nowMillis} on (a key remembered already takes the new time). */
    public void remember(ForceOrderEvent event, long nowMillis) {
        long h = hashOf(event);
        int found = event == knownNew ? -1 : find(event, h);
        knownNew = null;
        if (found >= 0) {
            times[found] = nowMillis;
            return;
        }
        if (size == maxEntries) {
            removeOldest();
            evictedByCap++;
        } else if (size == hashes.length) {
            allocate(Math.min(maxEntries, 2 * hashes.length));
        }
        int slot = (head + size) % hashes.length;
        hashes[slot] = h;
        times[slot] = nowMillis;
        events[slot] = event;
        size++;
        index(slot);
    }

    private void expire(long nowMillis) {
        long expiredAtOrBefore = nowMillis - windowMillis;
        while (size > 0 && times[head] <= expiredAtOrBefore) {
            removeOldest();
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

    /** Keys remembered now (expiry happens on the next {@link #seenBefore}). */
    public int size() {
        return size;
    }

    public long windowMillis() {
        return windowMillis;
    }

    public int maxEntries() {
        return maxEntries;
    }

    // ---- the table ----

    private long hashOf(ForceOrderEvent event) {
        if (event != lastHashed) {
            lastHash = hash.applyAsLong(event);
            lastHashed = event;
        }
        return lastHash;
    }

    private int home(long h) {
        return (int) (h ^ (h >>> 32)) & (table.length - 1);
    }

    /** The ring index of the event's key, or -1. */
    private int find(ForceOrderEvent event, long h) {
        int mask = table.length - 1;
        for (int at = home(h); table[at] != 0; at = (at + 1) & mask) {
            int slot = table[at] - 1;
            if (hashes[slot] == h && sameKey(events[slot], event)) {
                return slot;
            }
        }
        return -1;
    }

    private void index(int slot) {
        int mask = table.length - 1;
        int at = home(hashes[slot]);
        while (table[at] != 0) {
            at = (at + 1) & mask;
        }
        table[at] = slot + 1;
    }

    /** Forgets the oldest key; its place in the table is closed up by moving later keys of its run back. */
    private void removeOldest() {
        int mask = table.length - 1;
        int hole = home(hashes[head]);
        while (table[hole] != head + 1) {
            hole = (hole + 1) & mask;
        }
        for (int at = (hole + 1) & mask; table[at] != 0; at = (at + 1) & mask) {
            int home = home(hashes[table[at] - 1]);
            // A key may move back into the hole unless its home lies after the hole, up to where it sits.
            if (((at - home) & mask) >= ((at - hole) & mask)) {
                table[hole] = table[at];
                hole = at;
            }
        }
        table[hole] = 0;
        events[head] = null;
        head = (head + 1) % hashes.length;
        size--;
    }

    /** A ring of {@code capacity} (what is remembered moves along, oldest first) and a table at most half full. */
    private void allocate(int capacity) {
        long[] oldHashes = hashes;
        long[] oldTimes = times;
        ForceOrderEvent[] oldEvents = events;
        hashes = new long[capacity];
        times = new long[capacity];
        events = new ForceOrderEvent[capacity];
        table = new int[Integer.highestOneBit(Math.max(2, capacity) - 1) << 2];
        for (int i = 0; i < size; i++) {
            int from = (head + i) % oldHashes.length;
            hashes[i] = oldHashes[from];
            times[i] = oldTimes[from];
            events[i] = oldEvents[from];
            index(i);
        }
        head = 0;
    }

    // ---- the key ----

    /** Whether two events have the same natural key: equal fields, decimals equal as {@link #canonicalLength} says. */
    static boolean sameKey(ForceOrderEvent a, ForceOrderEvent b) {
        return a.tradeTime() == b.tradeTime()
                && Objects.equals(a.marketType(), b.marketType())
                && Objects.equals(a.symbol(), b.symbol())
                && Objects.equals(a.side(), b.side())
                && sameDecimal(a.quantity(), b.quantity())
                && sameDecimal(a.price(), b.price())
                && sameDecimal(a.averagePrice(), b.averagePrice())
                && sameDecimal(a.filledAccumulatedQuantity(), b.filledAccumulatedQuantity());
    }

    /** A 64-bit hash of the natural key; equal keys (by {@link #sameKey}) hash equal. */
    static long keyHash(ForceOrderEvent event) {
        long h = event.tradeTime();
        h = h * 0x9e3779b97f4a7c15L + (event.marketType() == null ? -1 : event.marketType());
        h = h * 0x9e3779b97f4a7c15L + Objects.hashCode(event.symbol());
        h = h * 0x9e3779b97f4a7c15L + Objects.hashCode(event.side());
        h = h * 0x9e3779b97f4a7c15L + decimalHash(event.quantity());
        h = h * 0x9e3779b97f4a7c15L + decimalHash(event.price());
        h = h * 0x9e3779b97f4a7c15L + decimalHash(event.averagePrice());
        h = h * 0x9e3779b97f4a7c15L + decimalHash(event.filledAccumulatedQuantity());
        // murmur3's finaliser: every bit of the key reaches the low bits the table uses
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * {@code String.hashCode} of the decimal's {@link #canonicalLength canonical} text, in one pass: the hash as it
     * stood at the last character that is not a trailing fraction zero (before it, if that is a bare point).
     */
    static int decimalHash(String decimal) {
        if (decimal == null) {
            return 0;
        }
        int hash = 0;
        int atLastNonZero = 0;
        int beforeLastNonZero = 0;
        char lastNonZero = 0;
        boolean point = false;
        boolean exponent = false;
        for (int i = 0; i < decimal.length(); i++) {
            char c = decimal.charAt(i);
            int before = hash;
            hash = 31 * hash + c;
            if (c != '0') {
                atLastNonZero = hash;
                beforeLastNonZero = before;
                lastNonZero = c;
            }
            point |= c == '.';
            exponent |= c == 'e' || c == 'E';
        }
        if (!point || exponent) {
            return hash;
        }
        return lastNonZero == '.' ? beforeLastNonZero : atLastNonZero;
    }

    private static boolean sameDecimal(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.equals(b)) {
            return true; // what two legs deliver: the same text
        }
        int length = canonicalLength(a);
        return length == canonicalLength(b) && a.regionMatches(0, b, 0, length);
    }

    /**
     * How much of a decimal's text is its value: a plain literal without its trailing fraction zeros (and a point
     * left bare), so that {@code "3.80300"}, {@code "3.803"} and {@code "3.8030000"} are one price; exponent forms as
     * written. No parsing and no substring.
     */
    static int canonicalLength(String decimal) {
        if (decimal == null) {
            return 0;
        }
        boolean point = false;
        for (int i = 0; i < decimal.length(); i++) {
            char c = decimal.charAt(i);
            if (c == 'e' || c == 'E') {
                return decimal.length();
            }
            point |= c == '.';
        }
        if (!point) {
            return decimal.length();
        }
        int end = decimal.length();
        while (decimal.charAt(end - 1) == '0') {
            end--;
        }
        return decimal.charAt(end - 1) == '.' ? end - 1 : end;
    }
}
