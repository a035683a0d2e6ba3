package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** The fast path must give exactly what BigDecimal gives, and leave everything else to the exact path. */
class ScaleEightDecimalsTest {

    private static BigDecimal exact(String text) {
        return new BigDecimal(text).setScale(8, RoundingMode.UNNECESSARY);
    }

    @Test
    void plainLiteralsTakeTheFastPathAndComeOutExactlyAsBigDecimalReadsThem() {
        List<String> plain = List.of("3.80300", "0.014", "9910", "-0.014", "+1.5", ".5", "-.5", "+.5", "5.", "0",
                "-0", "-0.0", "0.00000001", "-0.00000001", "116.500000000", "1.00000000000000000000", "0009910.5",
                "00000000000000000001.5", "9999999999.99999999", "-9999999999.99999999", "1000000000", "0.1",
                "12.3456789", "100000.00000000");
        for (String text : plain) {
            BigDecimal fast = ScaleEightDecimals.parseOrNull(text);
            assertNotNull(fast, text + " is plain: it must not need the slow path");
            assertEquals(exact(text), fast, text); // BigDecimal.equals: the same value and the same scale
            assertEquals(8, fast.scale(), text);
            assertEquals(fast, ForceOrderRecords.toFixedScale(text, "o.p"), text);
        }
        assertEquals("3.80300000", ScaleEightDecimals.parseOrNull("3.80300").toPlainString());
        assertEquals("-0.50000000", ScaleEightDecimals.parseOrNull("-.5").toPlainString());
        assertEquals("0.00000000", ScaleEightDecimals.parseOrNull("-0.0").toPlainString());
    }

    @Test
    void whatItCannotReadExactlyIsLeftToTheExactPath() {
        // Valid decimals the exact path takes: more than ten digits before the point, an exponent.
        for (String text : List.of("10000000000", "-12345678901.5", "123456789012345678901234567890",
                "1e3", "1E-3", "1.5e2", "-2.5E+1", "0E+999999999", "3.80300e0")) {
            assertNull(ScaleEightDecimals.parseOrNull(text), text);
            assertEquals(exact(text), ForceOrderRecords.toFixedScale(text, "o.q"), text);
        }
        // A ninth decimal place, digits beyond the schema's, hostile exponents: refused by the exact path in words.
        for (String text : List.of("3.803000001", "0.000000001", "-0.123456789", "1" + "0".repeat(30),
                "1e999999999", "-1e999999999", "1E-3000000")) {
            assertNull(ScaleEightDecimals.parseOrNull(text), text);
            DataException e = assertThrows(DataException.class, () -> ForceOrderRecords.toFixedScale(text, "o.q"));
            assertTrue(e.getMessage().startsWith("o.q = "), e.getMessage());
        }
        // Not decimals at all.
        for (String text : List.of("", "-", "+", ".", "-.", "+.", "1.2.3", " 1", "1 ", "1,5", "\u0661\u0662", "0x10",
                "NaN", "Infinity", "--1", "+-1", "1-", "1.-5", "1e", "e5", "1_000")) {
            assertNull(ScaleEightDecimals.parseOrNull(text), "'" + text + "'");
        }
        assertThrows(DataException.class, () -> ForceOrderRecords.toFixedScale("1.2.3", "o.q"));
        assertThrows(DataException.class, () -> ForceOrderRecords.toFixedScale("", "o.q"));
    }

    @Test
    void everyDecimalTheExchangeSendsTakesTheFastPath() {
        ForceOrderEvents events = new ForceOrderEvents(7, 1_780_000_000_000L);
        List<String> symbols = ForceOrderEvents.symbols(50);
        for (int i = 0; i < 5_000; i++) {
            String symbol = symbols.get(i % symbols.size());
            SentForceOrder order = i % 5 == 0 ? events.nextAllMarket(symbol) : events.next(symbol);
            for (String text : List.of(order.quantity(), order.price(), order.averagePrice(),
                    order.lastFilledQuantity(), order.filledAccumulatedQuantity())) {
                BigDecimal fast = ScaleEightDecimals.parseOrNull(text);
                assertNotNull(fast, text);
                assertEquals(exact(text), fast, text);
            }
        }
    }

    /** Random plain literals: the fast path answers exactly when it can, and declines exactly when it must. */
    @Test
    void randomPlainLiteralsAgreeWithBigDecimal() {
        Random random = new Random(11);
        int fast = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            int sign = random.nextInt(4);
            text.append(sign == 0 ? "-" : sign == 1 ? "+" : "");
            int integerDigits = random.nextInt(14);
            for (int d = 0; d < integerDigits; d++) {
                text.append((char) ('0' + random.nextInt(10)));
            }
            int fractionDigits = random.nextInt(3) == 0 ? -1 : random.nextInt(12);
            if (fractionDigits >= 0) {
                text.append('.');
                for (int d = 0; d < fractionDigits; d++) {
                    // Mostly zeros past the eighth place, so that trailing zeros are well covered.
                    text.append(d >= 8 && random.nextInt(3) > 0 ? '0' : (char) ('0' + random.nextInt(10)));
                }
            }
            String literal = text.toString();
            BigDecimal actual = ScaleEightDecimals.parseOrNull(literal);
            BigDecimal parsed;
            try {
                parsed = new BigDecimal(literal);
            } catch (NumberFormatException e) {
                assertNull(actual, literal);
                continue;
            }
            boolean fitsScale = parsed.signum() == 0 || parsed.stripTrailingZeros().scale() <= 8;
            boolean fitsLong = parsed.abs().compareTo(new BigDecimal("10000000000")) < 0;
            if (fitsScale && fitsLong) {
                assertNotNull(actual, literal);
                assertEquals(parsed.setScale(8, RoundingMode.UNNECESSARY), actual, literal);
                fast++;
            } else {
                assertNull(actual, literal);
            }
        }
        assertTrue(fast > 50_000, "the generator must mostly make fast-path literals, made " + fast);
    }
}
