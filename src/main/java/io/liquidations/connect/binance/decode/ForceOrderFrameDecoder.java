package io.liquidations.connect.binance.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.liquidations.connect.binance.decode.DecodedFrame.RejectedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a WebSocket text frame into liquidation events with Jackson's streaming parser: one pass, no tree, and
 * decimals kept as the exchange's text so no digit is lost. Accepts the combined form ({@code {"stream":…,"data":…}}),
 * the raw form (the event itself), and an array of events wherever an event may stand. Unknown fields are skipped;
 * {@code ps} and {@code st} are read inside {@code o} or beside it.
 *
 * <p>The frame Binance sends, in the form it writes it, takes a fast path that reads it without a parser
 * ({@link KnownShapeReader}); the parser reads what that path declines, and reads it the same way.
 *
 * <p>A frame that is not valid JSON, or not shaped like any of these, is refused as a whole. Inside a well-formed
 * frame each event is judged on its own: one with a field missing, mistyped or out of range is rejected with its
 * reason, and the others of its frame still count.
 *
 * <p>Thread-safe: the factory is shared, each call has its own parser.
 */
public final class ForceOrderFrameDecoder {
    public static final String FORCE_ORDER = "forceOrder";
    /**
     * Binance prices and quantities are a few digits; a longer "number" is an attack or a bug, and parsing or
     * formatting it could cost far more than the frame did.
     */
    static final int MAX_DECIMAL_CHARS = 64;
    /** 9999-12-31T23:59:59.999Z: the last instant Avro and ksqlDB timestamps can print; Kafka refuses negative ones. */
    static final long MAX_TIME_MILLIS = 253_402_300_799_999L;

    private final JsonFactory factory = new JsonFactory();

    public DecodedFrame decode(String text) throws MalformedFrameException {
        DecodedFrame known = KnownShapeReader.read(text);
        return known != null ? known : decodeWithParser(text);
    }

