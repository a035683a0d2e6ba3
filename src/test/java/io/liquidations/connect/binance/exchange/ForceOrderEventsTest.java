package io.liquidations.connect.binance.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForceOrderEventsTest {

    private static final long START = 1_791_391_000_000L;

    @Test
    void toJsonMatchesBinanceDocumentedEvent() {
        SentForceOrder documented = new SentForceOrder("BTCUSDT", 1568014460893L, "SELL", "LIMIT", "IOC", "0.014", "9910",
                "9910", "FILLED", "0.014", "0.014", 1568014460893L, null, null);
        assertEquals("{\"e\":\"forceOrder\",\"E\":1568014460893,"
                + "\"o\":{\"s\":\"BTCUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"0.014\",\"p\":\"9910\","
                + "\"ap\":\"9910\",\"X\":\"FILLED\",\"l\":\"0.014\",\"z\":\"0.014\",\"T\":1568014460893}}", documented.toJson());
    }

    @Test
    void toJsonMatchesA2026AllMarketCapture() {
        SentForceOrder captured = new SentForceOrder("ILVUSDT", 1791391083124L, "SELL", "LIMIT", "IOC", "116.5", "3.80300",
                "3.85642", "FILLED", "25.2", "116.5", 1791391082119L, "ILVUSDT", 1);
        assertEquals("{\"e\":\"forceOrder\",\"E\":1791391083124,\"o\":{\"s\":\"ILVUSDT\",\"S\":\"SELL\",\"o\":\"LIMIT\","
                + "\"f\":\"IOC\",\"q\":\"116.5\",\"p\":\"3.80300\",\"ap\":\"3.85642\",\"X\":\"FILLED\",\"l\":\"25.2\","
                + "\"z\":\"116.5\",\"T\":1791391082119,\"ps\":\"ILVUSDT\",\"st\":1}}", captured.toJson());
    }

    @Test
    void sameSeedAndStartGiveTheSameEvents() {
        ForceOrderEvents a = new ForceOrderEvents(42, START);
        ForceOrderEvents b = new ForceOrderEvents(42, START);
        ForceOrderEvents c = new ForceOrderEvents(43, START);
        List<SentForceOrder> fromA = new ArrayList<>();
        List<SentForceOrder> fromB = new ArrayList<>();
        List<SentForceOrder> fromC = new ArrayList<>();
        for (String symbol : ForceOrderEvents.symbols(20)) {
            fromA.add(a.next(symbol));
            fromB.add(b.next(symbol));
            fromC.add(c.next(symbol));
        }
        assertEquals(fromA, fromB);
        assertNotEquals(fromA, fromC);
    }

    @Test
    void generatedEventsAreRealisticAndConsistent() throws Exception {
        ForceOrderEvents generator = new ForceOrderEvents(7, START);
        List<String> symbols = ForceOrderEvents.symbols(40);
        Map<String, Long> lastTradeTime = new HashMap<>();
        int partial = 0;
        int trailingZeroPrices = 0;
        int wholeQuantities = 0;
        int sells = 0;
        for (int i = 0; i < 4000; i++) {
            String symbol = symbols.get(i % symbols.size());
            SentForceOrder order = generator.next(symbol);

            assertEquals(symbol, order.symbol());
            assertTrue(order.price().matches("\\d+\\.\\d{1,7}"), order.price());
            assertTrue(order.averagePrice().matches("\\d+\\.\\d{1,7}"), order.averagePrice());
            assertTrue(order.quantity().matches("\\d+(\\.\\d{1,3})?"), order.quantity());
            BigDecimal price = new BigDecimal(order.price());
            BigDecimal averagePrice = new BigDecimal(order.averagePrice());
            BigDecimal quantity = new BigDecimal(order.quantity());
            BigDecimal last = new BigDecimal(order.lastFilledQuantity());
            BigDecimal accumulated = new BigDecimal(order.filledAccumulatedQuantity());
            assertTrue(price.signum() > 0 && averagePrice.signum() > 0 && quantity.signum() > 0 && last.signum() > 0);
            assertEquals(quantity, accumulated);
            assertTrue(last.compareTo(accumulated) <= 0);
            // An IOC liquidation fills at its limit price or better.
            if (order.side().equals("SELL")) {
                sells++;
                assertTrue(averagePrice.compareTo(price) >= 0, order.toString());
            } else {
                assertEquals("BUY", order.side());
                assertTrue(averagePrice.compareTo(price) <= 0, order.toString());
            }

            Long previous = lastTradeTime.put(symbol, order.tradeTime());
            if (previous != null) {
                assertTrue(order.tradeTime() - previous >= 1000, "at most one liquidation per symbol per second");
            }
            assertTrue(order.eventTime() >= order.tradeTime());
            assertNull(order.pair());
            assertNull(order.marketType());
            assertParsesAsForceOrder(order);

            partial += last.compareTo(accumulated) < 0 ? 1 : 0;
            trailingZeroPrices += order.price().endsWith("0") ? 1 : 0;
            wholeQuantities += order.quantity().contains(".") ? 0 : 1;
        }
        assertTrue(partial > 400, "partial fills: " + partial);
        assertTrue(trailingZeroPrices > 400, "prices with trailing zeros: " + trailingZeroPrices);
        assertTrue(wholeQuantities > 400, "whole quantities: " + wholeQuantities);
        assertTrue(sells > 1500 && sells < 2500, "sells: " + sells);
    }

    @Test
    void allMarketEventsCarryPairAndMarketType() {
        ForceOrderEvents generator = new ForceOrderEvents(1, START);
        SentForceOrder usdm = generator.nextAllMarket("ILVUSDT");
        assertEquals("ILVUSDT", usdm.pair());
        assertEquals(1, usdm.marketType());
        SentForceOrder coinm = generator.nextAllMarket("BTCUSD_PERP");
        assertEquals("BTCUSD", coinm.pair());
        assertEquals(2, coinm.marketType());
        assertTrue(coinm.toJson().endsWith(",\"ps\":\"BTCUSD\",\"st\":2}}"), coinm.toJson());
    }

    @Test
    void symbolsAreDistinctUpperCaseAndRealFirst() {
        List<String> symbols = ForceOrderEvents.symbols(500);
        assertEquals(500, symbols.size());
        assertEquals(500, new HashSet<>(symbols).size());
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), symbols.subList(0, 2));
        symbols.forEach(symbol -> assertTrue(symbol.matches("[A-Z0-9]+USDT"), symbol));
        assertTrue(symbols.contains("SYM123USDT"));
        assertEquals(List.of(), ForceOrderEvents.symbols(0));
        assertEquals("btcusdt@forceOrder", ForceOrderEvents.streamOf("BTCUSDT"));
    }

    /** Reads the JSON back with a real parser: decimals must be strings, times integers. */
    private static void assertParsesAsForceOrder(SentForceOrder order) throws Exception {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(order.toJson())) {
            String prefix = "";
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.currentName().equals("o") && prefix.isEmpty()) {
                    prefix = "o.";
                } else if (token == JsonToken.VALUE_STRING) {
                    fields.put(prefix + parser.currentName(), parser.getText());
                } else if (token == JsonToken.VALUE_NUMBER_INT) {
                    fields.put(prefix + parser.currentName(), parser.getLongValue());
                }
            }
        }
        assertEquals("forceOrder", fields.get("e"));
        assertEquals(order.eventTime(), fields.get("E"));
        assertEquals(order.price(), fields.get("o.p"));
        assertEquals(order.quantity(), fields.get("o.q"));
        assertEquals(order.lastFilledQuantity(), fields.get("o.l"));
        assertEquals(order.tradeTime(), fields.get("o.T"));
    }
}
