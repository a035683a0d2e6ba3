package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.decode.DecodedFrame;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.decode.ForceOrderFrameDecoder;
import io.liquidations.connect.binance.decode.MalformedFrameException;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The only place where the benchmarks call the connector's code in-process: frame text → decoder → record builder,
 * the path the task runs on its event loop for every frame. The connector's internals are being reworked; when a
 * signature changes, this class is the one to update.
 */
public final class ConnectorEntryPoints {
    public static final String HEADER_RECEIVED_AT = ForceOrderRecords.HEADER_RECEIVED_AT;
    public static final String HEADER_STREAM = ForceOrderRecords.HEADER_STREAM;
    public static final String MARKET = "usds-m";

    private final ForceOrderFrameDecoder decoder = new ForceOrderFrameDecoder();
    private final ForceOrderRecords records;

    public ConnectorEntryPoints(String topic) {
        this.records = new ForceOrderRecords(topic, MARKET, DecimalHandlingMode.PRECISE);
    }

    /** What the task makes of one frame: one record per liquidation in it (none for a canary or a reply). */
    public List<SourceRecord> toRecords(String frameText, long receivedAtMillis) {
        return toRecords(decode(frameText), receivedAtMillis);
    }

    /** The first half alone: frame text → the decoder's result (parse, no Connect data). */
    public Object decode(String frameText) {
        try {
            return decoder.decode(frameText);
        } catch (MalformedFrameException e) {
            throw new IllegalArgumentException("benchmark frame is malformed: " + e.getMessage(), e);
        }
    }

    /** The second half alone: a {@link #decode} result → records (Struct, headers, partition, offset). */
    public List<SourceRecord> toRecords(Object decoded, long receivedAtMillis) {
        DecodedFrame frame = (DecodedFrame) decoded;
        if (!(frame instanceof DecodedFrame.Liquidations liquidations)) {
            return List.of();
        }
        List<SourceRecord> out = new ArrayList<>(liquidations.events().size());
        for (ForceOrderEvent event : liquidations.events()) {
            out.add(records.toRecord(event, frame.stream(), receivedAtMillis));
        }
        return out;
    }

    /** The value schema of precise mode, which the Jackson-tree baseline fills the same way. */
    public static Schema valueSchema() {
        return ForceOrderSchema.valueSchema(DecimalHandlingMode.PRECISE);
    }

    public static Schema keySchema() {
        return ForceOrderSchema.keySchema();
    }

    /** The connector's class name, for configs deployed over REST. */
    public static String connectorClass() {
        return io.liquidations.connect.binance.BinanceLiquidationSourceConnector.class.getName();
    }
}
