package io.liquidations.connect.binance.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path must read Binance's frames exactly as the parser path reads them, and decline everything else: it may
 * change how fast a frame is read, never what is read from it.
 */
class KnownShapeReaderTest {
    private static final String BTC = ForceOrderFrameDecoderTest.BTC_COMBINED;
    private static final String ILV = ForceOrderFrameDecoderTest.ILV_ALL_MARKET;
    /** The COIN-M example in the combined form: the pair right after the symbol. */
    private static final String COIN_M = "{\"stream\":\"btcusd_200925@forceOrder\",\"data\":"
            + ForceOrderFrameDecoderTest.COIN_M_RAW + "}";

    private final ForceOrderFrameDecoder decoder = new ForceOrderFrameDecoder();

    /** The generator's frames: per-symbol, and all-market with ps and st, in the combined form Binance sends. */
    private static List<String> exchangeFrames(int count) {
        ForceOrderEvents events = new ForceOrderEvents(3, 1_780_000_000_000L);
        List<String> symbols = ForceOrderEvents.symbols(100);
        List<String> frames = new ArrayList<>(List.of(BTC, ILV, COIN_M));
        for (int i = 0; i < count; i++) {
            String symbol = symbols.get(i % symbols.size());
            boolean allMarket = i % 3 == 0;
            SentForceOrder order = allMarket ? events.nextAllMarket(symbol) : events.next(symbol);
            frames.add("{\"stream\":\"" + (allMarket ? ForceOrderEvents.ALL_MARKET_STREAM : order.stream())
                    + "\",\"data\":" + order.toJson() + "}");
        }
        return frames;
    }

    @Test
    void binanceFramesTakeTheFastPathAndReadAsTheParserReadsThem() throws Exception {
        for (String frame : exchangeFrames(3_000)) {
            DecodedFrame.Liquidations fast = KnownShapeReader.read(frame);
            assertNotNull(fast, frame);
            assertEquals(decoder.decodeWithParser(frame), fast, frame);
        }
        ForceOrderEvent ilv = KnownShapeReader.read(ILV).events().get(0);
        assertEquals("ILVUSDT", ilv.pair());
        assertEquals(Integer.valueOf(1), ilv.marketType());
        assertEquals("3.80300", ilv.price());
        assertSame(ForceOrderFrameDecoder.FORCE_ORDER, ilv.eventType(), "closed vocabularies are constants");
        assertSame("SELL", ilv.side());
        assertSame("FILLED", ilv.status());
        assertEquals("BTCUSD", KnownShapeReader.read(COIN_M).events().get(0).pair());
    }

    /** Readable JSON in another form than Binance's: declined by the fast path, read by the parser. */
    @Test
    void otherFormsOfTheSameEventAreLeftToTheParser() throws Exception {
        List<String> others = List.of(
                BTC.replace("\"stream\":", "\"stream\" : "),
                BTC.replace("{\"e\"", "{ \"e\""),
                BTC + " ",
                BTC + "\n",
                "{\"data\":" + ForceOrderFrameDecoderTest.BTC_EVENT + ",\"stream\":\"btcusdt@forceOrder\"}",
                BTC.replace("\"T\":1568014460893", "\"T\":1568014460893,\"rp\":\"0\""),
                BTC.replace("\"s\":\"BTCUSDT\"", "\"s\":\"BTC\\u0055SDT\""),
                BTC.replace("\"s\":\"BTCUSDT\"", "\"s\":\"BTCUSDT\\u00e9\""),
                BTC.replace("\"s\":\"BTCUSDT\"", "\"s\":\"BTCUSDT\u00e9\""),
                BTC.replace("\"q\":\"0.014\"", "\"q\":0.014"),
                BTC.replace("\"q\":\"0.014\"", "\"q\":14"),
                BTC.replace("\"S\":\"SELL\",\"o\":\"LIMIT\"", "\"o\":\"LIMIT\",\"S\":\"SELL\""),
                ILV.replace("\"ps\":\"ILVUSDT\"", "\"ps\":null"),
                ILV.replace("\"st\":1", "\"st\":null"),
                ILV.replace("\"ps\":\"ILVUSDT\",\"st\":1", "\"st\":1,\"ps\":\"ILVUSDT\""),
                "{\"stream\":\"!forceOrder@arr\",\"data\":[" + ForceOrderFrameDecoderTest.BTC_EVENT + "]}",
                ForceOrderFrameDecoderTest.BTC_EVENT,
                ForceOrderFrameDecoderTest.PS_ST_BESIDE_O,
                COIN_M.replace("\"T\":1591154240949", "\"T\":1591154240949,\"ps\":\"BTCUSD\""));
        for (String text : others) {
            assertNull(KnownShapeReader.read(text), text);
            assertEquals(decoder.decodeWithParser(text), decoder.decode(text), text);
        }
        assertEquals("BTCUSDT", ((DecodedFrame.Liquidations) decoder.decode(others.get(6))).events().get(0).symbol(),
                "an escape is the parser's to read");
    }

