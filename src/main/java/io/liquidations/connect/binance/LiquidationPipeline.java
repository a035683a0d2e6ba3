package io.liquidations.connect.binance;

import io.liquidations.connect.binance.config.MalformedEventBehavior;
import io.liquidations.connect.binance.decode.DecodedFrame;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.decode.ForceOrderFrameDecoder;
import io.liquidations.connect.binance.decode.MalformedFrameException;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.stream.StreamListener;
import java.util.ArrayList;
import java.util.List;
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
    private final IngestCounters counters;

    LiquidationPipeline(ForceOrderRecords records, RecordQueue<SourceRecord> queue, ErrorHandler errors,
            MalformedEventBehavior onMalformed, IngestCounters counters) {
        this.records = records;
        this.queue = queue;
        this.errors = errors;
        this.onMalformed = onMalformed;
        this.counters = counters;
    }

    @Override
    public boolean onText(String connection, String text, long receivedAtMillis) {
        counters.frameReceived();
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
            boolean keepReading = true;
            for (SourceRecord record : converted) {
                keepReading &= queue.add(record);
            }
            counters.liquidationsQueued(converted.size());
            return keepReading && !errors.hasFatal();
        }
        counters.otherFrameSkipped();
        return !errors.hasFatal();
    }

    @Override
    public void onUnreadableMessage(String connection, String description) {
        counters.frameReceived();
        malformed(connection, description, "", null);
    }

    @Override
    public void onConnected(String connection, List<String> streams) {
        counters.connectionOpened();
    }

    @Override
    public void onDisconnected(String connection, Throwable cause, long retryInMs) {
        counters.disconnected();
        String message = connection + " is down (" + cause + "); reconnecting in " + retryInMs + " ms";
        log.warn(message);
        errors.retriable(message, cause);
    }

    @Override
    public void onFatal(String connection, Throwable cause) {
        log.error("{} cannot be recovered: {}", connection, cause.getMessage());
        errors.fatal(cause.getMessage(), cause);
    }

    /** @return whether to keep reading: after a failure, stop taking in what could not be delivered anyway */
    private boolean malformed(String connection, String reason, String text, Throwable cause) {
        long count = counters.malformedFrame();
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
