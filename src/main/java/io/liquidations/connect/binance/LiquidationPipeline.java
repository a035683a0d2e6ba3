package io.liquidations.connect.binance;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.coverage.StreamEnd;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.decode.DecodedFrame;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.decode.ForceOrderFrameDecoder;
import io.liquidations.connect.binance.decode.MalformedFrameException;
import io.liquidations.connect.binance.filter.LiquidationFilter;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.stream.ReconnectReason;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.GapInterval;
import io.liquidations.connect.binance.record.ReceivedLiquidation;
import io.liquidations.connect.binance.record.RecordSource;
import io.liquidations.connect.binance.record.StreamGapRecords;
import io.liquidations.connect.binance.stream.StreamListener;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data path of a task, run on the socket thread: frame → events → records → queue, and the coverage of each group
 * of streams → gap records. Bad input is counted, logged with a truncated sample and either reported as a gap (what
 * it carried is lost, and consumers are told so) or turned into a task failure; nothing is dropped silently.
 */
final class LiquidationPipeline implements StreamListener {
    private static final Logger log = LoggerFactory.getLogger(LiquidationPipeline.class);
    static final int SAMPLE_CHARS = 200;
    static final String REASON_MALFORMED = "malformed";
    static final String REASON_TASK_RESTART = "task-restart";

    /** What waits in the queue: a record, and what it was built from, so that a successor can build it anew. */
    record Queued(RecordSource source, SourceRecord record) {
    }

    private final ForceOrderFrameDecoder decoder = new ForceOrderFrameDecoder();
    private final ForceOrderRecords records;
    private final StreamGapRecords gapRecords;
    private final RecordQueue<Queued> queue;
    private final ErrorHandler errors;
    private final MalformedEventBehavior onMalformed;
    private final ConnectorMetrics metrics;
    private final LiquidationDeduplicator deduplicator;
    private final RecentFrames malformedSeen = new RecentFrames();
    /** Group → its coverage; socket thread only (read by a stopping task once the socket thread is gone). */
    private final Map<String, GroupCoverage> groups = new HashMap<>();
    /** Where coverage of each stream ended before this task, until the stream's first coverage takes it. */
    private final Map<String, StreamEnd> previousEnds = new HashMap<>();
    /** Which liquidations of a frame are written (all-market: own market, include/exclude). */
    private LiquidationFilter eventFilter = LiquidationFilter.NONE;

    /** A group's streams, and since when they are not covered (null while covered, or never covered yet). */
    private static final class GroupCoverage {
        final List<String> streams;
        boolean everCovered;
        Long uncoveredSince;

        GroupCoverage(List<String> streams) {
            this.streams = streams;
        }
    }