    /** What the parser rejects, with its reason, the fast path must not accept. */
    @Test
    void framesAndEventsThatCannotBeRecordsAreLeftToTheParser() {
        List<String> refused = List.of(
                BTC.substring(0, BTC.length() - 1),
                BTC + "}",
                BTC + "x",
                BTC.replace("\"T\":1568014460893", "\"T\":-1"),
                BTC.replace("\"T\":1568014460893", "\"T\":0568014460893"),
                BTC.replace("\"T\":1568014460893", "\"T\":253402300800000"),
                BTC.replace("\"T\":1568014460893", "\"T\":99999999999999999999"),
                BTC.replace("\"T\":1568014460893", "\"T\":1568014460893.0"),
                BTC.replace("\"T\":1568014460893", "\"T\":1e3"),
                BTC.replace("\"E\":1568014460893", "\"E\":\"1568014460893\""),
                BTC.replace("\"q\":\"0.014\"", "\"q\":\"abc\""),
                BTC.replace("\"q\":\"0.014\"", "\"q\":\"" + "1".repeat(65) + "\""),
                BTC.replace("\"q\":\"0.014\"", "\"q\":\"\""),
                BTC.replace("\"s\":\"BTCUSDT\"", "\"s\":\"BTC\tUSDT\""),
                BTC.replace("\"s\":\"BTCUSDT\"", "\"s\":\"BTC\\qUSDT\""),
                BTC.replace("\"s\":\"BTCUSDT\",", ""),
                ILV.replace("\"st\":1", "\"st\":-1"),
                ILV.replace("\"st\":1", "\"st\":99999999999"),
                ILV.replace("\"st\":1", "\"st\":\"1\""),
                BTC.replace("forceOrder\",\"E\"", "markPriceUpdate\",\"E\""));
        for (String text : refused) {
            assertNull(KnownShapeReader.read(text), text);
        }
    }

    /**
     * Random damage to Binance's frames (a character replaced, dropped, doubled or inserted; the end cut off): whatever
     * the fast path still accepts must be valid JSON that the parser reads into the same liquidation.
     */
    @Test
    void damagedFramesAreReadAsTheParserReadsThemOrDeclined() {
        Random random = new Random(5);
        String alphabet = "{}[]\",:\\ \t01234567899.-+eEaZ\u0000\u00e9\u2028";
        List<String> frames = exchangeFrames(200);
        int accepted = 0;
        for (int i = 0; i < 150_000; i++) {
            StringBuilder damaged = new StringBuilder(frames.get(random.nextInt(frames.size())));
            int position = random.nextInt(damaged.length());
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(5)) {
                case 0 -> damaged.setCharAt(position, c);
                case 1 -> damaged.deleteCharAt(position);
                case 2 -> damaged.insert(position, damaged.charAt(position));
                case 3 -> damaged.insert(position, c);
                default -> damaged.setLength(position);
            }
            String text = damaged.toString();
            DecodedFrame.Liquidations fast = KnownShapeReader.read(text);
            if (fast == null) {
                continue;
            }
            accepted++;
            try {
                assertEquals(decoder.decodeWithParser(text), fast, text);
            } catch (MalformedFrameException e) {
                fail("the fast path accepted what the parser refuses (" + e.getMessage() + "): " + text);
            }
        }
        assertTrue(accepted > 10_000, "damage that keeps the shape (a digit for a digit) must be accepted too: "
                + accepted);
    }
}
