package io.liquidations.connect.binance;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.coverage.CoverageLedger;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.decode.DecodedFrame;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.decode.ForceOrderFrameDecoder;
import io.liquidations.connect.binance.decode.MalformedFrameException;
import io.liquidations.connect.binance.filter.LiquidationFilter;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.metrics.ReconnectReason;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.StreamGapRecords;
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
    private final StreamGapRecords gapRecords;
    /** Connection → since when, and why, its streams are not covered; socket thread only. */
    private final Map<String, Outage> outages = new HashMap<>();

    private record Outage(long since, String reason) {
    }

    /** Connection → its streams, once it has connected; socket thread only. */
    private final Map<String, List<String>> streamsOf = new HashMap<>();
    /** Where a stopped task left its coverage end times; null when restarts are not tracked. */
    private CoverageLedger ledger;
    /** Which liquidations of a frame are written (all-market: own market, include/exclude). */
    private LiquidationFilter eventFilter = LiquidationFilter.NONE;

    LiquidationPipeline(ForceOrderRecords records, StreamGapRecords gapRecords, RecordQueue<SourceRecord> queue,
            ErrorHandler errors, MalformedEventBehavior onMalformed, ConnectorMetrics metrics,
            LiquidationDeduplicator deduplicator) {
        this.records = records;
        this.gapRecords = gapRecords;
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
        frame = eventFilter.apply(frame);
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

    /** Only the liquidations this filter keeps are written; the others are counted by the filter. */
    void filterWith(LiquidationFilter filter) {
        this.eventFilter = filter;
    }

    /** Restarts are reported as gaps: coverage end times left by a stopped task of the connector are taken here. */
    void trackRestartsIn(CoverageLedger ledger) {
        this.ledger = ledger;
    }

    /** Coverage is back: the interval it was missing is written to the gaps topic, never dropped. */
    @Override
    public void onConnected(String connection, List<String> streams) {
        metrics.connected(connection);
        streamsOf.put(connection, streams);
        Outage outage = outages.remove(connection);
        Map<String, Long> endedByStoppedTask = ledger == null ? Map.of() : ledger.takeEnded(streams);
        if (!endedByStoppedTask.isEmpty()) {
            long endedAt = java.util.Collections.min(endedByStoppedTask.values());
            outage = new Outage(outage == null ? endedAt : Math.min(endedAt, outage.since()), "task-restart");
        }
        if (outage != null) {
            long now = System.currentTimeMillis();
            long from = Math.min(outage.since(), now);
            metrics.gap(from, now);
            log.warn("{} was not covered from {} to {} ({} ms, {}): writing a gap record for {} streams", connection,
                    java.time.Instant.ofEpochMilli(from), java.time.Instant.ofEpochMilli(now), now - from,
                    outage.reason(), streams.size());
            queue.add(gapRecords.toRecord(connection, streams, symbolsOf(streams), from, now, outage.reason()));
        }
    }

    @Override
    public void onRotated(String connection) {
        metrics.disconnected(connection, ReconnectReason.ROTATION);
        metrics.connected(connection);
    }

    @Override
    public void onDisconnected(String connection, Throwable cause, long retryInMs, ReconnectReason reason,
            long coveredUntilMillis) {
        metrics.disconnected(connection, reason);
        if (reason != ReconnectReason.ROTATION) {
            // An outage lasts from the first failure to the next success, however many attempts fail between.
            outages.putIfAbsent(connection, new Outage(coveredUntilMillis, reason.tag()));
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

    /**
     * For a stopping task: per stream, when its coverage ended — now for a connection that is up, the start of
     * its outage for one that is down.
     */
    Map<String, Long> coverageEndTimes(long now) {
        Map<String, Long> ends = new HashMap<>();
        streamsOf.forEach((connection, streams) -> {
            Outage outage = outages.get(connection);
            long end = outage == null ? now : outage.since();
            streams.forEach(stream -> ends.put(stream, end));
        });
        return ends;
    }

    /** {@code btcusdt@forceOrder} → {@code BTCUSDT}; the all-market stream names no symbol. */
    private static List<String> symbolsOf(List<String> streams) {
        return streams.stream()
                .filter(stream -> !stream.startsWith("!"))
                .map(stream -> stream.substring(0, stream.indexOf('@')).toUpperCase(java.util.Locale.ROOT))
                .toList();
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