    LiquidationPipeline(ForceOrderRecords records, StreamGapRecords gapRecords, RecordQueue<Queued> queue,
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

    /**
     * Restarts are reported as gaps: where the coverage of each stream ended before this task (committed checkpoints,
     * or a stopped task in this worker), to be written as a gap when the stream is covered again.
     */
    void expectPreviousEnds(Map<String, StreamEnd> ends) {
        previousEnds.putAll(ends);
    }

    /** Only the liquidations this filter keeps are written; the others are counted by the filter. */
    void filterWith(LiquidationFilter filter) {
        this.eventFilter = filter;
    }

    /** Which streams a group carries, so that a frame's trouble can be reported for them; before it connects. */
    void follow(String group, List<String> streams) {
        groups.put(group, new GroupCoverage(List.copyOf(streams)));
    }

    // ---- data ----

    @Override
    public boolean onText(String group, String text, long receivedAtMillis, long previousFrameAtMillis) {
        metrics.frameReceived(receivedAtMillis);
        DecodedFrame frame;
        try {
            frame = decoder.decode(text);
        } catch (MalformedFrameException e) {
            return malformed(group, null, null, e.getMessage(), text, previousFrameAtMillis, receivedAtMillis, e);
        }
        if (!(frame instanceof DecodedFrame.Liquidations liquidations)) {
            metrics.nonLiquidationFrame();
            return !errors.hasFatal();
        }
        boolean keepReading = true;
        for (ForceOrderEvent event : liquidations.events()) {
            metrics.liquidationReceived(event.eventTime(), receivedAtMillis);
            if (deduplicator.seenBefore(event, receivedAtMillis)) {
                metrics.duplicateDropped();
                continue;
            }
            if (!eventFilter.keeps(event)) {
                // Left out, and counted, once: the copy from another leg is a duplicate.
                deduplicator.remember(event, receivedAtMillis);
                continue;
            }
            ReceivedLiquidation received = new ReceivedLiquidation(event, liquidations.stream(), receivedAtMillis);
            SourceRecord record;
            try {
                record = records.toRecord(received);
            } catch (DataException e) {
                keepReading &= malformed(group, liquidations.stream(), event.symbol(), e.getMessage(), text,
                        previousFrameAtMillis, receivedAtMillis, e);
                continue;
            }
            // Marked seen only once it is written: a copy from another socket must not be dropped for nothing.
            deduplicator.remember(event, receivedAtMillis);
            // Counted before queued, so that whoever polls a record also sees it counted.
            metrics.recordsProduced(1);
            keepReading &= queue.add(new Queued(received, record));
        }
        for (DecodedFrame.RejectedEvent rejected : liquidations.rejected()) {
            if (!eventFilter.keepsUnreadable(rejected.symbol())) {
                continue;
            }
            keepReading &= malformed(group, liquidations.stream(), rejected.symbol(), rejected.reason(), text,
                    previousFrameAtMillis, receivedAtMillis, null);
        }
        return keepReading && !errors.hasFatal();
    }

    /** Reported like a frame that is not JSON, with its text as a sample: a copy from another leg is reported once. */
    @Override
    public void onInvalidText(String group, String lossyText, long receivedAtMillis, long previousFrameAtMillis) {
        metrics.frameReceived(receivedAtMillis);
        malformed(group, null, null, "not valid UTF-8", lossyText, previousFrameAtMillis, receivedAtMillis, null);
    }

    @Override
    public void onUnreadableMessage(String group, String description, long receivedAtMillis,
            long previousFrameAtMillis) {
        metrics.frameReceived(receivedAtMillis);
        malformed(group, null, null, description, "", previousFrameAtMillis, receivedAtMillis, null);
    }

    // ---- connections and coverage ----

    @Override
    public void onConnecting(String connection) {
        metrics.connectionAttempt();
    }

    @Override
    public void onConnectionUp(String connection) {
        metrics.connected(connection);
    }

    @Override
    public void onRotated(String connection) {
        metrics.disconnected(connection, ReconnectReason.ROTATION);
        metrics.connected(connection);
    }

    @Override
    public void onConnectionDown(String group, String connection, Throwable cause, long retryInMs,
            ReconnectReason reason) {
        metrics.disconnected(connection, reason);
        String message = connection + " is down (" + cause + "); reconnecting in " + retryInMs + " ms";
        log.warn(message);
        GroupCoverage coverage = groups.get(group);
        if (coverage == null || coverage.uncoveredSince != null || !coverage.everCovered) {
            // Its streams are not covered: the worker hears of it. A leg lost while another covers is only logged.
            errors.retriable(message, cause);
        }
    }

    /** Coverage is back: the interval it was missing is written to the gaps topic, never dropped. */
    @Override
    public void onCovered(String group, List<String> streams, Long uncoveredSinceMillis, String reason) {
        GroupCoverage coverage = groups.computeIfAbsent(group, g -> new GroupCoverage(List.copyOf(streams)));
        coverage.everCovered = true;
        coverage.uncoveredSince = null;
        Long since = uncoveredSinceMillis;
        String precision = GapInterval.EXACT;
        StreamEnd before = takePreviousEnd(streams);
        if (before != null && (since == null || before.endedAt() < since)) {
            since = before.endedAt();
            reason = REASON_TASK_RESTART;
            precision = GapInterval.atMostEarly(before.earlyByAtMostMs());
        }
        if (since != null) {
            long now = System.currentTimeMillis();
            long from = Math.min(since, now);
            metrics.gap(from, now);
            log.warn("{} was not covered from {} ({}) to {} ({} ms, {}): writing a gap record for {} streams", group,
                    Instant.ofEpochMilli(from), precision, Instant.ofEpochMilli(now), now - from, reason,
                    streams.size());
            enqueueGap(new GapInterval(group, streams, symbolsOf(streams), from, now, reason, null, precision));
        }
    }

    @Override
    public void onUncovered(String group, List<String> streams, long coveredUntilMillis, String reason) {
        GroupCoverage coverage = groups.computeIfAbsent(group, g -> new GroupCoverage(List.copyOf(streams)));
        coverage.uncoveredSince = coveredUntilMillis;
        log.warn("{}: no connection covers its {} streams since {} ({})", group, streams.size(),
                Instant.ofEpochMilli(coveredUntilMillis), reason);
    }

    @Override
    public void onFatal(String connection, Throwable cause) {
        metrics.connectionClosed(connection);
        log.error("{} cannot be recovered: {}", connection, cause.getMessage());
        errors.fatal(cause.getMessage(), cause);
    }

    /** The earliest previous end among {@code streams}, taken: a stream's predecessor's gap is written once. */
    private StreamEnd takePreviousEnd(List<String> streams) {
        StreamEnd earliest = null;
        for (String stream : streams) {
            StreamEnd end = previousEnds.remove(stream);
            if (end != null && (earliest == null || end.endedAt() < earliest.endedAt())) {
                earliest = end;
            }
        }
        return earliest;
    }

    /**
     * For a stopping task: per stream, when its coverage ended — now for a group that is covered, the start of its
     * outage for one that is not. Groups never covered since the start are left out: their end is still where the
     * task before this one left it.
     */
    Map<String, Long> coverageEndTimes(long now) {
        Map<String, Long> ends = new HashMap<>();
        groups.values().forEach(coverage -> {
            if (coverage.everCovered) {
                long end = coverage.uncoveredSince == null ? now : coverage.uncoveredSince;
                coverage.streams.forEach(stream -> ends.put(stream, end));
            }
        });
        return ends;
    }

    /** The record of a liquidation or gap a stopped task left undelivered, built under this task's config. */
    void deliverLeftOver(RecordSource source) {
        if (source instanceof GapInterval gap) {
            enqueueGap(gap);
            return;
        }
        ReceivedLiquidation received = (ReceivedLiquidation) source;
        try {
            queue.add(new Queued(received, records.toRecord(received)));
            deduplicator.remember(received.event(), received.receivedAtMillis());
            metrics.recordsProduced(1);
        } catch (DataException e) {
            // Valid under the old config, not under this one (say, precise decimals now): reported like any other.
            malformed(null, received.stream(), received.event().symbol(), e.getMessage(), "",
                    received.receivedAtMillis(), received.receivedAtMillis(), e);
        }
    }

    private void enqueueGap(GapInterval gap) {
        queue.add(new Queued(gap, gapRecords.toRecord(gap)));
    }

    /** {@code btcusdt@forceOrder} → {@code BTCUSDT}; the all-market stream names no symbol. */
    private static List<String> symbolsOf(List<String> streams) {
        return streams.stream()
                .filter(stream -> !stream.startsWith("!"))
                .map(stream -> stream.substring(0, stream.indexOf('@')).toUpperCase(Locale.ROOT))
                .toList();
    }

    /**
     * Counts, logs and reports a frame or event that could not become a record. Under {@code log} the event is lost
     * but not silently: a gap record covers it, from the frame before it on the same socket (a socket delivers in
     * order, so nothing it carried can be older) to its arrival; a frame seen twice (on two legs) is reported once.
     *
     * @param stream the stream the frame named, or null: then every stream of the group is reported
     * @param symbol the contract it was for, when known
     * @return whether to keep reading: after a failure, stop taking in what could not be delivered anyway
     */
    private boolean malformed(String group, String stream, String symbol, String reason, String text,
            long previousFrameAtMillis, long receivedAtMillis, Throwable cause) {
        long count = metrics.malformedFrame();
        String sample = text.length() <= SAMPLE_CHARS ? text : text.substring(0, SAMPLE_CHARS) + "…";
        String where = group == null ? "a record left by the task before this one" : group;
        if (onMalformed == MalformedEventBehavior.FAIL) {
            log.warn("Malformed frame #{} on {}: {}; sample: {}", count, where, reason, sample);
            errors.fatal("Malformed frame on " + where + ": " + reason + "; sample: " + sample
                    + ". Set behavior.on.malformed.event=log to count and skip such frames instead", cause);
            return false;
        }
        if (!text.isEmpty() && !malformedSeen.firstTime(text + '\u0000' + reason + '\u0000' + symbol, receivedAtMillis)) {
            return true; // the same frame from another leg: reported already
        }
        log.warn("Malformed frame #{} on {}: {}; sample: {}", count, where, reason, sample);
        GroupCoverage coverage = group == null ? null : groups.get(group);
        List<String> streams = stream != null ? List.of(stream) : coverage != null ? coverage.streams : List.of();
        List<String> symbols = symbol != null ? List.of(symbol) : symbolsOf(streams);
        long from = Math.min(previousFrameAtMillis, receivedAtMillis);
        metrics.gap(from, receivedAtMillis);
        enqueueGap(new GapInterval(group == null ? "left-over" : group, streams, symbols, from, receivedAtMillis,
                REASON_MALFORMED, reason + (sample.isEmpty() ? "" : "; sample: " + sample)));
        return !queue.isFull();
    }
}
