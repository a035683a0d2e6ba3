package io.liquidations.connect.binance.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The live control messages a Binance market-stream socket understands, and the replies it sends.
 *
 * <pre>
 * {"method":"SUBSCRIBE","params":["btcusdt@forceOrder"],"id":1}   → {"result":null,"id":1}
 * {"method":"UNSUBSCRIBE","params":["btcusdt@forceOrder"],"id":2} → {"result":null,"id":2}
 * {"method":"LIST_SUBSCRIPTIONS","id":3}                          → {"result":["btcusdt@forceOrder"],"id":3}
 * {"method":"SET_PROPERTY","params":["combined",true],"id":4}     → {"result":null,"id":4}
 * {"method":"GET_PROPERTY","params":["combined"],"id":5}          → {"result":true,"id":5}
 * </pre>
 *
 * <p>Errors use Binance's documented codes: 0 unknown property, 1 invalid value type,
 * 2 invalid request, 3 invalid JSON ({@code {"code":3,"msg":"Invalid JSON: …","id":null}}).
 * The error texts imitate Binance's but connectors must only rely on the code.
 *
 * <p>Parsing uses jackson-core's streaming API only, which is on every classpath of this project
 * (main and test) and so cannot drift from the version the connector itself uses.
 */
final class ControlProtocol {

    /** What a control message may read or change on the connection it arrived on. */
    interface Session {
        void subscribe(List<String> streams);

        void unsubscribe(List<String> streams);

        List<String> subscriptions();

        boolean combined();

        void setCombined(boolean combined);
    }

    private static final JsonFactory JSON = new JsonFactory();

    private static final String METHODS = "`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`";

    private ControlProtocol() {}