    /** Any frame, through Jackson: what {@link KnownShapeReader} declines, and what it is tested against. */
    DecodedFrame decodeWithParser(String text) throws MalformedFrameException {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            DecodedFrame frame;
            if (first == JsonToken.START_ARRAY) {
                frame = classify(null, readEventArray(parser));
            } else if (first == JsonToken.START_OBJECT) {
                frame = readTopLevelObject(parser);
            } else {
                throw new MalformedFrameException("expected a JSON object or array");
            }
            if (parser.nextToken() != null) {
                throw new MalformedFrameException("unexpected content after the JSON value");
            }
            return frame;
        } catch (JsonProcessingException e) {
            throw new MalformedFrameException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedFrameException("unreadable frame: " + e.getMessage(), e);
        }
    }

    /** The combined wrapper, or a raw event, or a control reply such as {@code {"result":null,"id":1}}. */
    private DecodedFrame readTopLevelObject(JsonParser parser) throws IOException, MalformedFrameException {
        String stream = null;
        List<EventFields> data = null;
        EventFields raw = new EventFields();
        boolean control = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "stream" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new MalformedFrameException("stream is not a string");
                    }
                    stream = parser.getText();
                }
                case "data" -> {
                    if (value == JsonToken.START_ARRAY) {
                        data = readEventArray(parser);
                    } else if (value == JsonToken.START_OBJECT) {
                        data = List.of(readEventObject(parser));
                    } else {
                        throw new MalformedFrameException("data is neither an event object nor an array of them");
                    }
                }
                case "result", "id", "code", "msg" -> {
                    control = true;
                    parser.skipChildren();
                }
                default -> raw.readTopLevelField(parser, name, value);
            }
        }
        if (data != null) {
            return classify(stream, data);
        }
        if (raw.eventType != null || raw.error != null) {
            return classify(stream, List.of(raw));
        }
        if (control) {
            return new DecodedFrame.NotLiquidation(stream, "control");
        }
        throw new MalformedFrameException("neither a stream frame, an event nor a control reply");
    }

    private List<EventFields> readEventArray(JsonParser parser) throws IOException {
        List<EventFields> events = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == JsonToken.START_OBJECT) {
                events.add(readEventObject(parser));
            } else {
                EventFields notAnObject = new EventFields();
                notAnObject.fail("array element is not a JSON object");
                parser.skipChildren();
                events.add(notAnObject);
            }
        }
        return events;
    }

    private EventFields readEventObject(JsonParser parser) throws IOException {
        EventFields fields = new EventFields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            fields.readTopLevelField(parser, name, parser.nextToken());
        }
        return fields;
    }

    /**
     * Liquidations where any event is (or may be) a forceOrder; other event types (a canary's markPrice, say) are not
     * an error. An element whose type could not be read counts as a rejected liquidation: it may have been one.
     */
    private static DecodedFrame classify(String stream, List<EventFields> events) {
        List<ForceOrderEvent> liquidations = new ArrayList<>(events.size());
        List<RejectedEvent> rejected = List.of();
        String otherKind = null;
        for (EventFields event : events) {
            boolean forceOrder = FORCE_ORDER.equals(event.eventType);
            if (forceOrder || (event.eventType == null && event.error != null)) {
                String problem = forceOrder ? event.problem() : event.error;
                if (problem == null) {
                    liquidations.add(event.toEvent());
                } else {
                    if (rejected.isEmpty()) {
                        rejected = new ArrayList<>(1);
                    }
                    rejected.add(new RejectedEvent(event.symbol, problem));
                }
            } else {
                otherKind = event.eventType == null ? "untyped" : event.eventType;
            }
        }
        if (liquidations.isEmpty() && rejected.isEmpty()) {
            return new DecodedFrame.NotLiquidation(stream, otherKind == null ? "empty" : otherKind);
        }
        return new DecodedFrame.Liquidations(stream, liquidations, rejected);
    }

    /** Decimal literals as BigDecimal would read them, of bounded length: checked by a scan, never parsed. */
    static boolean isDecimalLiteral(String text) {
        int length = text.length();
        if (length == 0 || length > MAX_DECIMAL_CHARS) {
            return false;
        }
        int i = 0;
        if (text.charAt(0) == '-' || text.charAt(0) == '+') {
            i++;
        }
        int digits = 0;
        while (i < length && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < length && text.charAt(i) == '.') {
            i++;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == length;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Fields of one event while it is being read: null until seen; the first problem met is kept in {@link #error}. */
    private static final class EventFields {
        String eventType;
        Long eventTime;
        String symbol;
        String pair;
        String side;
        String orderType;
        String timeInForce;
        String quantity;
        String price;
        String averagePrice;
        String status;
        String lastFilledQuantity;
        String filledAccumulatedQuantity;
        Long tradeTime;
        Integer marketType;
        /** The first field that could not be read; other event types may use names like {@code o} differently. */
        String error;

        void fail(String problem) {
            if (error == null) {
                error = problem;
            }
        }

        void readTopLevelField(JsonParser parser, String name, JsonToken token) throws IOException {
            switch (name) {
                case "e" -> eventType = readString(parser, token, "e");
                case "E" -> eventTime = readTime(parser, token, "E");
                case "o" -> readOrder(parser, token);
                case "ps" -> readPair(parser, "ps", token);
                case "st" -> readMarketType(parser, "st", token);
                default -> parser.skipChildren();
            }
        }

        private void readOrder(JsonParser parser, JsonToken start) throws IOException {
            if (start != JsonToken.START_OBJECT) {
                fail("o is not a JSON object");
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "s" -> symbol = readString(parser, token, "o.s");
                    case "S" -> side = readString(parser, token, "o.S");
                    case "o" -> orderType = readString(parser, token, "o.o");
                    case "f" -> timeInForce = readString(parser, token, "o.f");
                    case "q" -> quantity = readDecimal(parser, token, "o.q");
                    case "p" -> price = readDecimal(parser, token, "o.p");
                    case "ap" -> averagePrice = readDecimal(parser, token, "o.ap");
                    case "X" -> status = readString(parser, token, "o.X");
                    case "l" -> lastFilledQuantity = readDecimal(parser, token, "o.l");
                    case "z" -> filledAccumulatedQuantity = readDecimal(parser, token, "o.z");
                    case "T" -> tradeTime = readTime(parser, token, "o.T");
                    case "ps" -> readPair(parser, "o.ps", token);
                    case "st" -> readMarketType(parser, "o.st", token);
                    default -> parser.skipChildren();
                }
            }
        }

        private String readString(JsonParser parser, JsonToken token, String field) throws IOException {
            if (token != JsonToken.VALUE_STRING) {
                fail(field + " is not a string");
                parser.skipChildren();
                return null;
            }
            return parser.getText();
        }

        /** Decimal strings as sent; a JSON number is taken by its literal text, which is exact too. */
        private String readDecimal(JsonParser parser, JsonToken token, String field) throws IOException {
            if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NUMBER_INT
                    && token != JsonToken.VALUE_NUMBER_FLOAT) {
                fail(field + " is not a decimal");
                parser.skipChildren();
                return null;
            }
            String text = parser.getText();
            if (!isDecimalLiteral(text)) {
                fail(field + " is not a decimal: '" + abbreviate(text) + "'");
                return null;
            }
            return text;
        }

        private Long readTime(JsonParser parser, JsonToken token, String field) throws IOException {
            Long value = readLong(parser, token, field);
            if (value != null && (value < 0 || value > MAX_TIME_MILLIS)) {
                fail(field + " = " + value + " is not a time Kafka can stamp (epoch ms from 0 to year 9999)");
                return null;
            }
            return value;
        }

        private Long readLong(JsonParser parser, JsonToken token, String field) throws IOException {
            if (token != JsonToken.VALUE_NUMBER_INT) {
                fail(field + " is not an integer");
                parser.skipChildren();
                return null;
            }
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                fail(field + " is out of range");
                return null;
            }
            return parser.getLongValue();
        }

        private void readPair(JsonParser parser, String field, JsonToken token) throws IOException {
            if (token != JsonToken.VALUE_NULL) {
                pair = readString(parser, token, field);
            }
        }

        private void readMarketType(JsonParser parser, String field, JsonToken token) throws IOException {
            if (token == JsonToken.VALUE_NULL) {
                return;
            }
            Long value = readLong(parser, token, field);
            if (value != null && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
                fail(field + " is out of range");
            } else if (value != null) {
                marketType = value.intValue();
            }
        }

        /** Why this forceOrder cannot become a record, or null when it can. */
        String problem() {
            if (error != null) {
                return error;
            }
            String missing = eventTime == null ? "E" : symbol == null ? "o.s" : side == null ? "o.S"
                    : orderType == null ? "o.o" : timeInForce == null ? "o.f" : quantity == null ? "o.q"
                    : price == null ? "o.p" : averagePrice == null ? "o.ap" : status == null ? "o.X"
                    : lastFilledQuantity == null ? "o.l" : filledAccumulatedQuantity == null ? "o.z"
                    : tradeTime == null ? "o.T" : null;
            return missing == null ? null : "forceOrder event without " + missing;
        }

        ForceOrderEvent toEvent() {
            return new ForceOrderEvent(eventType, eventTime, symbol, pair, side, orderType, timeInForce, quantity,
                    price, averagePrice, status, lastFilledQuantity, filledAccumulatedQuantity, tradeTime, marketType);
        }
    }

    /** For messages: a hostile value is quoted by its start, never in full. */
    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…(" + text.length() + " chars)";
    }
}
