package io.liquidations.connect.binance.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a WebSocket text frame into liquidation events with Jackson's streaming parser: one pass, no tree, and
 * decimals taken from the exchange's text so no digit is lost. Accepts the combined form
 * ({@code {"stream":…,"data":…}}), the raw form (the event itself), and an array of events wherever an event may
 * stand. Unknown fields are skipped; {@code ps} and {@code st} are read inside {@code o} or beside it.
 * Thread-safe: the factory is shared, each call has its own parser.
 */
public final class ForceOrderFrameDecoder {
    public static final String FORCE_ORDER = "forceOrder";

    private final JsonFactory factory = new JsonFactory();

    public DecodedFrame decode(String text) throws MalformedFrameException {
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
                case "stream" -> stream = requireString(parser, value, "stream");
                case "data" -> data = value == JsonToken.START_ARRAY ? readEventArray(parser)
                        : List.of(readEventObject(parser, value, "data"));
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
        if (raw.eventType != null) {
            return classify(stream, List.of(raw));
        }
        if (control) {
            return new DecodedFrame.NotLiquidation(stream, "control");
        }
        throw new MalformedFrameException("neither a stream frame, an event nor a control reply");
    }

    private List<EventFields> readEventArray(JsonParser parser) throws IOException, MalformedFrameException {
        List<EventFields> events = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            events.add(readEventObject(parser, token, "array element"));
        }
        return events;
    }

    private EventFields readEventObject(JsonParser parser, JsonToken start, String where)
            throws IOException, MalformedFrameException {
        if (start != JsonToken.START_OBJECT) {
            throw new MalformedFrameException(where + " is not a JSON object");
        }
        EventFields fields = new EventFields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            fields.readTopLevelField(parser, name, parser.nextToken());
        }
        return fields;
    }

    /** Liquidations if any event is a forceOrder; other event types (a canary's markPrice, say) are not an error. */
    private DecodedFrame classify(String stream, List<EventFields> events) throws MalformedFrameException {
        List<ForceOrderEvent> liquidations = new ArrayList<>(events.size());
        String otherKind = null;
        for (EventFields event : events) {
            if (FORCE_ORDER.equals(event.eventType)) {
                liquidations.add(event.toEvent());
            } else {
                otherKind = event.eventType == null ? "untyped" : event.eventType;
            }
        }
        if (liquidations.isEmpty()) {
            return new DecodedFrame.NotLiquidation(stream, otherKind == null ? "empty" : otherKind);
        }
        return new DecodedFrame.Liquidations(stream, List.copyOf(liquidations));
    }

    private static String requireString(JsonParser parser, JsonToken token, String field)
            throws IOException, MalformedFrameException {
        if (token != JsonToken.VALUE_STRING) {
            throw new MalformedFrameException(field + " is not a string");
        }
        return parser.getText();
    }

    /** Decimal strings as sent; a JSON number is taken by its literal text, which is exact too. */
    private static BigDecimal readDecimal(JsonParser parser, JsonToken token, String field)
            throws IOException, MalformedFrameException {
        if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NUMBER_INT
                && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new MalformedFrameException(field + " is not a decimal");
        }
        String text = parser.getText();
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new MalformedFrameException(field + " is not a decimal: '" + text + "'", e);
        }
    }

    private static long readLong(JsonParser parser, JsonToken token, String field)
            throws IOException, MalformedFrameException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedFrameException(field + " is not an integer");
        }
        try {
            return parser.getLongValue();
        } catch (com.fasterxml.jackson.core.exc.InputCoercionException e) {
            throw new MalformedFrameException(field + " is out of range", e);
        }
    }

    /** Fields of one event while it is being read; null until seen. */
    private static final class EventFields {
        String eventType;
        Long eventTime;
        String symbol;
        String pair;
        String side;
        String orderType;
        String timeInForce;
        BigDecimal quantity;
        BigDecimal price;
        BigDecimal averagePrice;
        String status;
        BigDecimal lastFilledQuantity;
        BigDecimal filledAccumulatedQuantity;
        Long tradeTime;
        Integer marketType;
        /** Other event types use {@code o} for other things (a ticker's open price): only an error in a forceOrder. */
        boolean orderNotAnObject;

        void readTopLevelField(JsonParser parser, String name, JsonToken token)
                throws IOException, MalformedFrameException {
            switch (name) {
                case "e" -> eventType = requireString(parser, token, "e");
                case "E" -> eventTime = readLong(parser, token, "E");
                case "o" -> readOrder(parser, token);
                case "ps", "st" -> readPairOrMarketType(parser, name, token);
                default -> parser.skipChildren();
            }
        }

        private void readOrder(JsonParser parser, JsonToken start) throws IOException, MalformedFrameException {
            if (start != JsonToken.START_OBJECT) {
                orderNotAnObject = true;
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "s" -> symbol = requireString(parser, token, "o.s");
                    case "S" -> side = requireString(parser, token, "o.S");
                    case "o" -> orderType = requireString(parser, token, "o.o");
                    case "f" -> timeInForce = requireString(parser, token, "o.f");
                    case "q" -> quantity = readDecimal(parser, token, "o.q");
                    case "p" -> price = readDecimal(parser, token, "o.p");
                    case "ap" -> averagePrice = readDecimal(parser, token, "o.ap");
                    case "X" -> status = requireString(parser, token, "o.X");
                    case "l" -> lastFilledQuantity = readDecimal(parser, token, "o.l");
                    case "z" -> filledAccumulatedQuantity = readDecimal(parser, token, "o.z");
                    case "T" -> tradeTime = readLong(parser, token, "o.T");
                    case "ps", "st" -> readPairOrMarketType(parser, "o." + name, token);
                    default -> parser.skipChildren();
                }
            }
        }

        private void readPairOrMarketType(JsonParser parser, String name, JsonToken token)
                throws IOException, MalformedFrameException {
            if (token == JsonToken.VALUE_NULL) {
                return;
            }
            if (name.endsWith("ps")) {
                pair = requireString(parser, token, name);
            } else {
                long value = readLong(parser, token, name);
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    throw new MalformedFrameException(name + " is out of range");
                }
                marketType = (int) value;
            }
        }

        ForceOrderEvent toEvent() throws MalformedFrameException {
            if (orderNotAnObject) {
                throw new MalformedFrameException("o is not a JSON object");
            }
            return new ForceOrderEvent(eventType, require(eventTime, "E"), require(symbol, "o.s"), pair,
                    require(side, "o.S"), require(orderType, "o.o"), require(timeInForce, "o.f"),
                    require(quantity, "o.q"), require(price, "o.p"), require(averagePrice, "o.ap"),
                    require(status, "o.X"), require(lastFilledQuantity, "o.l"),
                    require(filledAccumulatedQuantity, "o.z"), require(tradeTime, "o.T"), marketType);
        }

        private static <T> T require(T value, String field) throws MalformedFrameException {
            if (value == null) {
                throw new MalformedFrameException("forceOrder event without " + field);
            }
            return value;
        }
    }
}
