package io.liquidations.connect.binance.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ForceOrderFrameDecoderTest {

    /** The event of the protocol doc, in the combined form. */
    static final String BTC_EVENT = "{\"e\":\"forceOrder\",\"E\":1568014460893,"
            + "\"o\":{\"s\":\"BTCUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"0.014\",\"p\":\"9910\","
            + "\"ap\":\"9910\",\"X\":\"FILLED\",\"l\":\"0.014\",\"z\":\"0.014\",\"T\":1568014460893}}";
    static final String BTC_COMBINED = "{\"stream\":\"btcusdt@forceOrder\",\"data\":" + BTC_EVENT + "}";

    /** A real all-market frame captured in 2026: ps and st inside o, trailing zeros, l != z. */
    static final String ILV_ALL_MARKET = "{\"stream\":\"!forceOrder@arr\",\"data\":{\"e\":\"forceOrder\","
            + "\"E\":1791391083124,\"o\":{\"s\":\"ILVUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"116.5\","
            + "\"p\":\"3.80300\",\"ap\":\"3.85642\",\"X\":\"FILLED\",\"l\":\"25.2\",\"z\":\"116.5\","
            + "\"T\":1791391082119,\"ps\":\"ILVUSDT\",\"st\":1}}}";

    /** The COIN-M example of the official SDK, raw form. */
    static final String COIN_M_RAW = "{\"e\":\"forceOrder\",\"E\":1591154240950,\"o\":{\"s\":\"BTCUSD_200925\","
            + "\"ps\":\"BTCUSD\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"1\",\"p\":\"9425.5\","
            + "\"ap\":\"9496.5\",\"X\":\"FILLED\",\"l\":\"1\",\"z\":\"1\",\"T\":1591154240949}}";

    /** The SDKs' shape: ps and st beside o. */
    static final String PS_ST_BESIDE_O = "{\"e\":\"forceOrder\",\"E\":1791391083124,\"ps\":\"BTCUSD\",\"st\":2,"
            + "\"o\":{\"s\":\"BTCUSD_PERP\",\"S\":\"BUY\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"3\",\"p\":\"61000.1\","
            + "\"ap\":\"61010.0\",\"X\":\"FILLED\",\"l\":\"3\",\"z\":\"3\",\"T\":1791391083000}}";

    private final ForceOrderFrameDecoder decoder = new ForceOrderFrameDecoder();

    private DecodedFrame.Liquidations liquidations(String text) throws MalformedFrameException {
        return assertInstanceOf(DecodedFrame.Liquidations.class, decoder.decode(text));
    }

    private ForceOrderEvent single(String text) throws MalformedFrameException {
        List<ForceOrderEvent> events = liquidations(text).events();
        assertEquals(1, events.size());
        return events.get(0);
    }

    /** Decimals are the exchange's text, digit for digit. */
    private static void assertExact(String expected, String actual) {
        assertEquals(expected, actual);
    }

    @Test
    void combinedBtcUsdtExample() throws Exception {
        DecodedFrame.Liquidations frame = liquidations(BTC_COMBINED);
        assertEquals("btcusdt@forceOrder", frame.stream());
        ForceOrderEvent event = frame.events().get(0);
        assertEquals(new ForceOrderEvent("forceOrder", 1568014460893L, "BTCUSDT", null, "SELL", "LIMIT", "IOC",
                "0.014", "9910", "9910", "FILLED", "0.014", "0.014", 1568014460893L, null), event);
    }

    @Test
    void allMarketFrameWithPairAndMarketTypeInsideOrder() throws Exception {
        DecodedFrame.Liquidations frame = liquidations(ILV_ALL_MARKET);
        assertEquals("!forceOrder@arr", frame.stream());
        ForceOrderEvent event = frame.events().get(0);
        assertEquals("ILVUSDT", event.symbol());
        assertEquals("ILVUSDT", event.pair());
        assertEquals(Integer.valueOf(1), event.marketType());
        assertEquals(1791391083124L, event.eventTime());
        assertEquals(1791391082119L, event.tradeTime());
        assertExact("116.5", event.quantity());
        assertExact("3.80300", event.price());
        assertExact("3.85642", event.averagePrice());
        assertExact("25.2", event.lastFilledQuantity());
        assertExact("116.5", event.filledAccumulatedQuantity());
        assertEquals("SELL", event.side());
        assertEquals("FILLED", event.status());
    }

    @Test
    void coinMRawForm() throws Exception {
        DecodedFrame.Liquidations frame = liquidations(COIN_M_RAW);
        assertNull(frame.stream(), "the raw form names no stream");
        ForceOrderEvent event = frame.events().get(0);
        assertEquals("BTCUSD_200925", event.symbol());
        assertEquals("BTCUSD", event.pair());
        assertNull(event.marketType());
        assertEquals(1591154240950L, event.eventTime());
        assertEquals(1591154240949L, event.tradeTime());
        assertExact("1", event.quantity());
        assertExact("9425.5", event.price());
        assertExact("9496.5", event.averagePrice());
    }

    @Test
    void pairAndMarketTypeBesideOrder() throws Exception {
        ForceOrderEvent event = single(PS_ST_BESIDE_O);
        assertEquals("BTCUSD_PERP", event.symbol());
        assertEquals("BTCUSD", event.pair());
        assertEquals(Integer.valueOf(2), event.marketType());
        assertEquals("BUY", event.side());
        assertExact("61010.0", event.averagePrice());
    }

    @Test
    void arrayOfEventsUnderData() throws Exception {
        String text = "{\"stream\":\"!forceOrder@arr\",\"data\":[" + BTC_EVENT + "," + COIN_M_RAW + "]}";
        DecodedFrame.Liquidations frame = liquidations(text);
        assertEquals("!forceOrder@arr", frame.stream());
        assertEquals(List.of("BTCUSDT", "BTCUSD_200925"),
                frame.events().stream().map(ForceOrderEvent::symbol).toList());
    }

    @Test
    void arrayOfEventsAtTopLevel() throws Exception {
        DecodedFrame.Liquidations frame = liquidations("[" + COIN_M_RAW + ",\n " + BTC_EVENT + "]");
        assertNull(frame.stream());
        assertEquals(List.of("BTCUSD_200925", "BTCUSDT"),
                frame.events().stream().map(ForceOrderEvent::symbol).toList());
    }

    @Test
    void streamMayFollowData() throws Exception {
        DecodedFrame.Liquidations frame = liquidations("{\"data\":" + BTC_EVENT + ",\"stream\":\"btcusdt@forceOrder\"}");
        assertEquals("btcusdt@forceOrder", frame.stream());
        assertEquals("BTCUSDT", frame.events().get(0).symbol());
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() throws Exception {
        String text = "{\"future\":{\"a\":[1,{\"b\":null}],\"c\":\"d\"},\"stream\":\"btcusdt@forceOrder\","
                + "\"extra\":[[],[{\"o\":1}]],\"data\":{\"e\":\"forceOrder\",\"new\":{\"nested\":{\"o\":\"x\"}},"
                + "\"E\":1568014460893,\"flags\":[true,false,null,1.5],"
                + "\"o\":{\"s\":\"BTCUSDT\",\"unknownObj\":{\"q\":\"not a number\",\"T\":\"x\"},\"S\":\"SELL\","
                + "\"o\":\"LIMIT\",\"f\":\"IOC\",\"unknownArr\":[{\"p\":\"x\"},[\"y\"]],\"q\":\"0.014\",\"p\":\"9910\","
                + "\"ap\":\"9910\",\"X\":\"FILLED\",\"l\":\"0.014\",\"z\":\"0.014\",\"T\":1568014460893,"
                + "\"rp\":\"0\",\"flag\":false,\"n\":null},\"tail\":{}}}";
        ForceOrderEvent event = single(text);
        assertEquals(single(BTC_COMBINED), event);
    }

    @Test
    void subscriptionAckIsNotALiquidation() throws Exception {
        DecodedFrame frame = decoder.decode("{\"result\":null,\"id\":1}");
        DecodedFrame.NotLiquidation other = assertInstanceOf(DecodedFrame.NotLiquidation.class, frame);
        assertEquals("control", other.kind());
        assertNull(other.stream());
        assertInstanceOf(DecodedFrame.NotLiquidation.class,
                decoder.decode("{\"result\":[\"btcusdt@forceOrder\"],\"id\":3}"));
        assertInstanceOf(DecodedFrame.NotLiquidation.class,
                decoder.decode("{\"code\":2,\"msg\":\"Invalid request: unknown stream\",\"id\":4}"));
    }

    @Test
    void markPriceEventIsNotALiquidation() throws Exception {
        String markPrice = "{\"stream\":\"btcusdt@markPrice\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":1562305380000,"
                + "\"s\":\"BTCUSDT\",\"p\":\"11794.15000000\",\"i\":\"11784.62659091\",\"P\":\"11784.25641265\","
                + "\"r\":\"0.00038167\",\"T\":1562306400000}}";
        DecodedFrame.NotLiquidation other = assertInstanceOf(DecodedFrame.NotLiquidation.class,
                decoder.decode(markPrice));
        assertEquals("markPriceUpdate", other.kind());
        assertEquals("btcusdt@markPrice", other.stream());
        DecodedFrame.NotLiquidation raw = assertInstanceOf(DecodedFrame.NotLiquidation.class,
                decoder.decode("{\"e\":\"markPriceUpdate\",\"E\":1562305380000,\"s\":\"BTCUSDT\"}"));
        assertEquals("markPriceUpdate", raw.kind());
    }

    /**
     * Other event types are not liquidations, whatever their fields: Binance's ticker events carry {@code o} (the
     * open price) as a string, which must not be taken for a broken forceOrder.
     */
    @Test
    void tickerEventWithStringOIsNotALiquidation() throws Exception {
        String ticker = "{\"stream\":\"btcusdt@ticker\",\"data\":{\"e\":\"24hrTicker\",\"E\":123456789,"
                + "\"s\":\"BTCUSDT\",\"p\":\"0.0015\",\"P\":\"250.00\",\"w\":\"0.0018\",\"c\":\"0.0025\","
                + "\"Q\":\"10\",\"o\":\"0.0010\",\"h\":\"0.0025\",\"l\":\"0.0010\",\"v\":\"10000\","
                + "\"q\":\"18\",\"O\":0,\"C\":86400000,\"F\":0,\"L\":18150,\"n\":18151}}";
        DecodedFrame.NotLiquidation other = assertInstanceOf(DecodedFrame.NotLiquidation.class,
                decoder.decode(ticker));
        assertEquals("24hrTicker", other.kind());
        String miniTicker = "{\"e\":\"24hrMiniTicker\",\"E\":123456789,\"s\":\"BTCUSDT\",\"c\":\"0.0025\","
                + "\"o\":\"0.0010\",\"h\":\"0.0025\",\"l\":\"0.0010\",\"v\":\"10000\",\"q\":\"18\"}";
        assertEquals("24hrMiniTicker", assertInstanceOf(DecodedFrame.NotLiquidation.class,
                decoder.decode(miniTicker)).kind());
    }

    @Test
    void decimalsKeepTheirExactDigitsAndScale() throws Exception {
        String text = BTC_EVENT.replace("\"q\":\"0.014\"", "\"q\":\"0.01400000\"")
                .replace("\"p\":\"9910\"", "\"p\":\"9910.00\"")
                .replace("\"ap\":\"9910\"", "\"ap\":\"0.00000001\"")
                .replace("\"l\":\"0.014\"", "\"l\":\"123456789012345678901234567890.123456789\"")
                .replace("\"z\":\"0.014\"", "\"z\":1.10");
        ForceOrderEvent event = single(text);
        assertExact("0.01400000", event.quantity());
        assertExact("9910.00", event.price());
        assertExact("0.00000001", event.averagePrice());
        assertExact("123456789012345678901234567890.123456789", event.lastFilledQuantity());
        assertExact("1.10", event.filledAccumulatedQuantity());
        assertEquals("3.80300", single(ILV_ALL_MARKET).price());
    }

    static List<Arguments> malformed() {
        return List.of(
                Arguments.of("not JSON", "hello", "JSON"),
                Arguments.of("truncated JSON", BTC_COMBINED.substring(0, BTC_COMBINED.length() - 20), "JSON"),
                Arguments.of("missing o.q", BTC_COMBINED.replace("\"q\":\"0.014\",", ""), "o.q"),
                Arguments.of("q not a number", BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"abc\""), "o.q"),
                Arguments.of("q is an object", BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":{}"), "o.q"),
                Arguments.of("T as string", BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":\"1568014460893\""),
                        "o.T"),
                Arguments.of("E as string", BTC_COMBINED.replace("\"E\":1568014460893", "\"E\":\"1568014460893\""),
                        "E"),
                Arguments.of("o not an object", "{\"e\":\"forceOrder\",\"E\":1568014460893,\"o\":\"BTCUSDT\"}",
                        "o is not a JSON object"),
                Arguments.of("o an array", "{\"stream\":\"x\",\"data\":{\"e\":\"forceOrder\",\"E\":1,\"o\":[]}}",
                        "o is not a JSON object"),
                Arguments.of("trailing garbage", BTC_COMBINED + "garbage", ""),
                Arguments.of("second JSON value", BTC_COMBINED + "{}", "after"),
                Arguments.of("empty string", "", ""),
                Arguments.of("blank", "   ", ""),
                Arguments.of("JSON string", "\"forceOrder\"", "object"),
                Arguments.of("JSON number", "42", "object"),
                Arguments.of("data a string", "{\"stream\":\"btcusdt@forceOrder\",\"data\":\"x\"}", "data"),
                Arguments.of("array of a non-object", "[1]", "array element"),
                Arguments.of("empty object", "{}", ""),
                Arguments.of("missing symbol", BTC_COMBINED.replace("\"s\":\"BTCUSDT\",", ""), "o.s"),
                Arguments.of("st not an integer", ILV_ALL_MARKET.replace("\"st\":1", "\"st\":\"one\""), "st"),
                Arguments.of("missing o", "{\"e\":\"forceOrder\",\"E\":1568014460893}", "forceOrder"));
    }

    /**
     * Why a frame, or its one event, cannot become a record: a frame that is not JSON of a known shape is refused as a
     * whole; an event with a field missing, mistyped or out of range is rejected alone.
     */
    private String problemOf(String text) {
        try {
            DecodedFrame.Liquidations frame = liquidations(text);
            assertEquals(List.of(), frame.events(), "nothing of it is accepted");
            assertEquals(1, frame.rejected().size(), "one rejected event");
            return frame.rejected().get(0).reason();
        } catch (MalformedFrameException e) {
            return e.getMessage();
        } catch (org.opentest4j.AssertionFailedError notLiquidations) {
            return assertThrows(MalformedFrameException.class, () -> decoder.decode(text)).getMessage();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFramesAndEventsAreRefusedWithAHelpfulMessage(String name, String text, String expectedInMessage) {
        String problem = problemOf(text);
        assertTrue(problem != null && !problem.isBlank(), "a message for " + name);
        assertTrue(problem.contains(expectedInMessage),
                () -> name + ": '" + problem + "' should mention '" + expectedInMessage + "'");
    }

    @Test
    void notANumberMessageQuotesTheValue() {
        String problem = problemOf(BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"abc\""));
        assertTrue(problem.contains("'abc'"), problem);
        assertTrue(problem.toLowerCase(Locale.ROOT).contains("decimal"), problem);
    }

    @Test
    void anArrayKeepsItsGoodEventsAndRejectsTheBadOneWithItsSymbol() throws Exception {
        String bad = COIN_M_RAW.replace("\"q\":\"1\"", "\"q\":\"1.2.3\"");
        DecodedFrame.Liquidations frame = liquidations("{\"stream\":\"!forceOrder@arr\",\"data\":[" + BTC_EVENT
                + "," + bad + ",42," + PS_ST_BESIDE_O + "]}");
        assertEquals(List.of("BTCUSDT", "BTCUSD_PERP"), frame.events().stream().map(ForceOrderEvent::symbol).toList());
        assertEquals(2, frame.rejected().size());
        assertEquals("BTCUSD_200925", frame.rejected().get(0).symbol());
        assertTrue(frame.rejected().get(0).reason().contains("o.q"), frame.rejected().get(0).reason());
        assertNull(frame.rejected().get(1).symbol(), "a non-object names no symbol");
    }

    @Test
    void hostileNumbersAreRefusedByLengthOrKeptAsTextWithoutParsing() throws Exception {
        assertEquals("1e999999999", single(BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"1e999999999\"")).quantity(),
                "a valid decimal literal, kept as text: the record type decides whether it fits");
        String longDigits = "1".repeat(ForceOrderFrameDecoder.MAX_DECIMAL_CHARS + 1);
        assertTrue(problemOf(BTC_COMBINED.replace("\"q\":\"0.014\"", "\"q\":\"" + longDigits + "\""))
                .contains("o.q"));
        for (String notDecimal : List.of("1e", "--1", ".", "1.2.3", "0x10", "NaN", "Infinity", " 1", "1 ")) {
            assertTrue(!ForceOrderFrameDecoder.isDecimalLiteral(notDecimal), notDecimal);
        }
        for (String decimal : List.of("0", "-1.5", "+2", "3.80300", ".5", "5.", "1E-7", "1e+3")) {
            assertTrue(ForceOrderFrameDecoder.isDecimalLiteral(decimal), decimal);
        }
    }

    @Test
    void timesKafkaWouldRefuseAreRejected() {
        assertTrue(problemOf(BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":-1")).contains("o.T"));
        assertTrue(problemOf(BTC_COMBINED.replace("\"E\":1568014460893", "\"E\":99999999999999999")).contains("E"));
        assertTrue(problemOf(BTC_COMBINED.replace("\"T\":1568014460893", "\"T\":123456789012345678901234"))
                .contains("o.T"));
    }

    @Test
    void decoderIsReusableAfterAnError() throws Exception {
        assertThrows(MalformedFrameException.class, () -> decoder.decode("{"));
        assertEquals("BTCUSDT", single(BTC_COMBINED).symbol());
    }
}
