package io.liquidations.connect.binance.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.simulator.MarketModel.Instrument;
import io.liquidations.connect.binance.simulator.MarketModel.Regime;
import io.liquidations.connect.binance.simulator.MarketModel.RegimeSpan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One simulated hour of the market model, checked against what Binance's stream looks like. */
class MarketModelTest {

    /** Fixed; -Dsimulator.seed=… explores others. */
    private static final long SEED = Long.getLong("simulator.seed", 20260707L);
    private static final int SYMBOLS = 300;
    /** Not on a 100 ms or 1000 ms boundary on purpose. */
    private static final long START = 1_783_000_000_437L;
    private static final long HOUR = 3_600_000L;

    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d{1,8})?");

    private static MarketModel model;
    private static List<SentForceOrder> events;

    @BeforeAll
    static void simulateOneHour() {
        model = new MarketModel(SEED, SYMBOLS, START);
        events = new ArrayList<>();
        for (long now = START; now <= START + HOUR; now += 100) {
            for (SentForceOrder event : model.advance(now)) {
                assertTrue(event.eventTime() <= now, "event from the future: " + event);
                events.add(event);
            }
        }
    }

    @Test
    void tradesSeveralHundredSymbolsWithRealisticReferencePrices() {
        List<String> symbols = model.symbols();
        assertTrue(symbols.size() >= 300, "symbols: " + symbols.size());
        assertEquals(symbols.size(), new HashSet<>(symbols).size(), "duplicate symbols");
        for (String symbol : symbols) {
            assertTrue(symbol.matches("[A-Z0-9]{2,16}USDT"), symbol);
        }
        assertEquals(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "DOGEUSDT"), symbols.subList(0, 6));
        assertReference("BTCUSDT", 60_000, 150_000);
        assertReference("ETHUSDT", 2_000, 5_000);
        assertReference("SOLUSDT", 80, 300);
        assertReference("DOGEUSDT", 0.05, 0.5);
        assertReference("1000PEPEUSDT", 0.003, 0.03);

        double low = Double.MAX_VALUE;
        double high = 0;
        for (Instrument instrument : model.instruments().subList(100, SYMBOLS)) {
            assertTrue(instrument.referencePrice() >= 0.0001 && instrument.referencePrice() <= 500, instrument.toString());
            low = Math.min(low, instrument.referencePrice());
            high = Math.max(high, instrument.referencePrice());
        }
        assertTrue(low < 0.001 && high > 100, "tail prices should span 0.0001 to 500: " + low + " .. " + high);
    }

    @Test
    void instrumentsHaveBinanceLikePrecision() {
        for (Instrument instrument : model.instruments()) {
            assertTrue(instrument.pricePrecision() >= 1 && instrument.pricePrecision() <= 7, instrument.toString());
            assertTrue(instrument.quantityScale() >= 0 && instrument.quantityScale() <= 3, instrument.toString());
            BigDecimal finest = BigDecimal.ONE.movePointLeft(instrument.pricePrecision());
            assertEquals(0, instrument.tickSize().remainder(finest).signum(), instrument.toString());
            // A tick is a small fraction of the price, as on Binance.
            assertTrue(instrument.tickSize().doubleValue() / instrument.referencePrice() < 0.002, instrument.toString());
        }
        assertEquals(new BigDecimal("0.10"), model.instrument("BTCUSDT").tickSize());
        assertEquals(3, model.instrument("BTCUSDT").quantityScale());
        assertThrows(IllegalArgumentException.class, () -> model.instrument("NOPEUSDT"));
    }

    @Test
    void atMostOneEventPerSymbolPerSecondWindowAndTimesIncrease() {
        Map<String, SentForceOrder> last = new HashMap<>();
        Map<String, Set<Long>> windows = new HashMap<>();
        for (SentForceOrder event : sortedByEventTime()) {
            assertTrue(event.eventTime() >= event.tradeTime(), event.toString());
            assertTrue(windows.computeIfAbsent(event.symbol(), s -> new HashSet<>()).add(Math.floorDiv(event.tradeTime(), 1000)),
                    () -> "two events in one 1000 ms window: " + event);
            SentForceOrder previous = last.put(event.symbol(), event);
            if (previous != null) {
                assertTrue(event.tradeTime() > previous.tradeTime(), () -> previous + " then " + event);
                assertTrue(event.eventTime() > previous.eventTime(), () -> previous + " then " + event);
            }
        }
        assertTrue(last.size() >= 250, "most symbols should see a liquidation in an hour: " + last.size());
    }

    @Test
    void decimalsLookLikeBinances() {
        for (SentForceOrder event : events) {
            Instrument instrument = model.instrument(event.symbol());
            for (String decimal : List.of(event.quantity(), event.price(), event.averagePrice(),
                    event.lastFilledQuantity(), event.filledAccumulatedQuantity())) {
                assertTrue(DECIMAL.matcher(decimal).matches(), () -> "not a plain decimal with <= 8 places: " + decimal + " in " + event);
                assertTrue(new BigDecimal(decimal).signum() > 0, () -> "not positive: " + event);
            }
            BigDecimal quantity = new BigDecimal(event.quantity());
            BigDecimal price = new BigDecimal(event.price());
            BigDecimal average = new BigDecimal(event.averagePrice());
            BigDecimal last = new BigDecimal(event.lastFilledQuantity());
            BigDecimal filled = new BigDecimal(event.filledAccumulatedQuantity());
            assertTrue(last.compareTo(filled) <= 0 && filled.compareTo(quantity) <= 0, () -> "l <= z <= q broken: " + event);
            assertEquals(instrument.pricePrecision(), price.scale(), event::toString);
            assertEquals(instrument.pricePrecision(), average.scale(), event::toString);
            assertEquals(instrument.quantityScale(), quantity.scale(), event::toString);
            assertEquals(0, price.remainder(instrument.tickSize()).signum(), () -> "p off the tick grid: " + event);
            // The IOC limit is the worst price; the fill is at it or better, and close to it.
            if (event.side().equals("SELL")) {
                assertTrue(average.compareTo(price) >= 0, event::toString);
            } else {
                assertEquals("BUY", event.side());
                assertTrue(average.compareTo(price) <= 0, event::toString);
            }
            double gap = Math.abs(average.doubleValue() / price.doubleValue() - 1);
            assertTrue(gap < 0.03, () -> "ap far from p: " + event);
            double drift = price.doubleValue() / instrument.referencePrice();
            assertTrue(drift > 0.6 && drift < 1.6, () -> "price wandered off in an hour: " + event);
            assertEquals("LIMIT", event.orderType());
            assertEquals("IOC", event.timeInForce());
            assertEquals("FILLED", event.status());
            assertNull(event.pair());
            assertNull(event.marketType());
        }
        long partial = events.stream().filter(e -> !e.lastFilledQuantity().equals(e.filledAccumulatedQuantity())).count();
        assertTrue(partial > events.size() / 20 && partial < events.size() / 2, "partial last fills: " + partial);
        assertTrue(events.stream().anyMatch(e -> e.price().endsWith("0")), "some prices keep trailing zeros");
    }

    @Test
    void notionalsAreTypicallySmallWithAHeavyTail() {
        List<Double> notionals = new ArrayList<>();
        double btcEthMax = 0;
        for (SentForceOrder event : events) {
            double notional = new BigDecimal(event.quantity()).multiply(new BigDecimal(event.averagePrice())).doubleValue();
            notionals.add(notional);
            if (event.symbol().equals("BTCUSDT") || event.symbol().equals("ETHUSDT")) {
                btcEthMax = Math.max(btcEthMax, notional);
            }
            assertTrue(notional < 10_000_000, () -> "absurd notional: " + event);
        }
        notionals.sort(null);
        double median = notionals.get(notionals.size() / 2);
        assertTrue(median > 200 && median < 5_000, "median notional " + median);
        long typical = notionals.stream().filter(n -> n >= 50 && n <= 50_000).count();
        assertTrue(typical >= 0.85 * notionals.size(), "typical share " + typical + "/" + notionals.size());
        assertTrue(btcEthMax > 250_000, "BTC/ETH should see big liquidations: " + btcEthMax);
    }

    @Test
    void startsFastThenAlternatesBetweenQuietNormalAndCascades() {
        long firstTwenty = events.stream().filter(e -> e.eventTime() < START + 20_000).count();
        assertTrue(firstTwenty >= 5, "events in the first 20 s: " + firstTwenty);

        List<RegimeSpan> history = model.regimeHistory();
        assertEquals(Regime.NORMAL, history.get(0).regime());
        assertTrue(history.get(0).endMillis() - START >= 40_000);
        Set<Regime> seen = new HashSet<>();
        for (int i = 0; i < history.size(); i++) {
            RegimeSpan span = history.get(i);
            seen.add(span.regime());
            if (i > 0) {
                assertEquals(history.get(i - 1).endMillis(), span.startMillis(), "regimes must tile time");
            }
            long seconds = (span.endMillis() - span.startMillis()) / 1000;
            switch (span.regime()) {
                case QUIET -> assertTrue(seconds >= 20 && seconds <= 90, span.toString());
                case NORMAL -> assertTrue(seconds >= 30 && seconds <= 120, span.toString());
                case CASCADE -> assertTrue(seconds >= 10 && seconds <= 40, span.toString());
            }
        }
        assertEquals(Set.of(Regime.values()), seen);

        int[] perSecond = new int[(int) (HOUR / 1000) + 2];
        for (SentForceOrder event : events) {
            perSecond[(int) ((event.eventTime() - START) / 1000)]++;
        }
        int busiest = 0;
        for (int count : perSecond) {
            busiest = Math.max(busiest, count);
        }
        assertTrue(busiest >= 20, "a cascade should put >= 20 events into some second, busiest had " + busiest);

        int quietStretches = 0;
        for (int from = 0; from + 20 <= HOUR / 1000; from++) {
            int sum = 0;
            for (int s = from; s < from + 20; s++) {
                sum += perSecond[s];
            }
            if (sum <= 1) {
                quietStretches++;
            }
        }
        assertTrue(quietStretches > 0, "no 20 s stretch with at most one event");
    }

    @Test
    void cascadesAreDominatedByOneSide() {
        int cascades = 0;
        for (RegimeSpan span : model.regimeHistory()) {
            if (span.regime() != Regime.CASCADE) {
                continue;
            }
            long total = 0;
            long dominant = 0;
            for (SentForceOrder event : events) {
                if (span.contains(event.tradeTime())) {
                    total++;
                    if (event.side().equals(span.dominantSide())) {
                        dominant++;
                    }
                }
            }
            cascades++;
            assertTrue(total >= 100, "a cascade liquidates many symbols: " + span + " had " + total);
            assertTrue(dominant >= 0.7 * total, span + ": " + dominant + " of " + total + " on " + span.dominantSide());
        }
        assertTrue(cascades >= 2, "cascades in an hour: " + cascades);
        assertNull(model.regimeHistory().get(0).dominantSide());
    }

    @Test
    void sameSeedSameOutputDifferentSeedDifferentOutput() {
        assertEquals(events, simulate(SEED, HOUR, 100));
        assertNotEquals(events.subList(0, 100), simulate(SEED + 1, 600_000, 100).subList(0, 100));
    }

    @Test
    void outputDoesNotDependOnHowOftenTheModelIsAdvanced() {
        List<SentForceOrder> steady = simulate(SEED, 300_000, 100);
        MarketModel irregular = new MarketModel(SEED, SYMBOLS, START);
        Random ticks = new Random(1);
        List<SentForceOrder> collected = new ArrayList<>();
        long now = START;
        while (now < START + 300_000) {
            now = Math.min(START + 300_000, now + ticks.nextInt(2_500));
            collected.addAll(irregular.advance(now));
            collected.addAll(irregular.advance(now)); // a repeated time returns nothing new
        }
        assertEquals(steady, collected);
    }

    @Test
    void rejectsAnEmptyMarket() {
        assertThrows(IllegalArgumentException.class, () -> new MarketModel(1, 0, START));
        MarketModel tiny = new MarketModel(1, 3, START);
        assertEquals(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT"), tiny.symbols());
        assertFalse(tiny.advance(START + 60_000).isEmpty());
    }

    private static List<SentForceOrder> simulate(long seed, long millis, long tick) {
        MarketModel fresh = new MarketModel(seed, SYMBOLS, START);
        List<SentForceOrder> out = new ArrayList<>();
        for (long now = START; now <= START + millis; now += tick) {
            out.addAll(fresh.advance(now));
        }
        return out;
    }

    private static List<SentForceOrder> sortedByEventTime() {
        List<SentForceOrder> sorted = new ArrayList<>(events);
        sorted.sort((a, b) -> Long.compare(a.eventTime(), b.eventTime()));
        return sorted;
    }

    private static void assertReference(String symbol, double low, double high) {
        double price = model.instrument(symbol).referencePrice();
        assertTrue(price >= low && price <= high, symbol + " at " + price);
    }
}
