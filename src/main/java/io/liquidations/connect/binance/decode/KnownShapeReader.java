package io.liquidations.connect.binance.decode;

import java.util.List;

/**
 * The decoder's fast path: the one frame Binance sends on a combined stream, in the form it writes it,
 * {@code {"stream":…,"data":{"e":"forceOrder","E":…,"o":{"s":…[,"ps":…],"S":…,"o":…,"f":…,"q":…,"p":…,"ap":…,
 * "X":…,"l":…,"z":…,"T":…[,"ps":…][,"st":…]}}}} (the pair in one of the two places at most), read by walking its
 * characters instead of through a JSON parser: these fields in this order, no whitespace, strings of printable
 * ASCII without escapes, decimals as strings, times and {@code st} as plain non-negative integers in range. That is
 * a strict subset of JSON, read exactly as the parser path reads it. Anything else (another order, another field,
 * whitespace, an escape, an array, a value out of range, a malformed frame) is declined, and the parser path
 * decides, with its messages: this changes how fast a frame is read, never what is read from it.
 */
final class KnownShapeReader {
    /** Long enough for any time up to {@link ForceOrderFrameDecoder#MAX_TIME_MILLIS}; more is declined. */
    private static final int MAX_INTEGER_DIGITS = 15;
    private static final String[] SIDES = {"SELL", "BUY"};
    private static final String[] ORDER_TYPES = {"LIMIT"};
    private static final String[] TIMES_IN_FORCE = {"IOC"};
    private static final String[] STATUSES = {"FILLED"};
    private static final String[] NONE = {};
    private static final String PAIR = ",\"ps\":";

    private final String text;
    /** Where reading goes on; -1 once the text has left the shape (every later step then fails at once). */
    private int at;

    private KnownShapeReader(String text) {
        this.text = text;
    }

    /** @return the frame's liquidation, or null when the text is not in the known shape */
    static DecodedFrame.Liquidations read(String text) {
        return new KnownShapeReader(text).frame();
    }

    private DecodedFrame.Liquidations frame() {
        String stream = stringAfter("{\"stream\":", NONE);
        long eventTime = timeAfter(",\"data\":{\"e\":\"forceOrder\",\"E\":");
        String symbol = stringAfter(",\"o\":{\"s\":", NONE);
        // COIN-M frames name the pair right after the symbol, all-market ones after the trade time.
        String pair = next(PAIR) ? stringAfter(PAIR, NONE) : null;
        String side = stringAfter(",\"S\":", SIDES);
        String orderType = stringAfter(",\"o\":", ORDER_TYPES);
        String timeInForce = stringAfter(",\"f\":", TIMES_IN_FORCE);
        String quantity = decimalAfter(",\"q\":");
        String price = decimalAfter(",\"p\":");
        String averagePrice = decimalAfter(",\"ap\":");
        String status = stringAfter(",\"X\":", STATUSES);
        String lastFilledQuantity = decimalAfter(",\"l\":");
        String filledAccumulatedQuantity = decimalAfter(",\"z\":");
        long tradeTime = timeAfter(",\"T\":");
        if (pair == null && next(PAIR)) {
            pair = stringAfter(PAIR, NONE);
        }
        Integer marketType = next(",\"st\":") ? marketTypeAfter(",\"st\":") : null;
        if (!skip("}}}") || at != text.length()) {
            return null;
        }
        ForceOrderEvent event = new ForceOrderEvent(ForceOrderFrameDecoder.FORCE_ORDER, eventTime, symbol, pair, side,
                orderType, timeInForce, quantity, price, averagePrice, status, lastFilledQuantity,
                filledAccumulatedQuantity, tradeTime, marketType);
        return new DecodedFrame.Liquidations(stream, List.of(event), List.of());
    }

    private boolean next(String literal) {
        return at >= 0 && text.startsWith(literal, at);
    }

    private boolean skip(String literal) {
        if (next(literal)) {
            at += literal.length();
            return true;
        }
        at = -1;
        return false;
    }

    /** A string after {@code literal}: one of {@code known} when it is one, else a new String. */
    private String stringAfter(String literal, String[] known) {
        if (!skip(literal) || at >= text.length() || text.charAt(at) != '"') {
            at = -1;
            return null;
        }
        int start = at + 1;
        int end = start;
        char c;
        while (end < text.length() && (c = text.charAt(end)) != '"') {
            if (c < 0x20 || c > 0x7e || c == '\\') {
                at = -1; // control characters, escapes, non-ASCII: the parser's business
                return null;
            }
            end++;
        }
        if (end == text.length()) {
            at = -1;
            return null;
        }
        at = end + 1;
        int length = end - start;
        for (String candidate : known) {
            if (candidate.length() == length && text.startsWith(candidate, start)) {
                return candidate;
            }
        }
        return text.substring(start, end);
    }

    private String decimalAfter(String literal) {
        String decimal = stringAfter(literal, NONE);
        if (decimal != null && !ForceOrderFrameDecoder.isDecimalLiteral(decimal)) {
            at = -1; // the parser path rejects it, in words
            return null;
        }
        return decimal;
    }

    private long timeAfter(String literal) {
        long time = integerAfter(literal);
        if (time > ForceOrderFrameDecoder.MAX_TIME_MILLIS) {
            at = -1;
            return -1;
        }
        return time;
    }

    private Integer marketTypeAfter(String literal) {
        long value = integerAfter(literal);
        if (value > Integer.MAX_VALUE) {
            at = -1;
            return null;
        }
        return value < 0 ? null : (int) value;
    }

    /**
     * A JSON integer after {@code literal}, non-negative, of at most {@link #MAX_INTEGER_DIGITS} digits and followed
     * by {@code ,} or {@code }} (so neither a fraction nor an exponent); -1 otherwise.
     */
    private long integerAfter(String literal) {
        if (!skip(literal)) {
            return -1;
        }
        int start = at;
        long value = 0;
        int end = start;
        while (end < text.length() && end - start <= MAX_INTEGER_DIGITS) {
            int digit = text.charAt(end) - '0';
            if (digit < 0 || digit > 9) {
                break;
            }
            value = value * 10 + digit;
            end++;
        }
        int digits = end - start;
        boolean leadingZero = digits > 1 && text.charAt(start) == '0';
        if (digits == 0 || digits > MAX_INTEGER_DIGITS || leadingZero || end == text.length()
                || (text.charAt(end) != ',' && text.charAt(end) != '}')) {
            at = -1;
            return -1;
        }
        at = end;
        return value;
    }
}
