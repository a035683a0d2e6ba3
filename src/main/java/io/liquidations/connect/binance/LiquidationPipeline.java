package io.liquidations.connect.binance;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.decode.DecodedFrame;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.decode.ForceOrderFrameDecoder;
import io.liquidations.connect.binance.decode.MalformedFrameException;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.metrics.ReconnectReason;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.stream.StreamListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data path of a task, run on the socket thread: frame → event → record → queue. Bad frames are counted,
 * logged with a truncated sample and either skipped or turned into a task failure; nothing is dropped silently.
 */
final class LiquidationPipeline implements StreamListener {
    private static final Logger log = LoggerFactory.getLogger(LiquidationPipeline.class);
    static final int SAMPLE_CHARS = 200;

    private final ForceOrderFrameDecoder decoder = new ForceOrderFrameDecoder();
    private final ForceOrderRecords records;
    private final RecordQueue<SourceRecord> queue;
    private final ErrorHandler errors;
    private final MalformedEventBehavior onMalformed;
    private final ConnectorMetrics metrics;
    private final LiquidationDeduplicator deduplicator;
    /** Connection → when it went down; socket thread only. */
    private final Map<String, Long> downSince = new HashMap<>();

    LiquidationPipeline(ForceOrderRecords records, RecordQueue<SourceRecord> queue, ErrorHandler errors,
            MalformedEventBehavior onMalformed, IngestCounters counters) {
        this(records, queue, errors, onMalformed, ConnectorMetrics.detached(counters), new LiquidationDeduplicator());
    }

    LiquidationPipeline(ForceOrderRecords records, RecordQueue<SourceRecord> queue, ErrorHandler errors,
            MalformedEventBehavior onMalformed, ConnectorMetrics metrics, LiquidationDeduplicator deduplicator) {
        this.records = records;
        this.queue = queue;
        this.errors = errors;
        this.onMalformed = onMalformed;
        this.metrics = metrics;
        this.deduplicator = deduplicator;
    }

    @Override
    public boolean onText(String connection, String text, long receivedAtMillis) {
        metrics.frameReceived(receivedAtMillis);
        DecodedFrame frame;
        try {
            frame = decoder.decode(text);
        } catch (MalformedFrameException e) {
            return malformed(connection, e.getMessage(), text, e);
        }
        if (frame instanceof DecodedFrame.Liquidations liquidations) {
            List<SourceRecord> converted = new ArrayList<>(liquidations.events().size());
            for (ForceOrderEvent event : liquidations.events()) {
                try {
                    converted.add(records.toRecord(event, frame.stream(), receivedAtMillis));
                } catch (DataException e) {
                    return malformed(connection, e.getMessage(), text, e);
                }
            }
            // De-duplicated only once the whole frame converted: a frame dropped as malformed marks nothing seen.
            List<SourceRecord> fresh = new ArrayList<>(converted.size());
            for (int i = 0; i < converted.size(); i++) {
                ForceOrderEvent event = liquidations.events().get(i);
                metrics.liquidationReceived(event.eventTime(), receivedAtMillis);
                if (deduplicator.firstSighting(event, receivedAtMillis)) {
                    fresh.add(converted.get(i));
                } else {
                    metrics.duplicateDropped();
                }
            }
            // Counted before queued, so that whoever polls a record also sees it counted.
            metrics.recordsProduced(fresh.size());
            boolean keepReading = true;
            for (SourceRecord record : fresh) {
                keepReading &= queue.add(record);
            }
            return keepReading && !errors.hasFatal();
        }
        metrics.nonLiquidationFrame();
        return !errors.hasFatal();
    }

    @Override
    public void onUnreadableMessage(String connection, String description) {
        metrics.frameReceived();
        malformed(connection, description, "", null);
    }

    @Override
    public void onConnecting(String connection) {
        metrics.connectionAttempt();
    }

    @Override
    public void onConnected(String connection, List<String> streams) {
        metrics.connected(connection);
        Long down = downSince.remove(connection);
        if (down != null) {
            metrics.gap(down, System.currentTimeMillis());
        }
    }

    @Override
    public void onDisconnected(String connection, Throwable cause, long retryInMs, ReconnectReason reason) {
        metrics.disconnected(connection, reason);
        if (reason != ReconnectReason.ROTATION) {
            downSince.putIfAbsent(connection, System.currentTimeMillis());
        }
        String message = connection + " is down (" + cause + "); reconnecting in " + retryInMs + " ms";
        log.warn(message);
        errors.retriable(message, cause);
    }

    @Override
    public void onFatal(String connection, Throwable cause) {
        metrics.connectionClosed(connection);
        log.error("{} cannot be recovered: {}", connection, cause.getMessage());
        errors.fatal(cause.getMessage(), cause);
    }

    /** @return whether to keep reading: after a failure, stop taking in what could not be delivered anyway */
    private boolean malformed(String connection, String reason, String text, Throwable cause) {
        long count = metrics.malformedFrame();
        String sample = text.length() <= SAMPLE_CHARS ? text : text.substring(0, SAMPLE_CHARS) + "…";
        log.warn("Malformed frame #{} on {}: {}; sample: {}", count, connection, reason, sample);
        if (onMalformed == MalformedEventBehavior.FAIL) {
            errors.fatal("Malformed frame on " + connection + ": " + reason + "; sample: " + sample
                    + ". Set behavior.on.malformed.event=log to count and skip such frames instead", cause);
            return false;
        }
        return true;
    }
}
