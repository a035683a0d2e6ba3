package io.liquidations.connect.binance.quickstart;

import io.liquidations.binance.ForceOrder;
import io.liquidations.binance.StreamCoverage;
import io.liquidations.binance.StreamGap;
import io.liquidations.connect.binance.registry.ConfluentAvroDecoder;
import io.liquidations.connect.binance.registry.ConfluentSchemaRegistryClient;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/** How the live view reads record values: the format the worker's value converter wrote. */
interface RecordFormat {

    Liquidation liquidation(String topic, byte[] value);

    CoverageGap gap(String topic, byte[] value);

    /** A coverage checkpoint: its stream and watermark. */
    Checkpoint checkpoint(String topic, byte[] value);

    record Checkpoint(String stream, java.time.Instant coveredUntil) {
    }

    /** Avro in Confluent's wire format, writer schemas from the registry, read into the generated classes. */
    static RecordFormat avro(String confluentApiUrl) {
        ConfluentSchemaRegistryClient registry = new ConfluentSchemaRegistryClient(confluentApiUrl);
        ConfluentAvroDecoder<ForceOrder> liquidations = new ConfluentAvroDecoder<>(registry,
                ForceOrder.getClassSchema());
        ConfluentAvroDecoder<StreamGap> gaps = new ConfluentAvroDecoder<>(registry, StreamGap.getClassSchema());
        ConfluentAvroDecoder<StreamCoverage> checkpoints = new ConfluentAvroDecoder<>(registry,
                StreamCoverage.getClassSchema());
        return new RecordFormat() {
            @Override
            public Liquidation liquidation(String topic, byte[] value) {
                ForceOrder order = liquidations.decode(value);
                return new Liquidation(order.getTradeTime(), order.getSymbol(), order.getSide(), order.getQuantity(),
                        order.getPrice(), order.getFilledAccumulatedQuantity());
            }

            @Override
            public CoverageGap gap(String topic, byte[] value) {
                StreamGap gap = gaps.decode(value);
                return new CoverageGap(gap.getStreams(), gap.getDurationMs(), gap.getReason());
            }

            @Override
            public Checkpoint checkpoint(String topic, byte[] value) {
                StreamCoverage checkpoint = checkpoints.decode(value);
                return new Checkpoint(checkpoint.getStreamName(), checkpoint.getCoveredUntil());
            }
        };
    }

    /** Connect's JSON with schemas, as {@code --json} writes it. */
    static RecordFormat json() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        return new RecordFormat() {
            @Override
            public Liquidation liquidation(String topic, byte[] value) {
                Struct struct = (Struct) converter.toConnectData(topic, value).value();
                return new Liquidation(((Date) struct.get("tradeTime")).toInstant(), struct.getString("symbol"),
                        struct.getString("side"), decimal(struct.get("quantity")), decimal(struct.get("price")),
                        decimal(struct.get("filledAccumulatedQuantity")));
            }

            @Override
            public CoverageGap gap(String topic, byte[] value) {
                Struct struct = (Struct) converter.toConnectData(topic, value).value();
                @SuppressWarnings("unchecked")
                List<String> streams = (List<String>) struct.get("streams");
                return new CoverageGap(streams, struct.getInt64("durationMs"), struct.getString("reason"));
            }

            @Override
            public Checkpoint checkpoint(String topic, byte[] value) {
                Struct struct = (Struct) converter.toConnectData(topic, value).value();
                return new Checkpoint(struct.getString("streamName"), ((Date) struct.get("coveredUntil")).toInstant());
            }
        };
    }

    /** Precise mode gives BigDecimal, string mode the exchange's text; both are exact. */
    private static BigDecimal decimal(Object value) {
        return value instanceof BigDecimal decimal ? decimal : new BigDecimal(value.toString());
    }
}
