package io.liquidations.connect.binance.exchange;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Realistic, reproducible Binance {@code forceOrder} events for tests, each paired with exactly
 * what was sent so that a test can compare the connector's output field by field.
 *
 * <p>Decimals are kept as the strings put on the wire ({@code "3.80300"}, {@code "0.014"}): the
 * connector must carry them without going through binary floating point, and comparing strings
 * (or {@code BigDecimal}s built from them) is how a test proves it.
 *
 * <p>The generator is deterministic for a given seed and start time. Per symbol it keeps trade
 * times strictly increasing and at least one second apart, as Binance pushes at most one
 * liquidation per symbol per 1000 ms window; the event time is never before the trade time.
 * Instances are not thread-safe.
 */
public final class ForceOrderEvents {

    /** The all-market liquidation stream name. */
    public static final String ALL_MARKET_STREAM = "!forceOrder@arr";

    /** Real USDⓈ-M perpetuals, used first by {@link #symbols(int)} so that test output reads naturally. */
    private static final List<String> WELL_KNOWN_SYMBOLS = List.of(
            "BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT", "ADAUSDT", "AVAXUSDT",
            "LINKUSDT", "DOTUSDT", "LTCUSDT", "BCHUSDT", "TRXUSDT", "ATOMUSDT", "NEARUSDT", "APTUSDT",
            "ARBUSDT", "OPUSDT", "SUIUSDT", "FILUSDT", "ETCUSDT", "INJUSDT", "ILVUSDT", "1000PEPEUSDT",
            "1000SHIBUSDT", "WLDUSDT", "TIAUSDT", "SEIUSDT", "ORDIUSDT", "UNIUSDT");

    private final Random random;
    private final long startEpochMillis;
    private final Map<String, Long> lastTradeTime = new HashMap<>();

    /** A generator whose first events are stamped around the current wall-clock time, so they look live. */
    public ForceOrderEvents(long seed) {
        this(seed, System.currentTimeMillis());
    }

    /** A fully reproducible generator: same seed and start time, same events. */
    public ForceOrderEvents(long seed, long startEpochMillis) {
        this.random = new Random(seed);
        this.startEpochMillis = startEpochMillis;
    }

    /**
     * The next liquidation of {@code symbol} in the classic per-symbol stream shape (no
     * {@code ps}, no {@code st}).
     */
    public SentForceOrder next(String symbol) {
        Objects.requireNonNull(symbol, "symbol");
        long tradeTime = nextTradeTime(symbol);
        // E is stamped when the frame is built, a little after the trade.
        long eventTime = tradeTime + random.nextInt(1200);

        int priceScale = 0;
        BigDecimal price;
        do {
            // Log-uniform from 0.0001 to 100 000 covers PEPE-like coins up to BTC.
            double magnitude = Math.pow(10, -4 + random.nextDouble() * 9);
            // Cheap coins quote more decimals than expensive ones, as on Binance (1 to 7).
            priceScale = Math.max(1, Math.min(7, 5 - (int) Math.floor(Math.log10(magnitude))));
            // Often the tick is coarser than the printed precision, which leaves trailing zeros ("3.80300").
            int significantScale = random.nextInt(10) < 3 ? Math.max(0, priceScale - 1 - random.nextInt(3)) : priceScale;
            price = BigDecimal.valueOf(magnitude).setScale(significantScale, RoundingMode.HALF_UP).setScale(priceScale);
        } while (price.signum() <= 0);

        String side = random.nextBoolean() ? "SELL" : "BUY";
        // A liquidation is an IOC limit order; it fills at p or better: above p for a SELL, below for a BUY.
        BigDecimal slippage = BigDecimal.valueOf(random.nextInt(1000), 5); // 0 to 0.999 %
        BigDecimal factor = "SELL".equals(side) ? BigDecimal.ONE.add(slippage) : BigDecimal.ONE.subtract(slippage);
        BigDecimal averagePrice = price.multiply(factor).setScale(priceScale, RoundingMode.HALF_UP);
        if (averagePrice.signum() <= 0) {
            averagePrice = price;
        }

        int quantityScale = random.nextInt(4); // 0 to 3 decimals
        BigDecimal step = BigDecimal.ONE.movePointLeft(quantityScale);
        BigDecimal notional = BigDecimal.valueOf(5 + random.nextInt(50_000));
        BigDecimal quantity = notional.divide(price, quantityScale, RoundingMode.DOWN).max(step);

        // Partial fills: the last fill l is a part of the accumulated z (which equals q once FILLED).
        BigDecimal lastFilled = quantity;
        if (random.nextInt(10) < 3 && quantity.compareTo(step) > 0) {
            long steps = quantity.divide(step, 0, RoundingMode.DOWN).longValueExact();
            lastFilled = step.multiply(BigDecimal.valueOf(1 + (long) (random.nextDouble() * (steps - 1))));
        }

        return new SentForceOrder(
                symbol,
                eventTime,
                side,
                "LIMIT",
                "IOC",
                quantity.toPlainString(),
                price.toPlainString(),
                averagePrice.toPlainString(),
                "FILLED",
                lastFilled.toPlainString(),
                quantity.toPlainString(),
                tradeTime,
                null,
                null);
    }

