package io.liquidations.connect.binance.record;

import java.math.BigDecimal;

/**
 * The fast path of precise mode. A plain decimal literal as Binance writes them ({@code 3.80300}, {@code 0.014},
 * {@code 9910}) is read digit by digit into its unscaled value at scale 8 and becomes one {@code BigDecimal}: no
 * {@code BigDecimal(String)}, no second one from {@code setScale}. It only takes what it can read exactly: anything
 * else (an exponent, a ninth decimal place that is not zero, more than 10 digits before the point, a character that is
 * not an ASCII digit) is left to the exact path, which also words the errors. So the result, when there is one, is
 * always what {@code new BigDecimal(text).setScale(8, UNNECESSARY)} gives.
 */
final class ScaleEightDecimals {
    static final int SCALE = ForceOrderSchema.DECIMAL_SCALE;
    /** Ten digits before the point and eight after stay below 10^18, inside a long. */
    static final int MAX_INTEGER_DIGITS = 18 - SCALE;

    private ScaleEightDecimals() {
    }

    /** @return the value at scale 8, or null when the exact path must decide */
    static BigDecimal parseOrNull(String text) {
        int length = text.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            i = 1;
        }
        long unscaled = 0;
        boolean anyDigit = false;
        int integerDigits = 0;
        for (; i < length; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                break;
            }
            anyDigit = true;
            if (unscaled != 0 || digit != 0) { // leading zeros take no room
                if (++integerDigits > MAX_INTEGER_DIGITS) {
                    return null;
                }
                unscaled = unscaled * 10 + digit;
            }
        }
        int fractionDigits = 0;
        if (i < length && text.charAt(i) == '.') {
            for (i++; i < length; i++) {
                int digit = text.charAt(i) - '0';
                if (digit < 0 || digit > 9) {
                    return null;
                }
                anyDigit = true;
                if (fractionDigits < SCALE) {
                    unscaled = unscaled * 10 + digit;
                    fractionDigits++;
                } else if (digit != 0) {
                    return null; // a ninth place would have to be rounded away: the exact path says so
                }
            }
        }
        if (i != length || !anyDigit) {
            return null;
        }
        for (; fractionDigits < SCALE; fractionDigits++) {
            unscaled *= 10;
        }
        return BigDecimal.valueOf(negative ? -unscaled : unscaled, SCALE);
    }
}
