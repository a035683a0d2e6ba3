package io.liquidations.connect.binance.record;

import java.util.Date;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the coverage checkpoint of a stream: the contract of {@code StreamCoverage.avsc}. Its source partition is the
 * stream's own, {@code {market, stream}}, and its offset says until when the stream was covered, so that Connect's
 * offset commits make coverage durable: a task that takes the stream over on any worker reads where its predecessor's
 * coverage ended. Keyed by {@code <market>/<stream>} for a compacted topic that keeps each stream's latest
 * checkpoint; stamped with the time it was made, so that a consumer sees from the timestamp alone whether the stream
 * is still watched.
 */
public final class StreamCoverageRecords {
    public static final String NAME = ForceOrderSchema.NAMESPACE + ".StreamCoverage";
    // Not "connector" nor "stream": both are ksqlDB keywords, which a query would have to back-quote.
    public static final String CONNECTOR = "connectorName";
    public static final String MARKET = "market";
    public static final String STREAM = "streamName";
    public static final String SYMBOL = "symbol";
    public static final String COVERED_UNTIL = "coveredUntil";
    public static final String COVERED = "covered";
    public static final String UNCOVERED_SINCE = "uncoveredSince";

    public static final String PARTITION_STREAM = "stream";
    public static final String OFFSET_COVERED_UNTIL = "coveredUntil";
    /** How much later than {@code coveredUntil} coverage may truly have ended, should this be the last one kept. */
    public static final String OFFSET_STALE_BY_AT_MOST_MS = "staleByAtMostMs";

    public static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name(NAME).version(1)
            .doc("A coverage checkpoint of one followed stream: the completeness watermark.")
            .field(CONNECTOR, Schema.STRING_SCHEMA)
            .field(MARKET, Schema.STRING_SCHEMA)
            .field(STREAM, Schema.STRING_SCHEMA)
            .field(SYMBOL, Schema.OPTIONAL_STRING_SCHEMA)
            .field(COVERED_UNTIL, Timestamp.SCHEMA)
            .field(COVERED, Schema.BOOLEAN_SCHEMA)
            .field(UNCOVERED_SINCE, Timestamp.builder().optional().build())
            .build();

    private final String topic;
    private final String connector;
    private final String market;

    public StreamCoverageRecords(String topic, String connector, String market) {
        this.topic = topic;
        this.connector = connector;
        this.market = market;
    }

    /** The source partition of {@code stream}'s coverage: where its committed checkpoint is read back. */
    public static Map<String, String> sourcePartition(String market, String stream) {
        return SourcePartitions.of(ForceOrderRecords.PARTITION_MARKET, market, PARTITION_STREAM, stream);
    }

    public Map<String, String> sourcePartition(String stream) {
        return sourcePartition(market, stream);
    }

    /**
     * @param checkpointAt when the checkpoint is made: the record's timestamp
     * @param coveredUntil the watermark
     * @param uncoveredSince when coverage ended, or null while a connection covers the stream
     * @param staleByAtMostMs how much later coverage may truly end than this checkpoint says, should it be the last
     *     one committed: the checkpoint cadence plus the worker's offset commit cadence
     */
    public SourceRecord toRecord(String stream, long checkpointAt, long coveredUntil, Long uncoveredSince,
            long staleByAtMostMs) {
        Struct value = new Struct(VALUE_SCHEMA)
                .put(CONNECTOR, connector)
                .put(MARKET, market)
                .put(STREAM, stream)
                .put(SYMBOL, symbolOf(stream))
                .put(COVERED_UNTIL, new Date(coveredUntil))
                .put(COVERED, uncoveredSince == null)
                .put(UNCOVERED_SINCE, uncoveredSince == null ? null : new Date(uncoveredSince));
        return new SourceRecord(
                sourcePartition(stream),
                Map.of(OFFSET_COVERED_UNTIL, coveredUntil, OFFSET_STALE_BY_AT_MOST_MS, staleByAtMostMs),
                topic, null,
                Schema.STRING_SCHEMA, market + "/" + stream,
                VALUE_SCHEMA, value,
                checkpointAt);
    }

    /** {@code btcusdt@forceOrder} → {@code BTCUSDT}; the all-market stream names no symbol. */
    public static String symbolOf(String stream) {
        int at = stream.indexOf('@');
        return stream.startsWith("!") || at < 0 ? null : stream.substring(0, at).toUpperCase(Locale.ROOT);
    }
}
