package io.liquidations.connect.binance.record;

import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the record of an uncovered interval for the gaps topic: the contract of {@code StreamGap.avsc}. Keyed by
 * market, so that one market's gaps stay in order on one partition; stamped with the end of the gap.
 */
public final class StreamGapRecords {
    public static final String NAME = ForceOrderSchema.NAMESPACE + ".StreamGap";
    public static final String MARKET = "market";
    public static final String STREAMS = "streams";
    public static final String SYMBOLS = "symbols";
    public static final String UNCOVERED_FROM = "uncoveredFrom";
    public static final String UNCOVERED_TO = "uncoveredTo";
    public static final String DURATION_MS = "durationMs";
    public static final String REASON = "reason";
    public static final String DETAIL = "detail";
    public static final String FROM_PRECISION = "fromPrecision";
    public static final String PARTITION_GAPS = "gaps";
    public static final String OFFSET_UNCOVERED_TO = "uncoveredTo";

    public static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name(NAME).version(1)
            .doc("An interval during which the connector was not receiving some streams.")
            .field(MARKET, Schema.STRING_SCHEMA)
            .field(STREAMS, SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field(SYMBOLS, SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field(UNCOVERED_FROM, Timestamp.SCHEMA)
            .field(UNCOVERED_TO, Timestamp.SCHEMA)
            .field(DURATION_MS, Schema.INT64_SCHEMA)
            .field(REASON, Schema.STRING_SCHEMA)
            .field(DETAIL, Schema.OPTIONAL_STRING_SCHEMA)
            .field(FROM_PRECISION, SchemaBuilder.string().defaultValue(GapInterval.EXACT).build())
            .build();

    private final String topic;
    private final String market;

    public StreamGapRecords(String topic, String market) {
        this.topic = topic;
        this.market = market;
    }

    public String topic() {
        return topic;
    }

    /** The record of {@code gap}: its source partition is the gap's group of streams, which is unique per task. */
    public SourceRecord toRecord(GapInterval gap) {
        Struct value = new Struct(VALUE_SCHEMA)
                .put(MARKET, market)
                .put(STREAMS, gap.streams())
                .put(SYMBOLS, gap.symbols())
                .put(UNCOVERED_FROM, new Date(gap.fromMillis()))
                .put(UNCOVERED_TO, new Date(gap.toMillis()))
                .put(DURATION_MS, gap.toMillis() - gap.fromMillis())
                .put(REASON, gap.reason())
                .put(DETAIL, gap.detail())
                .put(FROM_PRECISION, gap.fromPrecision());
        return new SourceRecord(
                SourcePartitions.of(ForceOrderRecords.PARTITION_MARKET, market, PARTITION_GAPS, gap.group()),
                Map.of(OFFSET_UNCOVERED_TO, gap.toMillis()),
                topic, null,
                Schema.STRING_SCHEMA, market,
                VALUE_SCHEMA, value,
                gap.toMillis());
    }
}
