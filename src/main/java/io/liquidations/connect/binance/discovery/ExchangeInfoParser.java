package io.liquidations.connect.binance.discovery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code symbols} of an exchangeInfo answer with Jackson's streaming parser: the answer is large (filters,
 * order types, rate limits) and only a few fields of each symbol matter; everything else is skipped, unknown fields
 * included. {@code contractSize} is read as a decimal, whether Binance sends it as a number or a string.
 */
public final class ExchangeInfoParser {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ExchangeInfoParser() {
    }

    /** @throws IOException when the text is not JSON or has no {@code symbols} array */
    public static List<ContractInfo> parse(String json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("exchangeInfo is not a JSON object");
            }
            List<ContractInfo> contracts = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("symbols") && value == JsonToken.START_ARRAY) {
                    contracts = readSymbols(parser);
                } else {
                    parser.skipChildren();
                }
            }
            if (contracts == null) {
                throw new IOException("exchangeInfo has no 'symbols' array");
            }
            return contracts;
        }
    }

    private static List<ContractInfo> readSymbols(JsonParser parser) throws IOException {
        List<ContractInfo> contracts = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                throw new IOException("an entry of 'symbols' is not an object");
            }
            contracts.add(readSymbol(parser));
        }
        return contracts;
    }

    private static ContractInfo readSymbol(JsonParser parser) throws IOException {
        String symbol = null;
        String pair = null;
        String contractType = null;
        String status = null;
        String baseAsset = null;
        String quoteAsset = null;
        String marginAsset = null;
        BigDecimal contractSize = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "symbol" -> symbol = text(parser, value);
                case "pair" -> pair = text(parser, value);
                case "contractType" -> contractType = text(parser, value);
                // USDⓈ-M says status, COIN-M contractStatus (and may also send status with another meaning).
                case "contractStatus" -> status = text(parser, value);
                case "status" -> status = status == null ? text(parser, value) : status;
                case "baseAsset" -> baseAsset = text(parser, value);
                case "quoteAsset" -> quoteAsset = text(parser, value);
                case "marginAsset" -> marginAsset = text(parser, value);
                case "contractSize" -> contractSize = decimal(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (symbol == null) {
            throw new IOException("an entry of 'symbols' has no 'symbol'");
        }
        return new ContractInfo(symbol, pair, contractType == null ? "" : contractType, status == null ? "" : status,
                baseAsset, quoteAsset, marginAsset, contractSize);
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value.isStructStart()) {
            parser.skipChildren();
            return null;
        }
        return parser.getText();
    }

    private static BigDecimal decimal(JsonParser parser, JsonToken value) throws IOException {
        try {
            return switch (value) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new BigDecimal(parser.getText());
                case VALUE_STRING -> new BigDecimal(parser.getText().trim());
                default -> {
                    parser.skipChildren();
                    yield null;
                }
            };
        } catch (NumberFormatException e) {
            throw new IOException("contractSize '" + parser.getText() + "' is not a number", e);
        }
    }
}
