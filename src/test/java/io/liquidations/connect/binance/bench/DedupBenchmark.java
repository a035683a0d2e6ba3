package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The task's de-duplication per event, as the default two legs per stream use it: each liquidation arrives twice, the
 * first copy is remembered, the second dropped. {@code cap}: events come faster than the window expires them (a
 * blast, or a long cascade on the all-market stream), so the window is held at its cap of 100,000 keys and every
 * event evicts the oldest; {@code window}: a steady 1,000 keys expire by time. Not part of {@code bench/run}; run it
 * with JMH's own main (docs/BENCHMARKS.md, profile findings).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DedupBenchmark {
    private static final int DISTINCT = 250_000;

    @Param({"cap", "window"})
    public String regime;

    private ForceOrderEvent[] events;
    private LiquidationDeduplicator deduplicator;
    private long now;
    private long step;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ForceOrderEvents generator = new ForceOrderEvents(42, 1_780_000_000_000L);
        List<String> symbols = ForceOrderEvents.symbols(300);
        events = new ForceOrderEvent[DISTINCT];
        for (int i = 0; i < DISTINCT; i++) {
            String symbol = symbols.get(i % symbols.size());
            SentForceOrder o = i % 5 == 0 ? generator.nextAllMarket(symbol) : generator.next(symbol);
            events[i] = new ForceOrderEvent("forceOrder", o.eventTime(), o.symbol(), o.pair(), o.side(),
                    o.orderType(), o.timeInForce(), o.quantity(), o.price(), o.averagePrice(), o.status(),
                    o.lastFilledQuantity(), o.filledAccumulatedQuantity(), o.tradeTime(), o.marketType());
        }
        deduplicator = new LiquidationDeduplicator();
        now = 1_780_000_000_000L;
        // cap: 250,000 events well inside one 10-minute window; window: 1,000 events per window.
        step = regime.equals("cap") ? 0 : LiquidationDeduplicator.DEFAULT_WINDOW_MS / 1_000;
        for (int i = 0; i < DISTINCT; i++) {
            twoLegs();
        }
    }

    /**
     * One liquidation as two legs deliver it: the first copy is new, the second a duplicate. Each copy is its own
     * event with its own Strings, as each leg's decoder makes them (so no String caches a hash code from before).
     */
    @Benchmark
    public boolean twoLegs() {
        ForceOrderEvent event = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        now += step;
        boolean first = deduplicator.firstSighting(asDecoded(event), now);
        boolean second = deduplicator.firstSighting(asDecoded(event), now + 3);
        if (!first || second) {
            throw new IllegalStateException("the benchmark's events must be distinct within the window");
        }
        return second;
    }

    /** The copies alone, without the de-duplication: what {@link #twoLegs} costs beyond the window itself. */
    @Benchmark
    public ForceOrderEvent copiesOnly() {
        ForceOrderEvent event = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        now += step;
        asDecoded(event);
        return asDecoded(event);
    }

    /** A copy with new Strings where the decoder makes new ones (symbol, pair, decimals). */
    private static ForceOrderEvent asDecoded(ForceOrderEvent e) {
        return new ForceOrderEvent(e.eventType(), e.eventTime(), fresh(e.symbol()), fresh(e.pair()), e.side(),
                e.orderType(), e.timeInForce(), fresh(e.quantity()), fresh(e.price()), fresh(e.averagePrice()),
                e.status(), fresh(e.lastFilledQuantity()), fresh(e.filledAccumulatedQuantity()), e.tradeTime(),
                e.marketType());
    }

    /** new String(String) would share the original's cached hash code. */
    private static String fresh(String text) {
        return text == null ? null : new String(text.toCharArray());
    }
}