    /**
     * The next liquidation of {@code symbol} as the all-market stream has carried it since
     * 2026-06-30: with {@code ps} (the pair) and {@code st} (1 = USDⓈ-M, 2 = COIN-M, inferred from
     * a COIN-M style symbol such as {@code BTCUSD_PERP}).
     */
    public SentForceOrder nextAllMarket(String symbol) {
        SentForceOrder order = next(symbol);
        int underscore = symbol.indexOf('_');
        boolean coinMargined = underscore > 0;
        return order.withPair(coinMargined ? symbol.substring(0, underscore) : symbol).withMarketType(coinMargined ? 2 : 1);
    }

    private long nextTradeTime(String symbol) {
        Long last = lastTradeTime.get(symbol);
        long tradeTime = last == null
                ? startEpochMillis + random.nextInt(1000)
                : last + 1000 + random.nextInt(3000);
        lastTradeTime.put(symbol, tradeTime);
        return tradeTime;
    }

    /**
     * {@code n} distinct upper-case symbols: real ones first (BTCUSDT, ETHUSDT, …), then synthetic
     * ones ({@code SYM31USDT}, {@code SYM32USDT}, …) that follow the same lexical rules.
     */
    public static List<String> symbols(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative");
        }
        Set<String> symbols = new LinkedHashSet<>(WELL_KNOWN_SYMBOLS.subList(0, Math.min(n, WELL_KNOWN_SYMBOLS.size())));
        for (int i = symbols.size() + 1; symbols.size() < n; i++) {
            symbols.add("SYM" + i + "USDT");
        }
        return new ArrayList<>(symbols);
    }

    /** The per-symbol stream name for {@code symbol}: {@code btcusdt@forceOrder}. */
    public static String streamOf(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@forceOrder";
    }

    /**
     * One liquidation exactly as sent: every decimal is the literal string on the wire.
     *
     * @param symbol {@code o.s}, upper case
     * @param eventTime {@code E}, epoch ms
     * @param side {@code o.S}, BUY or SELL
     * @param orderType {@code o.o}
     * @param timeInForce {@code o.f}
     * @param quantity {@code o.q}
     * @param price {@code o.p}
     * @param averagePrice {@code o.ap}
     * @param status {@code o.X}
     * @param lastFilledQuantity {@code o.l}
     * @param filledAccumulatedQuantity {@code o.z}
     * @param tradeTime {@code o.T}, epoch ms
     * @param pair {@code o.ps}, or null when absent
     * @param marketType {@code o.st}, or null when absent
     */
    public record SentForceOrder(
            String symbol,
            long eventTime,
            String side,
            String orderType,
            String timeInForce,
            String quantity,
            String price,
            String averagePrice,
            String status,
            String lastFilledQuantity,
            String filledAccumulatedQuantity,
            long tradeTime,
            String pair,
            Integer marketType) {

        public SentForceOrder {
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(side, "side");
            Objects.requireNonNull(orderType, "orderType");
            Objects.requireNonNull(timeInForce, "timeInForce");
            Objects.requireNonNull(quantity, "quantity");
            Objects.requireNonNull(price, "price");
            Objects.requireNonNull(averagePrice, "averagePrice");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(lastFilledQuantity, "lastFilledQuantity");
            Objects.requireNonNull(filledAccumulatedQuantity, "filledAccumulatedQuantity");
        }

        /**
         * The event as Binance sends it, with {@code ps} and {@code st} inside {@code o} (where a
         * real 2026 capture has them) and only when set. Decimals are JSON strings, times numbers.
         */
        public String toJson() {
            StringBuilder json = new StringBuilder(256)
                    .append("{\"e\":\"forceOrder\",\"E\":").append(eventTime)
                    .append(",\"o\":{");
            field(json, "s", symbol).append(',');
            field(json, "S", side).append(',');
            field(json, "o", orderType).append(',');
            field(json, "f", timeInForce).append(',');
            field(json, "q", quantity).append(',');
            field(json, "p", price).append(',');
            field(json, "ap", averagePrice).append(',');
            field(json, "X", status).append(',');
            field(json, "l", lastFilledQuantity).append(',');
            field(json, "z", filledAccumulatedQuantity).append(',');
            json.append("\"T\":").append(tradeTime);
            if (pair != null) {
                field(json.append(','), "ps", pair);
            }
            if (marketType != null) {
                json.append(",\"st\":").append(marketType);
            }
            return json.append("}}").toString();
        }

        /** The per-symbol stream this event belongs to ({@code btcusdt@forceOrder}). */
        public String stream() {
            return streamOf(symbol);
        }

        public SentForceOrder withPair(String pair) {
            return new SentForceOrder(symbol, eventTime, side, orderType, timeInForce, quantity, price, averagePrice,
                    status, lastFilledQuantity, filledAccumulatedQuantity, tradeTime, pair, marketType);
        }

        public SentForceOrder withMarketType(Integer marketType) {
            return new SentForceOrder(symbol, eventTime, side, orderType, timeInForce, quantity, price, averagePrice,
                    status, lastFilledQuantity, filledAccumulatedQuantity, tradeTime, pair, marketType);
        }

        private static StringBuilder field(StringBuilder json, String name, String value) {
            return json.append('"').append(name).append("\":\"")
                    .append(JsonStringEncoder.getInstance().quoteAsString(value))
                    .append('"');
        }
    }
}