    /** Applies one text frame received from the client to {@code session} and returns the reply frame. */
    static String handle(String text, Session session) {
        Request request;
        try {
            request = Request.parse(text);
        } catch (JsonParseException e) {
            return error(3, "Invalid JSON: " + e.getOriginalMessage(), RequestId.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (request.problem != null) {
            return error(2, "Invalid request: " + request.problem, request.id);
        }
        if (request.method == null) {
            return error(2, "Invalid request: missing field `method`", request.id);
        }
        switch (request.method) {
            case "SUBSCRIBE":
            case "UNSUBSCRIBE": {
                if (request.params == null) {
                    return error(2, "Invalid request: missing field `params`", request.id);
                }
                List<String> streams = new ArrayList<>();
                for (Object param : request.params) {
                    if (!(param instanceof String)) {
                        return error(2, "Invalid request: stream names must be strings", request.id);
                    }
                    streams.add((String) param);
                }
                // Binance acknowledges even names it will never serve (e.g. an upper-case symbol):
                // the subscription is stored verbatim and simply never matches any data.
                if (request.method.equals("SUBSCRIBE")) {
                    session.subscribe(streams);
                } else {
                    session.unsubscribe(streams);
                }
                return result(generator -> generator.writeNull(), request.id);
            }
            case "LIST_SUBSCRIPTIONS": {
                List<String> streams = session.subscriptions();
                return result(generator -> {
                    generator.writeStartArray();
                    for (String stream : streams) {
                        generator.writeString(stream);
                    }
                    generator.writeEndArray();
                }, request.id);
            }
            case "SET_PROPERTY": {
                if (request.params == null || request.params.size() != 2) {
                    return error(2, "Invalid request: SET_PROPERTY takes a property name and a value", request.id);
                }
                if (!"combined".equals(request.params.get(0))) {
                    return error(0, "Unknown property", request.id);
                }
                if (!(request.params.get(1) instanceof Boolean)) {
                    return error(1, "Invalid value type: expected Boolean", request.id);
                }
                session.setCombined((Boolean) request.params.get(1));
                return result(generator -> generator.writeNull(), request.id);
            }
            case "GET_PROPERTY": {
                if (request.params == null || request.params.size() != 1) {
                    return error(2, "Invalid request: GET_PROPERTY takes one property name", request.id);
                }
                if (!"combined".equals(request.params.get(0))) {
                    return error(0, "Unknown property", request.id);
                }
                boolean combined = session.combined();
                return result(generator -> generator.writeBoolean(combined), request.id);
            }
            default:
                return error(2, "Invalid request: unknown variant `" + request.method + "`, expected one of " + METHODS, request.id);
        }
    }

    /** Writes a JSON value with a {@link JsonGenerator}; lets the lambdas above throw IOException. */
    @FunctionalInterface
    private interface ValueWriter {
        void write(JsonGenerator generator) throws IOException;
    }

    private static String result(ValueWriter value, RequestId id) {
        return json(generator -> {
            generator.writeStartObject();
            generator.writeFieldName("result");
            value.write(generator);
            generator.writeFieldName("id");
            id.write(generator);
            generator.writeEndObject();
        });
    }

    static String error(int code, String message, RequestId id) {
        return json(generator -> {
            generator.writeStartObject();
            generator.writeNumberField("code", code);
            generator.writeStringField("msg", message);
            generator.writeFieldName("id");
            id.write(generator);
            generator.writeEndObject();
        });
    }

    private static String json(ValueWriter body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The request's {@code id}, echoed back exactly as sent: an unsigned integer literal, a string,
     * or null when it is absent or could not be read.
     */
    static final class RequestId {
        static final RequestId NONE = new RequestId(null, null);

        private final JsonToken kind;
        private final String text;

        private RequestId(JsonToken kind, String text) {
            this.kind = kind;
            this.text = text;
        }

        void write(JsonGenerator generator) throws IOException {
            if (kind == JsonToken.VALUE_NUMBER_INT) {
                generator.writeNumber(text);
            } else if (kind == JsonToken.VALUE_STRING) {
                generator.writeString(text);
            } else {
                generator.writeNull();
            }
        }
    }

    /** A syntactically valid JSON request, with the first structural problem found, if any. */
    private static final class Request {
        String method;
        List<Object> params;
        RequestId id = RequestId.NONE;
        String problem;

        static Request parse(String text) throws IOException {
            Request request = new Request();
            try (JsonParser parser = JSON.createParser(text)) {
                JsonToken first = parser.nextToken();
                if (first == null) {
                    throw new JsonParseException(parser, "EOF while parsing a value");
                }
                if (first != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    request.problem("expected a JSON object");
                } else {
                    request.readFields(parser);
                }
                if (parser.nextToken() != null) {
                    throw new JsonParseException(parser, "trailing characters after the request");
                }
            }
            return request;
        }

        private void readFields(JsonParser parser) throws IOException {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "method":
                        if (value == JsonToken.VALUE_STRING) {
                            method = parser.getText();
                        } else {
                            parser.skipChildren();
                            problem("method must be a string");
                        }
                        break;
                    case "params":
                        readParams(parser, value);
                        break;
                    case "id":
                        readId(parser, value);
                        break;
                    default:
                        // Unknown top-level fields are tolerated, as they are by Binance.
                        parser.skipChildren();
                }
            }
        }

        private void readParams(JsonParser parser, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return;
            }
            if (value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                problem("params must be an array");
                return;
            }
            params = new ArrayList<>();
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                switch (element) {
                    case VALUE_STRING:
                        params.add(parser.getText());
                        break;
                    case VALUE_TRUE:
                    case VALUE_FALSE:
                        params.add(parser.getBooleanValue());
                        break;
                    case VALUE_NULL:
                        params.add(null);
                        break;
                    case VALUE_NUMBER_INT:
                    case VALUE_NUMBER_FLOAT:
                        params.add(parser.getNumberValue());
                        break;
                    default:
                        // A nested array or object: keep its place so arity checks still hold.
                        parser.skipChildren();
                        params.add(List.of());
                }
            }
        }

        private void readId(JsonParser parser, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NUMBER_INT && !parser.getText().startsWith("-")) {
                id = new RequestId(value, parser.getText());
            } else if (value == JsonToken.VALUE_STRING) {
                id = new RequestId(value, parser.getText());
            } else if (value != JsonToken.VALUE_NULL) {
                parser.skipChildren();
                problem("request ID must be an unsigned integer");
            }
        }

        private void problem(String description) {
            if (problem == null) {
                problem = description;
            }
        }
    }
}
