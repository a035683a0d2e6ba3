package io.liquidations.connect.binance.simulator;

import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic, reproducible model of the USDⓈ-M futures liquidation flow, as the all-market
 * {@code !forceOrder@arr} stream shows it.
 *
 * <p>The model owns no clock: the caller drives it with {@link #advance(long)}, passing the
 * current time (epoch ms). Internally it runs in fixed {@value #STEP_MILLIS} ms steps counted from
 * the start time, so for a given seed and start time the events it produces do not depend on how
 * often or how irregularly {@code advance} is called — only the batching does. Every random draw
 * comes from one {@link Random} seeded with the seed, and all transcendental maths goes through
 * {@link StrictMath}: same seed, same start, same events, on any JVM.
 *
 * <h2>What is modelled</h2>
 *
 * <ul>
 *   <li><b>Instruments.</b> Real perpetuals first ({@code BTCUSDT} ~ 90 000, {@code ETHUSDT}
 *       ~ 3 000, {@code SOLUSDT} ~ 150, {@code DOGEUSDT} ~ 0.15, {@code 1000PEPEUSDT} ~ 0.01, …),
 *       then made-up tail symbols ({@code PADOUSDT}, {@code HYVOMUSDT}, …) with reference prices spread
 *       log-uniformly from 0.0001 to 500. The instrument list depends only on the symbol count,
 *       never on the seed. Each instrument has Binance-like price precision (1–7 decimals), a tick
 *       size that is sometimes coarser than the printed precision (so prices carry trailing zeros,
 *       {@code "3.80300"}), and a quantity step (0–3 decimals) that fits its price.</li>
 *   <li><b>Prices.</b> A market factor (a random walk with weak mean reversion) to which every
 *       instrument is tied with its own beta, plus an idiosyncratic Ornstein–Uhlenbeck term.</li>
 *   <li><b>Regimes.</b> {@link Regime#QUIET} (20–90 s, almost nothing), {@link Regime#NORMAL}
 *       (30–120 s, a few liquidations per second across the market) and {@link Regime#CASCADE}
 *       (10–40 s: a sharp move of 0.8–3 % of the market, more for high-beta coins, liquidates dozens of symbols per second, ~90 % on one
 *       side, with larger notionals). The model always starts in a normal regime of at least 40 s,
 *       so a client that connects right away sees data within seconds.</li>
 *   <li><b>Orders.</b> SELL liquidates longs (the market fell), BUY liquidates shorts; outside
 *       cascades the side leans with recent market momentum. {@code p} is the IOC limit price,
 *       beyond the market on the tick grid; {@code ap}, the average fill, lies between the market
 *       and {@code p}. Notionals are log-normal (median ~ $900, typically $50–$50 000) with a
 *       Pareto tail up to a few $M on BTC and ETH. {@code z = q}, status {@code FILLED}, and about
 *       a quarter of the orders show a partial last fill {@code l < z}.</li>
 *   <li><b>Binance's snapshot rule.</b> Per symbol only the latest liquidation of each aligned
 *       1000 ms window is published, a few ms after the window closes: per symbol at most one
 *       event per window, trade times strictly increasing, event time after trade time and event
 *       times strictly increasing.</li>
 * </ul>
 *
 * <p>Events carry neither {@code ps} nor {@code st} (the per-symbol stream shape); add them with
 * {@link SentForceOrder#withPair} / {@link SentForceOrder#withMarketType} for the all-market stream.
 * Instances are not thread-safe.
 */
public final class MarketModel {

    /** Length of one internal simulation step. */
    public static final long STEP_MILLIS = 100;

    /** Binance publishes at most one liquidation per symbol per window of this length. */
    public static final long WINDOW_MILLIS = 1000;

    /** How long each regime lasts, in seconds. */
    static final int QUIET_MIN_SECONDS = 20;
    static final int QUIET_MAX_SECONDS = 90;
    static final int NORMAL_MIN_SECONDS = 30;
    static final int NORMAL_MAX_SECONDS = 120;
    static final int CASCADE_MIN_SECONDS = 10;
    static final int CASCADE_MAX_SECONDS = 40;
    /** The opening normal regime is at least this long, so that a quick start sees data. */
    static final int FIRST_REGIME_MIN_SECONDS = 40;

    private static final double STEP_SECONDS = STEP_MILLIS / 1000.0;

    /** The universe of instruments is fixed: it depends on the symbol count only. */
    private static final long UNIVERSE_SEED = 0x1D5C0FFEEL;

    /** Reference prices of the real perpetuals, most liquidated first. */
    private static final String[][] WELL_KNOWN = {
        {"BTCUSDT", "90000"}, {"ETHUSDT", "3000"}, {"SOLUSDT", "150"}, {"BNBUSDT", "600"},
        {"XRPUSDT", "2.2"}, {"DOGEUSDT", "0.15"}, {"1000PEPEUSDT", "0.01"}, {"SUIUSDT", "3.2"},
        {"ADAUSDT", "0.7"}, {"AVAXUSDT", "25"}, {"LINKUSDT", "15"}, {"WIFUSDT", "1.1"},
        {"LTCUSDT", "90"}, {"TRXUSDT", "0.25"}, {"DOTUSDT", "4.2"}, {"BCHUSDT", "450"},
        {"NEARUSDT", "3"}, {"APTUSDT", "6"}, {"ARBUSDT", "0.4"}, {"OPUSDT", "0.8"},
        {"FILUSDT", "3"}, {"ETCUSDT", "18"}, {"INJUSDT", "15"}, {"1000SHIBUSDT", "0.013"},
        {"WLDUSDT", "1.2"}, {"TIAUSDT", "3"}, {"SEIUSDT", "0.3"}, {"ORDIUSDT", "10"},
        {"UNIUSDT", "8"}, {"AAVEUSDT", "250"}, {"ATOMUSDT", "5"}, {"ENAUSDT", "0.5"},
        {"1000BONKUSDT", "0.02"}, {"HBARUSDT", "0.2"}, {"XLMUSDT", "0.3"}, {"TONUSDT", "3"},
        {"TAOUSDT", "400"}, {"FETUSDT", "0.8"}, {"RENDERUSDT", "4"}, {"ONDOUSDT", "1"},
        {"JUPUSDT", "0.6"}, {"PENDLEUSDT", "4"}, {"LDOUSDT", "1.2"}, {"CRVUSDT", "0.6"},
        {"ICPUSDT", "6"}, {"ILVUSDT", "3.8"}, {"1000FLOKIUSDT", "0.1"}, {"STXUSDT", "0.8"},
        {"IMXUSDT", "0.6"}, {"GRTUSDT", "0.1"}, {"ALGOUSDT", "0.2"}, {"VETUSDT", "0.03"},
        {"SANDUSDT", "0.3"}, {"MANAUSDT", "0.3"}, {"AXSUSDT", "5"}, {"GALAUSDT", "0.02"},
        {"RUNEUSDT", "1.5"}, {"THETAUSDT", "1"}, {"EGLDUSDT", "20"}, {"KASUSDT", "0.09"},
        {"PYTHUSDT", "0.2"}, {"PEOPLEUSDT", "0.02"}, {"ZECUSDT", "50"}, {"DASHUSDT", "30"},
        {"COMPUSDT", "50"}, {"SNXUSDT", "1"}, {"DYDXUSDT", "0.7"}, {"GMXUSDT", "15"},
        {"ZROUSDT", "3"}, {"ENSUSDT", "25"}, {"JTOUSDT", "2"}, {"TRUMPUSDT", "10"},
    };

    /**
     * Binance's own settings for the majors, where the rule of thumb would be off:
     * symbol → {price precision, tick size, quantity decimals}.
     */
    private static final Map<String, String[]> OVERRIDES = Map.of(
            "BTCUSDT", new String[] {"2", "0.10", "3"},
            "ETHUSDT", new String[] {"2", "0.01", "3"},
            "SOLUSDT", new String[] {"4", "0.0100", "0"},
            "BNBUSDT", new String[] {"3", "0.010", "2"},
            "XRPUSDT", new String[] {"4", "0.0001", "1"},
            "DOGEUSDT", new String[] {"6", "0.000010", "0"},
            "1000PEPEUSDT", new String[] {"7", "0.0000001", "0"},
            "ILVUSDT", new String[] {"5", "0.001", "1"});

    private static final String CONSONANTS = "BCDFGHJKLMNPRSTVXZ";
    private static final String VOWELS = "AEIOUY";

    /** The market regimes. */
    public enum Regime {
        /** Long stretches with almost no liquidation at all. */
        QUIET,
        /** A few liquidations per second across the market, both sides. */
        NORMAL,
        /** A sharp move: dozens of symbols liquidated per second, mostly on one side. */
        CASCADE
    }

    /**
     * One regime period, {@code [startMillis, endMillis)}.
     *
     * @param direction for a cascade the direction of the move: -1 down (longs liquidated, SELL
     *     dominates), +1 up (shorts liquidated, BUY dominates); 0 otherwise
     * @param ratePerSecond the (peak) rate of liquidations across the market, before Binance's
     *     one-per-second-per-symbol snapshotting
     */
    public record RegimeSpan(Regime regime, long startMillis, long endMillis, int direction, double ratePerSecond) {

        public boolean contains(long millis) {
            return millis >= startMillis && millis < endMillis;
        }

        /** The side most liquidations of this cascade are on, or null if it is no cascade. */
        public String dominantSide() {
            return direction < 0 ? "SELL" : direction > 0 ? "BUY" : null;
        }
    }

    /**
     * One tradable perpetual.
     *
     * @param symbol upper case, e.g. {@code BTCUSDT}
     * @param referencePrice the price the model starts from
     * @param pricePrecision how many decimals prices are printed with (1–7)
     * @param tickSize the price grid of {@code p}; a multiple of {@code 10^-pricePrecision}
     * @param quantityScale how many decimals quantities have (0–3); the step is {@code 10^-scale}
     */
    public record Instrument(String symbol, double referencePrice, int pricePrecision, BigDecimal tickSize,
            int quantityScale, double weight, double sizeFactor, double maxNotional, double beta,
            double idiosyncraticVolatility) {

        public BigDecimal quantityStep() {
            return BigDecimal.ONE.movePointLeft(quantityScale);
        }
    }

    /** A liquidation waiting for its 1000 ms window to close: only the latest one is published. */
    private record Pending(long window, long tradeTime, String side, String quantity, String price,
            String averagePrice, String lastFilled) {}

    private final Random random;
    private final long startMillis;
    private final List<Instrument> instruments;
    private final Map<String, Instrument> bySymbol;
    private final double[] cumulativeNormalWeight;
    private final double[] cumulativeCascadeWeight;

    // Prices.
    private double marketLog;
    private double marketEma;
    private final double[] idiosyncratic;
    private final long[] idiosyncraticAt;

    // Regime.
    private final List<RegimeSpan> history = new ArrayList<>();
    private RegimeSpan current;
    private double cascadeMove;
    private double normalBias;
    private double rateNoise;

    // Snapshotting and output.
    private final Pending[] pending;
    private final List<Integer> pendingSymbols = new ArrayList<>();
    private final List<SentForceOrder> ready = new ArrayList<>();
    private long simulatedUntil;
    private long liquidations;
    private long eventsReleased;

    /**
     * @param seed drives every random choice
     * @param symbolCount how many instruments trade (at least 1); the real ones come first
     * @param startMillis epoch ms at which the simulation starts
     */
    public MarketModel(long seed, int symbolCount, long startMillis) {
        if (symbolCount < 1) {
            throw new IllegalArgumentException("symbolCount must be at least 1, was " + symbolCount);
        }
        this.random = new Random(seed);
        this.startMillis = startMillis;
        // Steps sit on the 100 ms grid, so that none straddles a 1000 ms window boundary.
        this.simulatedUntil = Math.floorDiv(startMillis + STEP_MILLIS - 1, STEP_MILLIS) * STEP_MILLIS;
        this.instruments = List.copyOf(universe(symbolCount));
        Map<String, Instrument> index = new LinkedHashMap<>();
        for (Instrument instrument : instruments) {
            index.put(instrument.symbol(), instrument);
        }
        this.bySymbol = Collections.unmodifiableMap(index);
        this.cumulativeNormalWeight = cumulative(1.0);
        this.cumulativeCascadeWeight = cumulative(0.5);
        this.idiosyncratic = new double[symbolCount];
        this.idiosyncraticAt = new long[symbolCount];
        Arrays.fill(idiosyncraticAt, startMillis);
        this.pending = new Pending[symbolCount];

        long firstEnd = startMillis + 1000L * (FIRST_REGIME_MIN_SECONDS + random.nextInt(51));
        begin(new RegimeSpan(Regime.NORMAL, startMillis, firstEnd, 0, 2.0 + 3.0 * random.nextDouble()));
        normalBias = 2 * random.nextDouble() - 1;
    }

    // ---------------------------------------------------------------------------------------------
    // Public API
    // ---------------------------------------------------------------------------------------------

    /**
     * Runs the simulation up to {@code nowMillis} and returns the events due by then (event time
     * {@code E <= nowMillis}) that were not returned before, ordered by event time then symbol.
     * Calling with a time not after the previous one returns nothing new.
     */
    public List<SentForceOrder> advance(long nowMillis) {
        while (simulatedUntil + STEP_MILLIS <= nowMillis) {
            step(simulatedUntil);
            simulatedUntil += STEP_MILLIS;
        }
        List<SentForceOrder> due = new ArrayList<>();
        List<SentForceOrder> later = new ArrayList<>();
        for (SentForceOrder order : ready) {
            (order.eventTime() <= nowMillis ? due : later).add(order);
        }
        ready.clear();
        ready.addAll(later);
        due.sort(Comparator.comparingLong(SentForceOrder::eventTime).thenComparing(SentForceOrder::symbol));
        eventsReleased += due.size();
        return due;
    }

    public long startMillis() {
        return startMillis;
    }

    /** The time up to which the market has been simulated (on the {@value #STEP_MILLIS} ms grid). */
    public long simulatedUntil() {
        return simulatedUntil;
    }

    /** The traded symbols, in model order (real perpetuals first). */
    public List<String> symbols() {
        return List.copyOf(bySymbol.keySet());
    }

    public List<Instrument> instruments() {
        return instruments;
    }

    public Instrument instrument(String symbol) {
        Instrument instrument = bySymbol.get(symbol);
        if (instrument == null) {
            throw new IllegalArgumentException("unknown symbol " + symbol);
        }
        return instrument;
    }

    /** The regime at {@link #simulatedUntil()}. */
    public Regime regime() {
        return current.regime();
    }

    public RegimeSpan currentSpan() {
        return current;
    }

    /** Every regime period begun so far, oldest first; the last one may still be running. */
    public List<RegimeSpan> regimeHistory() {
        return List.copyOf(history);
    }

    /** The regime period that contains {@code millis}, if it has begun. */
    public RegimeSpan regimeAt(long millis) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).contains(millis)) {
                return history.get(i);
            }
        }
        return null;
    }

    /** Market level relative to the start, 1.0 = unchanged. */
    public double marketIndex() {
        return StrictMath.exp(marketLog);
    }

    /** The current mid price of {@code symbol} (no random draw: the idiosyncratic term as last updated). */
    public double price(String symbol) {
        Instrument instrument = instrument(symbol);
        int index = instruments.indexOf(instrument);
        return instrument.referencePrice() * StrictMath.exp(instrument.beta() * marketLog + idiosyncratic[index]);
    }

    /** Liquidations that happened, before Binance's one-per-second snapshotting. */
    public long liquidationCount() {
        return liquidations;
    }

    /** Events returned by {@link #advance} so far. */
    public long eventCount() {
        return eventsReleased;
    }

    // ---------------------------------------------------------------------------------------------
    // Simulation
    // ---------------------------------------------------------------------------------------------

    private void step(long stepStart) {
        while (stepStart >= current.endMillis()) {
            begin(nextRegime(current.endMillis()));
        }
        moveMarket(stepStart);

        double rate = rate(stepStart);
        int count = poisson(rate * STEP_SECONDS);
        double[] weights = current.regime() == Regime.CASCADE ? cumulativeCascadeWeight : cumulativeNormalWeight;
        for (int i = 0; i < count; i++) {
            int symbol = pick(weights);
            long tradeTime = stepStart + random.nextInt((int) STEP_MILLIS);
            liquidate(symbol, tradeTime, stepStart);
        }

        closeWindows(stepStart + STEP_MILLIS);
    }

    private void moveMarket(long stepStart) {
        double volatility;
        double drift;
        switch (current.regime()) {
            case QUIET -> {
                volatility = 0.00004;
                drift = 0;
            }
            case CASCADE -> {
                volatility = 0.0006;
                drift = current.direction() * cascadeMove / ((current.endMillis() - current.startMillis()) / 1000.0);
            }
            default -> {
                volatility = 0.0001;
                drift = 0.00002 * normalBias;
            }
        }
        // A pull back to the start level (over about two hours) keeps a simulator that runs for days near its reference prices.
        double reversion = -marketLog / (2 * 3600.0);
        marketLog += (drift + reversion) * STEP_SECONDS + volatility * StrictMath.sqrt(STEP_SECONDS) * random.nextGaussian();
        marketEma += (marketLog - marketEma) * STEP_SECONDS / 15.0;

        // Slow noise on the normal rate, so that normal periods breathe (stationary sd 0.5, ~8 s memory).
        double theta = 1 / 8.0;
        rateNoise += -rateNoise * theta * STEP_SECONDS
                + 0.5 * StrictMath.sqrt(2 * theta * STEP_SECONDS) * random.nextGaussian();
    }

    private double rate(long stepStart) {
        switch (current.regime()) {
            case QUIET:
                return current.ratePerSecond();
            case CASCADE: {
                double x = (stepStart - current.startMillis()) / (double) (current.endMillis() - current.startMillis());
                // Quick rise over the first fifth, then a slow decay to a third of the peak.
                double shape = x < 0.2 ? 0.15 + 0.85 * x / 0.2 : 1 - 0.65 * (x - 0.2) / 0.8;
                return current.ratePerSecond() * shape;
            }
            default:
                return current.ratePerSecond() * StrictMath.exp(rateNoise - 0.125);
        }
    }

    private void liquidate(int index, long tradeTime, long now) {
        liquidations++;
        Instrument instrument = instruments.get(index);
        double market = midPrice(index, now);
        boolean cascade = current.regime() == Regime.CASCADE;

        boolean sell;
        if (cascade) {
            boolean withTheMove = random.nextDouble() < 0.9;
            sell = (current.direction() < 0) == withTheMove;
        } else {
            // A falling market liquidates longs (SELL), a rising one shorts (BUY).
            double momentum = (marketLog - marketEma) * instrument.beta() / 0.0015
                    + (current.regime() == Regime.NORMAL ? 0.6 * normalBias : 0);
            double sellProbability = 1 / (1 + StrictMath.exp(momentum));
            sell = random.nextDouble() < sellProbability;
        }

        // Notional: log-normal around ~$900 scaled by the instrument, with a Pareto tail.
        double notional = StrictMath.exp(StrictMath.log(900) + 1.4 * random.nextGaussian()) * instrument.sizeFactor();
        if (cascade) {
            notional *= 2.5;
        }
        if (random.nextDouble() < (cascade ? 0.03 : 0.004)) {
            notional *= StrictMath.pow(1 - random.nextDouble(), -1 / 1.1);
        }
        notional = Math.max(6, Math.min(notional, instrument.maxNotional()));

        // p: the IOC limit, beyond the market; ap: the fill, between the market and p.
        double gap = (0.001 + 0.012 * square(random.nextDouble())) * (cascade ? 1.5 : 1);
        double impact = gap * 0.6 * random.nextDouble();
        BigDecimal tick = instrument.tickSize();
        int scale = instrument.pricePrecision();
        BigDecimal price;
        BigDecimal averagePrice;
        if (sell) {
            price = onGrid(market * (1 - gap), tick, RoundingMode.FLOOR, scale);
            averagePrice = BigDecimal.valueOf(market * (1 - impact)).setScale(scale, RoundingMode.HALF_UP).max(price);
        } else {
            price = onGrid(market * (1 + gap), tick, RoundingMode.CEILING, scale);
            averagePrice = BigDecimal.valueOf(market * (1 + impact)).setScale(scale, RoundingMode.HALF_UP).min(price);
        }
        if (averagePrice.signum() <= 0) {
            averagePrice = price;
        }

        long steps = Math.max(1, (long) StrictMath.floor(notional / averagePrice.doubleValue() * StrictMath.pow(10, instrument.quantityScale())));
        long lastSteps = steps;
        if (steps >= 2 && random.nextDouble() < 0.25) {
            lastSteps = 1 + (long) (random.nextDouble() * (steps - 1));
        }
        BigDecimal quantity = BigDecimal.valueOf(steps, instrument.quantityScale());
        BigDecimal lastFilled = BigDecimal.valueOf(lastSteps, instrument.quantityScale());

        long window = Math.floorDiv(tradeTime, WINDOW_MILLIS);
        Pending previous = pending[index];
        if (previous == null) {
            pendingSymbols.add(index);
        } else if (previous.window() == window && previous.tradeTime() > tradeTime) {
            return; // Binance keeps the latest liquidation of the window only.
        }
        pending[index] = new Pending(window, tradeTime, sell ? "SELL" : "BUY", quantity.toPlainString(),
                price.toPlainString(), averagePrice.toPlainString(), lastFilled.toPlainString());
    }

    /** Publishes the snapshot of every window that has closed by {@code now}. */
    private void closeWindows(long now) {
        List<Integer> stillOpen = new ArrayList<>();
        for (int index : pendingSymbols) {
            Pending p = pending[index];
            long windowEnd = (p.window() + 1) * WINDOW_MILLIS;
            if (windowEnd > now) {
                stillOpen.add(index);
                continue;
            }
            long eventTime = windowEnd + 1 + random.nextInt(60);
            ready.add(new SentForceOrder(instruments.get(index).symbol(), eventTime, p.side(), "LIMIT", "IOC",
                    p.quantity(), p.price(), p.averagePrice(), "FILLED", p.lastFilled(), p.quantity(),
                    p.tradeTime(), null, null));
            pending[index] = null;
        }
        pendingSymbols.clear();
        pendingSymbols.addAll(stillOpen);
    }

    private double midPrice(int index, long now) {
        Instrument instrument = instruments.get(index);
        double elapsed = (now - idiosyncraticAt[index]) / 1000.0;
        if (elapsed > 0) {
            // Exact Ornstein-Uhlenbeck update over the time since this symbol was last looked at.
            double tau = 4 * 3600.0;
            double decay = StrictMath.exp(-elapsed / tau);
            double sd = instrument.idiosyncraticVolatility() * StrictMath.sqrt(tau / 2 * (1 - decay * decay));
            idiosyncratic[index] = idiosyncratic[index] * decay + sd * random.nextGaussian();
            idiosyncraticAt[index] = now;
        }
        return instrument.referencePrice() * StrictMath.exp(instrument.beta() * marketLog + idiosyncratic[index]);
    }

    private void begin(RegimeSpan span) {
        current = span;
        history.add(span);
    }

    private RegimeSpan nextRegime(long start) {
        double u = random.nextDouble();
        Regime next = switch (current.regime()) {
            case NORMAL -> u < 0.5 ? Regime.QUIET : u < 0.75 ? Regime.CASCADE : Regime.NORMAL;
            case QUIET -> u < 0.8 ? Regime.NORMAL : Regime.CASCADE;
            case CASCADE -> u < 0.7 ? Regime.NORMAL : Regime.QUIET;
        };
        switch (next) {
            case QUIET: {
                long end = start + 1000L * between(QUIET_MIN_SECONDS, QUIET_MAX_SECONDS);
                return new RegimeSpan(Regime.QUIET, start, end, 0, 0.003 + 0.012 * random.nextDouble());
            }
            case CASCADE: {
                long end = start + 1000L * between(CASCADE_MIN_SECONDS, CASCADE_MAX_SECONDS);
                // Long squeezes are the more common, but a market far from where it started tends to snap back.
                double downProbability = Math.max(0.1, Math.min(0.9, 0.55 + 8 * marketLog));
                int direction = random.nextDouble() < downProbability ? -1 : 1;
                cascadeMove = 0.008 + 0.022 * random.nextDouble();
                return new RegimeSpan(Regime.CASCADE, start, end, direction, 50 + 90 * random.nextDouble());
            }
            default: {
                long end = start + 1000L * between(NORMAL_MIN_SECONDS, NORMAL_MAX_SECONDS);
                normalBias = 2 * random.nextDouble() - 1;
                return new RegimeSpan(Regime.NORMAL, start, end, 0, 1.5 + 4.5 * random.nextDouble());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private int poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return (int) Math.max(0, StrictMath.round(mean + StrictMath.sqrt(mean) * random.nextGaussian()));
        }
        double limit = StrictMath.exp(-mean);
        int count = 0;
        double product = random.nextDouble();
        while (product > limit) {
            count++;
            product *= random.nextDouble();
        }
        return count;
    }

    private int pick(double[] cumulative) {
        double target = random.nextDouble() * cumulative[cumulative.length - 1];
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulative[mid] > target) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    private double[] cumulative(double exponent) {
        double[] sums = new double[instruments.size()];
        double total = 0;
        for (int i = 0; i < sums.length; i++) {
            total += StrictMath.pow(instruments.get(i).weight(), exponent);
            sums[i] = total;
        }
        return sums;
    }

    private static double square(double x) {
        return x * x;
    }

    private static BigDecimal onGrid(double value, BigDecimal tick, RoundingMode rounding, int scale) {
        BigDecimal ticks = BigDecimal.valueOf(value).divide(tick, 0, rounding);
        if (ticks.signum() <= 0) {
            ticks = BigDecimal.ONE;
        }
        return ticks.multiply(tick).setScale(scale, RoundingMode.UNNECESSARY);
    }

    // ---------------------------------------------------------------------------------------------
    // The instruments
    // ---------------------------------------------------------------------------------------------

    /** The first {@code count} instruments: the real ones, then synthetic tail symbols. */
    static List<Instrument> universe(int count) {
        Random universe = new Random(UNIVERSE_SEED);
        List<Instrument> list = new ArrayList<>(count);
        Set<String> taken = new HashSet<>();
        for (String[] known : WELL_KNOWN) {
            taken.add(known[0]);
        }
        for (int rank = 0; rank < Math.min(count, WELL_KNOWN.length); rank++) {
            String symbol = WELL_KNOWN[rank][0];
            double price = Double.parseDouble(WELL_KNOWN[rank][1]);
            double weight = 1 / StrictMath.pow(rank + 1, 0.9);
            double sizeFactor = rank == 0 ? 5 : rank == 1 ? 4 : rank < 10 ? 2 : 1;
            double maxNotional = rank < 2 ? 4_000_000 : rank < 10 ? 800_000 : 250_000;
            double beta = rank == 0 ? 1.0 : rank == 1 ? 1.15 : 1.1 + 0.7 * universe.nextDouble();
            double volatility = rank == 0 ? 0.00005 : rank == 1 ? 0.00008 : 0.0001 + 0.0003 * universe.nextDouble();
            list.add(instrument(symbol, price, weight, sizeFactor, maxNotional, beta, volatility, universe));
        }
        while (list.size() < count) {
            String symbol;
            do {
                symbol = syntheticName(universe) + "USDT";
            } while (!taken.add(symbol));
            // Log-uniform from 0.0001 to 500.
            double low = StrictMath.log(0.0001);
            double high = StrictMath.log(500);
            double price = significant(StrictMath.exp(low + (high - low) * universe.nextDouble()));
            double weight = 0.01 * (0.3 + 1.2 * universe.nextDouble());
            double beta = 1.2 + 0.8 * universe.nextDouble();
            double volatility = 0.0002 + 0.0003 * universe.nextDouble();
            list.add(instrument(symbol, price, weight, 0.5, 80_000, beta, volatility, universe));
        }
        return list;
    }

    private static Instrument instrument(String symbol, double price, double weight, double sizeFactor,
            double maxNotional, double beta, double volatility, Random universe) {
        String[] override = OVERRIDES.get(symbol);
        int pricePrecision;
        BigDecimal tick;
        int quantityScale;
        if (override != null) {
            pricePrecision = Integer.parseInt(override[0]);
            tick = new BigDecimal(override[1]);
            quantityScale = Integer.parseInt(override[2]);
        } else {
            // Cheap coins quote more decimals (1 to 7), and often the tick is ten times the printed precision.
            pricePrecision = Math.max(1, Math.min(7, 5 - (int) StrictMath.floor(StrictMath.log10(price))));
            boolean coarse = universe.nextDouble() < 0.3 && StrictMath.pow(10, 1 - pricePrecision) / price <= 0.001;
            tick = BigDecimal.ONE.movePointLeft(coarse ? pricePrecision - 1 : pricePrecision).setScale(pricePrecision);
            quantityScale = price >= 1000 ? 3 : price >= 100 ? 2 : price >= 1 ? 1 : 0;
        }
        return new Instrument(symbol, price, pricePrecision, tick, quantityScale, weight, sizeFactor, maxNotional,
                beta, volatility);
    }

    /** A pronounceable ticker of 3 to 6 letters: {@code PADO}, {@code HYVOM}, … */
    private static String syntheticName(Random universe) {
        int length = 3 + universe.nextInt(4);
        StringBuilder name = new StringBuilder(length);
        boolean consonant = universe.nextDouble() < 0.8;
        while (name.length() < length) {
            String letters = consonant ? CONSONANTS : VOWELS;
            name.append(letters.charAt(universe.nextInt(letters.length())));
            consonant = !consonant;
        }
        return name.toString();
    }

    /** Rounds to four significant digits, so reference prices look like quoted prices. */
    private static double significant(double value) {
        return new BigDecimal(value).round(new MathContext(4)).doubleValue();
    }

    @Override
    public String toString() {
        return "MarketModel[" + instruments.size() + " symbols, " + current.regime() + " at " + simulatedUntil
                + ", liquidations=" + liquidations + ", events=" + eventsReleased + "]";
    }

}
