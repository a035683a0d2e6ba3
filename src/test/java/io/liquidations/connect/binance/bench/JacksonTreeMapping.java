package io.liquidations.connect.binance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The baseline of the decode benchmark: the same frame → record mapping written the way most connectors do it,
 * through Jackson's tree model ({@code ObjectMapper.readTree}). Same schema, same decimal rule (exact at scale 8),
 * same key, timestamp, headers, source partition and offset; {@code BenchmarkSmokeIT} checks that both give equal
 * records, so the comparison is like for like. Only the single-event combined and raw forms are handled: that is
 * what the benchmark's frames are.
 */
public final class JacksonTreeMapping {
    private static final Schema VALUE_SCHEMA = ConnectorEntryPoints.valueSchema();
    private static final Schema KEY_SCHEMA = ConnectorEntryPoints.keySchema();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String topic;

    public JacksonTreeMapping(String topic) {
        this.topic = topic;
    }

    public SourceRecord toRecord(String frameText, long receivedAtMillis) throws IOException {
        JsonNode root = mapper.readTree(frameText);
        JsonNode data = root.has("data") ? root.get("data") : root;
        String stream = root.hasNonNull("stream") ? root.get("stream").asText() : null;
        JsonNode order = data.get("o");
        String symbol = order.get("s").asText();
        long tradeTime = order.get("T").asLong();
        JsonNode pair = order.hasNonNull("ps") ? order.get("ps") : data.get("ps");
        JsonNode marketType = order.hasNonNull("st") ? order.get("st") : data.get("st");
        Struct value = new Struct(VALUE_SCHEMA)
                .put("eventType", data.get("e").asText())
                .put("eventTime", new Date(data.get("E").asLong()))
                .put("symbol", symbol)
                .put("pair", pair == null || pair.isNull() ? null : pair.asText())
                .put("side", order.get("S").asText())
                .put("orderType", order.get("o").asText())
                .put("timeInForce", order.get("f").asText())
                .put("quantity", decimal(order.get("q")))
                .put("price", decimal(order.get("p")))
                .put("averagePrice", decimal(order.get("ap")))
                .put("status", order.get("X").asText())
                .put("lastFilledQuantity", decimal(order.get("l")))
                .put("filledAccumulatedQuantity", decimal(order.get("z")))
                .put("tradeTime", new Date(tradeTime))
                .put("marketType", marketType == null || marketType.isNull() ? null : marketType.asInt());
        ConnectHeaders headers = new ConnectHeaders();
        headers.addLong(ConnectorEntryPoints.HEADER_RECEIVED_AT, receivedAtMillis);
        if (stream != null) {
            headers.addString(ConnectorEntryPoints.HEADER_STREAM, stream);
        }
        return new SourceRecord(Map.of("market", ConnectorEntryPoints.MARKET, "symbol", symbol),
                Map.of("tradeTime", tradeTime), topic, null, KEY_SCHEMA, symbol, VALUE_SCHEMA, value, tradeTime,
                headers);
    }

    private static BigDecimal decimal(JsonNode text) {
        return new BigDecimal(text.asText()).setScale(8, RoundingMode.UNNECESSARY);
    }
}
