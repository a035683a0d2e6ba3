package io.liquidations.connect.binance.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LiquidationDeduplicatorTest {
    private static final long MINUTE = 60_000;
    private static final long NOW = 1_791_391_083_200L;

    /** The all-market capture of the protocol notes: partial fill, trailing zeros, {@code st} inside {@code o}. */
    private static ForceOrderEvent ilv(String price, String filled, Integer marketType) {
        return new ForceOrderEvent("forceOrder", 1_791_391_083_124L, "ILVUSDT", "ILVUSDT", "SELL", "LIMIT", "IOC",
                "116.5", price, "3.85642", "FILLED", "25.2", filled, 1_791_391_082_119L, marketType);
    }

    private static ForceOrderEvent ilv() {
        return ilv("3.80300", "116.5", 1);
    }

    private static ForceOrderEvent numbered(long n) {
        return new ForceOrderEvent("forceOrder", n, "BTCUSDT", null, "BUY", "LIMIT", "IOC", "1", "90000", "90000",
                "FILLED", "1", "1", n, null);
    }

    @Test
    void theSameEventTwiceIsDroppedTheSecondTime() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator();

        assertTrue(dedup.firstSighting(ilv(), NOW));
        assertFalse(dedup.firstSighting(ilv(), NOW + 40));
        assertFalse(dedup.firstSighting(ilv(), NOW + 900));

        assertEquals(2, dedup.duplicatesDropped());
        assertEquals(1, dedup.size());
    }

    @Test
    void aDifferentPriceOrFilledQuantityIsAnotherLiquidation() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator();

        assertTrue(dedup.firstSighting(ilv("3.80300", "116.5", 1), NOW));
        assertTrue(dedup.firstSighting(ilv("3.80400", "116.5", 1), NOW));
        assertTrue(dedup.firstSighting(ilv("3.80300", "116.4", 1), NOW));

        assertEquals(0, dedup.duplicatesDropped());
        assertEquals(3, dedup.size());
    }

    @Test
    void everyKeyFieldTellsEventsApart() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator();
        ForceOrderEvent base = ilv();
        assertTrue(dedup.firstSighting(base, NOW));

        assertTrue(dedup.firstSighting(with(base, "ETHUSDT", base.tradeTime(), base.side(), base.quantity(),
                base.averagePrice()), NOW), "symbol");
        assertTrue(dedup.firstSighting(with(base, base.symbol(), base.tradeTime() + 1, base.side(),
                base.quantity(), base.averagePrice()), NOW), "trade time T");
        assertTrue(dedup.firstSighting(with(base, base.symbol(), base.tradeTime(), "BUY", base.quantity(),
                base.averagePrice()), NOW), "side S");
        assertTrue(dedup.firstSighting(with(base, base.symbol(), base.tradeTime(), base.side(),
                "116.6", base.averagePrice()), NOW), "quantity q");
        assertTrue(dedup.firstSighting(with(base, base.symbol(), base.tradeTime(), base.side(), base.quantity(),
                "3.85643"), NOW), "average price ap");
        assertEquals(0, dedup.duplicatesDropped());
    }

    @Test
    void fieldsOutsideTheKeyDoNotMakeARepeatNew() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator();
        ForceOrderEvent first = ilv();
        // The same liquidation pushed on the other socket a few milliseconds later: only E may differ.
        ForceOrderEvent pushedLater = new ForceOrderEvent(first.eventType(), first.eventTime() + 7, first.symbol(),
                first.pair(), first.side(), first.orderType(), first.timeInForce(), first.quantity(), first.price(),
                first.averagePrice(), first.status(), first.lastFilledQuantity(), first.filledAccumulatedQuantity(),
                first.tradeTime(), first.marketType());

        assertTrue(dedup.firstSighting(first, NOW));
        assertFalse(dedup.firstSighting(pushedLater, NOW + 7));
    }

    @Test
    void decimalsAreComparedByValueNotByScale() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator();

        assertTrue(dedup.firstSighting(ilv("3.80300", "116.5", 1), NOW));
        assertFalse(dedup.firstSighting(ilv("3.803", "116.50", 1), NOW));
        assertFalse(dedup.firstSighting(ilv("3.8030000", "116.500000", 1), NOW));

        // Whole numbers too: "9910" and "9910.00" (stripTrailingZeros gives 9.91E+3 for both).
        assertTrue(dedup.firstSighting(ilv("9910", "1", 1), NOW));
        assertFalse(dedup.firstSighting(ilv("9910.00", "1.0", 1), NOW));
        assertEquals(3, dedup.duplicatesDropped());
    }

    @Test
    void marketTypeDistinguishesWhenPresent() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator();

        assertTrue(dedup.firstSighting(ilv("3.80300", "116.5", 1), NOW));
        assertTrue(dedup.firstSighting(ilv("3.80300", "116.5", 2), NOW), "st=2 (COIN-M) is another market");
        assertTrue(dedup.firstSighting(ilv("3.80300", "116.5", null), NOW), "no st is not st=1");
        assertFalse(dedup.firstSighting(ilv("3.80300", "116.5", 2), NOW));
        assertFalse(dedup.firstSighting(ilv("3.80300", "116.5", null), NOW));
        assertEquals(2, dedup.duplicatesDropped());
    }

    @Test
    void keysExpireAfterTheWindow() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator(10 * MINUTE, 1_000);
        assertTrue(dedup.firstSighting(numbered(1), NOW));
        assertTrue(dedup.firstSighting(numbered(2), NOW + 5 * MINUTE));

        assertFalse(dedup.firstSighting(numbered(1), NOW + 10 * MINUTE - 1), "still inside the window");
        assertTrue(dedup.firstSighting(numbered(3), NOW + 10 * MINUTE));
        assertEquals(2, dedup.size(), "the first key expired exactly at the end of its window");

        assertTrue(dedup.firstSighting(numbered(4), NOW + 30 * MINUTE));
        assertEquals(1, dedup.size(), "everything older than the window is gone");
        assertEquals(0, dedup.evictedByCap());
    }

    /** The documented trade-off: the window bounds memory, so a very late copy is taken for a new event. */
    @Test
    void aCopyArrivingAfterTheWindowIsAcceptedAgain() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator(10 * MINUTE, 1_000);

        assertTrue(dedup.firstSighting(ilv(), NOW));
        assertTrue(dedup.firstSighting(ilv(), NOW + 10 * MINUTE));
        assertEquals(0, dedup.duplicatesDropped());

        assertFalse(dedup.firstSighting(ilv(), NOW + 10 * MINUTE + 1), "remembered again from its second sighting");
    }

    @Test
    void aClockSteppingBackOnlyDelaysExpiry() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator(MINUTE, 1_000);
        assertTrue(dedup.firstSighting(numbered(1), NOW));
        assertTrue(dedup.firstSighting(numbered(2), NOW - 30_000));

        assertFalse(dedup.firstSighting(numbered(1), NOW + 59_999));
        assertFalse(dedup.firstSighting(numbered(2), NOW + 59_999));
    }

    @Test
    void theCapEvictsTheOldestAndCountsIt() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator(10 * MINUTE, 3);
        for (long n = 1; n <= 5; n++) {
            assertTrue(dedup.firstSighting(numbered(n), NOW));
        }

        assertEquals(3, dedup.size());
        assertEquals(2, dedup.evictedByCap());
        assertTrue(dedup.firstSighting(numbered(1), NOW), "evicted early: a copy now passes");
        assertFalse(dedup.firstSighting(numbered(5), NOW), "the newest are still remembered");
        assertEquals(3, dedup.evictedByCap(), "re-admitting 1 evicted 3");
    }

    @Test
    void memoryStaysWithinTheCapOverAMillionDistinctEvents() {
        int cap = 100_000;
        LiquidationDeduplicator dedup = new LiquidationDeduplicator(LiquidationDeduplicator.DEFAULT_WINDOW_MS, cap);
        int distinct = 1_000_000;
        for (int n = 0; n < distinct; n++) {
            // All inside one window, so only the cap can bound the map.
            assertTrue(dedup.firstSighting(numbered(n), NOW + n / 10_000));
            if (dedup.size() > cap) {
                throw new AssertionError("size " + dedup.size() + " above the cap after event " + n);
            }
        }

        assertEquals(cap, dedup.size());
        assertEquals(distinct - cap, dedup.evictedByCap());
        assertEquals(0, dedup.duplicatesDropped());
        assertFalse(dedup.firstSighting(numbered(distinct - 1), NOW + 100));
        assertTrue(dedup.firstSighting(numbered(0), NOW + 100), "long evicted");
    }

    @Test
    void defaultsAndArguments() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator();
        assertEquals(10 * MINUTE, dedup.windowMillis());
        assertEquals(100_000, dedup.maxEntries());
        assertThrows(IllegalArgumentException.class, () -> new LiquidationDeduplicator(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LiquidationDeduplicator(MINUTE, 0));
    }

    /** A hash is a hint: two distinct liquidations with one hash are both kept, and both repeats still dropped. */
    @Test
    void distinctLiquidationsWhoseHashesCollideAreBothKept() {
        LiquidationDeduplicator dedup = new LiquidationDeduplicator(10 * MINUTE, 1_000, event -> 42L);
        assertTrue(dedup.firstSighting(ilv("3.80300", "116.5", 1), NOW));
        assertTrue(dedup.firstSighting(ilv("3.80400", "116.5", 1), NOW), "same hash, another price");
        assertTrue(dedup.firstSighting(ilv("3.80300", "116.5", null), NOW), "same hash, no st");
        assertFalse(dedup.firstSighting(ilv("3.803", "116.50", 1), NOW), "the same value, written otherwise");
        assertFalse(dedup.firstSighting(ilv("3.80400", "116.5", 1), NOW));
        assertFalse(dedup.firstSighting(ilv("3.80300", "116.5", null), NOW));
        assertEquals(3, dedup.size());
        assertEquals(3, dedup.duplicatesDropped());
    }

    @Test
    void equalValuesHashEqual() {
        assertEquals(LiquidationDeduplicator.keyHash(ilv("3.80300", "116.5", 1)),
                LiquidationDeduplicator.keyHash(ilv("3.803", "116.500", 1)));
        assertEquals(LiquidationDeduplicator.keyHash(ilv("9910", "1", null)),
                LiquidationDeduplicator.keyHash(ilv("9910.00", "1.0", null)));
        assertTrue(LiquidationDeduplicator.keyHash(ilv("3.80300", "116.5", 1))
                != LiquidationDeduplicator.keyHash(ilv("3.80300", "116.5", 2)));
        assertEquals(5, LiquidationDeduplicator.canonicalLength("3.803000"));
        assertEquals(4, LiquidationDeduplicator.canonicalLength("9910.00"));
        assertEquals(4, LiquidationDeduplicator.canonicalLength("9910"));
        assertEquals(8, LiquidationDeduplicator.canonicalLength("1.500e10"), "exponent forms as written");
        for (String decimal : List.of("3.80300", "9910.00", "9910", "0.0", ".0", "-0.0", "0.000", "00.10", "100",
                "1.500e10", "1.5E-3", "116.5", "", ".", "7.")) {
            String canonical = decimal.substring(0, LiquidationDeduplicator.canonicalLength(decimal));
            assertEquals(canonical.hashCode(), LiquidationDeduplicator.decimalHash(decimal), decimal);
        }
    }

    /**
     * The table against the design it replaced, a {@code LinkedHashMap} of canonical keys, oldest first: random
     * sightings, repeats, direct remembers, a clock that jitters and steps back, windows and caps small enough to
     * expire and evict all the time; with the real hash, a weak one (eight values) and one where every key collides.
     * After every call both must answer alike and agree on size and counters.
     */
    @ParameterizedTest
    @ValueSource(strings = {"real", "weak", "constant"})
    void behavesLikeAMapOfKeysWhateverTheHash(String hashKind) {
        ToLongFunction<ForceOrderEvent> hash = switch (hashKind) {
            case "real" -> LiquidationDeduplicator::keyHash;
            case "weak" -> event -> LiquidationDeduplicator.keyHash(event) & 7;
            default -> event -> 42L;
        };
        Random random = new Random(hashKind.hashCode());
        String[] prices = {"3.803", "3.80300", "3.804", "9910", "9910.0", "1.5e1"};
        // {window ms, cap, distinct events}: the last grows the table from 1,024 while old keys expire.
        for (int[] config : new int[][] {{50, 1, 300}, {50, 5, 300}, {1_000, 64, 300}, {200, 400, 300},
                {5_000, 10_000, 300}, {20_000, 2_500, 6_000}}) {
            if (hashKind.equals("constant") && config[1] > 500) {
                continue; // one run of thousands of keys: right, but slow to test
            }
            List<ForceOrderEvent> pool = new ArrayList<>();
            for (int i = 0; i < config[2] / 2; i++) {
                pool.add(ilv(prices[random.nextInt(prices.length)], random.nextBoolean() ? "116.5" : "116.50",
                        random.nextInt(3) == 0 ? null : 1 + random.nextInt(2)));
                pool.add(numbered(random.nextInt(config[2] / 5 * 4)));
            }
            int[] windowAndCap = config;
            LiquidationDeduplicator table = new LiquidationDeduplicator(windowAndCap[0], windowAndCap[1], hash);
            ReferenceWindow reference = new ReferenceWindow(windowAndCap[0], windowAndCap[1]);
            long now = NOW;
            for (int op = 0; op < 20_000; op++) {
                ForceOrderEvent event = pool.get(random.nextInt(pool.size()));
                now += random.nextInt(10) == 0 ? -random.nextInt(100) : random.nextInt(30);
                String what = op + " (window " + windowAndCap[0] + ", cap " + windowAndCap[1] + ")";
                switch (random.nextInt(10)) {
                    case 0 -> assertEquals(reference.seenBefore(event, now), table.seenBefore(event, now), what);
                    case 1, 2 -> {
                        reference.remember(event, now);
                        table.remember(event, now);
                    }
                    default -> assertEquals(reference.firstSighting(event, now), table.firstSighting(event, now),
                            what);
                }
                assertEquals(reference.seen.size(), table.size(), what);
                assertEquals(reference.duplicatesDropped, table.duplicatesDropped(), what);
                assertEquals(reference.evictedByCap, table.evictedByCap(), what);
            }
        }
    }

    /** The de-duplication as it was before the table: obviously right, and too slow for the hot path. */
    private static final class ReferenceWindow {
        record Key(String symbol, long tradeTime, String side, String quantity, String price, String averagePrice,
                String filledAccumulatedQuantity, Integer marketType) {
            static Key of(ForceOrderEvent e) {
                return new Key(e.symbol(), e.tradeTime(), e.side(), canonical(e.quantity()), canonical(e.price()),
                        canonical(e.averagePrice()), canonical(e.filledAccumulatedQuantity()), e.marketType());
            }

            static String canonical(String decimal) {
                if (decimal.indexOf('.') < 0 || decimal.indexOf('e') >= 0 || decimal.indexOf('E') >= 0) {
                    return decimal;
                }
                return decimal.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
        }

        final long window;
        final int cap;
        final LinkedHashMap<Key, Long> seen = new LinkedHashMap<>();
        long duplicatesDropped;
        long evictedByCap;

        ReferenceWindow(long window, int cap) {
            this.window = window;
            this.cap = cap;
        }

        boolean firstSighting(ForceOrderEvent event, long now) {
            if (seenBefore(event, now)) {
                return false;
            }
            remember(event, now);
            return true;
        }

        boolean seenBefore(ForceOrderEvent event, long now) {
            Iterator<Map.Entry<Key, Long>> oldest = seen.entrySet().iterator();
            while (oldest.hasNext() && oldest.next().getValue() <= now - window) {
                oldest.remove();
            }
            if (seen.containsKey(Key.of(event))) {
                duplicatesDropped++;
                return true;
            }
            return false;
        }

        void remember(ForceOrderEvent event, long now) {
            seen.put(Key.of(event), now);
            if (seen.size() > cap) {
                seen.remove(seen.keySet().iterator().next());
                evictedByCap++;
            }
        }
    }

    private static ForceOrderEvent with(ForceOrderEvent e, String symbol, long tradeTime, String side,
            String quantity, String averagePrice) {
        return new ForceOrderEvent(e.eventType(), e.eventTime(), symbol, e.pair(), side, e.orderType(),
                e.timeInForce(), quantity, e.price(), averagePrice, e.status(), e.lastFilledQuantity(),
                e.filledAccumulatedQuantity(), tradeTime, e.marketType());
    }
}
