package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic frames for the decode benchmark: the combined-stream shape Binance sends, with the generator's spread of
 * prices (0.0001 to 100,000, trailing zeros), sizes and partial fills; one frame in five is an all-market frame with
 * {@code ps} and {@code st}, and the first ones are the real captured frames of the decoder's tests.
 */
public final class BenchFrames {
    /** A real 2026 all-market capture (from the protocol notes): partial fill, trailing zeros, ps/st inside o. */
    public static final String CAPTURED_ALL_MARKET = "{\"stream\":\"!forceOrder@arr\",\"data\":{\"e\":\"forceOrder\","
            + "\"E\":1791391083124,\"o\":{\"s\":\"ILVUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"116.5\","
            + "\"p\":\"3.80300\",\"ap\":\"3.85642\",\"X\":\"FILLED\",\"l\":\"25.2\",\"z\":\"116.5\",\"T\":1791391082119,"
            + "\"ps\":\"ILVUSDT\",\"st\":1}}}";
    /** Binance's documented example in the per-symbol combined form. */
    public static final String DOCUMENTED_BTC = "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\","
            + "\"E\":1568014460893,\"o\":{\"s\":\"BTCUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"0.014\","
            + "\"p\":\"9910\",\"ap\":\"9910\",\"X\":\"FILLED\",\"l\":\"0.014\",\"z\":\"0.014\",\"T\":1568014460893}}}";

    private BenchFrames() {
    }

    public static List<String> realistic(int count, long seed) {
        ForceOrderEvents events = new ForceOrderEvents(seed, 1_780_000_000_000L);
        List<String> symbols = ForceOrderEvents.symbols(Math.max(1, Math.min(300, count)));
        List<String> frames = new ArrayList<>(count);
        frames.add(CAPTURED_ALL_MARKET);
        frames.add(DOCUMENTED_BTC);
        for (int i = frames.size(); i < count; i++) {
            String symbol = symbols.get(i % symbols.size());
            if (i % 5 == 0) {
                SentForceOrder order = events.nextAllMarket(symbol);
                frames.add(combined(ForceOrderEvents.ALL_MARKET_STREAM, order.toJson()));
            } else {
                SentForceOrder order = events.next(symbol);
                frames.add(combined(order.stream(), order.toJson()));
            }
        }
        return frames.subList(0, count);
    }

    public static String combined(String stream, String eventJson) {
        return "{\"stream\":\"" + stream + "\",\"data\":" + eventJson + "}";
    }
}
