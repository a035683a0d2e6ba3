package io.liquidations.connect.binance;

import io.liquidations.connect.binance.LiquidationPipeline.Queued;
import io.liquidations.connect.binance.record.GapInterval;
import io.liquidations.connect.binance.record.ReceivedLiquidation;
import io.liquidations.connect.binance.record.RecordSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records {@code poll()} handed to the worker that Kafka has not acknowledged yet: they bound the coverage a
 * checkpoint may claim, and a stopping task moves its streams' coverage end back before them.
 *
 * <p>Each record handed over carries its own acknowledgement: Connect calls {@code commitRecord} with the very
 * instance {@code poll()} returned, on the producer's I/O thread, and that call only sets a volatile flag: no lookup,
 * no lock shared with the task thread. The records stay in hand-over order, and the acknowledged ones are dropped from
 * the front at each hand-over and all at once when the coverage is computed (once per checkpoint). The lock guards
 * only the order itself, which {@code poll()} and {@code stop()} (another thread) both touch.
 */
final class HandedOver {
    /** A record as handed to the worker, with what it was built from and whether Kafka has it yet. */
    static final class Record extends SourceRecord {
        final RecordSource source;
        volatile boolean acknowledged;

        Record(SourceRecord built, RecordSource source) {
            super(built.sourcePartition(), built.sourceOffset(), built.topic(), built.kafkaPartition(),
                    built.keySchema(), built.key(), built.valueSchema(), built.value(), built.timestamp(),
                    built.headers());
            this.source = source;
        }
    }

    private final ArrayDeque<Record> inOrder = new ArrayDeque<>();

    /** Adds to {@code records} what to hand to the worker for {@code batch}, now counted as not yet in Kafka. */
    synchronized void handOver(List<Queued> batch, List<SourceRecord> records) {
        while (!inOrder.isEmpty() && inOrder.peekFirst().acknowledged) {
            inOrder.pollFirst();
        }
        for (Queued queued : batch) {
            Record record = new Record(queued.record(), queued.source());
            inOrder.addLast(record);
            records.add(record);
        }
    }

    /** Kafka has {@code record} (or the worker dropped it): it no longer bounds coverage. Any thread, no lock. */
    static void acknowledged(SourceRecord record) {
        if (record instanceof Record handedOver) {
            handedOver.acknowledged = true;
        }
    }

    /**
     * Per stream, the earliest receive time (a liquidation) or start (a gap) of what is handed over and not
     * acknowledged. A record acknowledged while this runs may still count: the result errs early, never late.
     */
    synchronized Map<String, Long> notYetInKafka() {
        inOrder.removeIf(record -> record.acknowledged);
        Map<String, Long> earliest = new HashMap<>();
        for (Record record : inOrder) {
            if (record.source instanceof ReceivedLiquidation liquidation) {
                if (liquidation.stream() != null) {
                    earliest.merge(liquidation.stream(), liquidation.receivedAtMillis(), Math::min);
                }
            } else {
                GapInterval gap = (GapInterval) record.source;
                gap.streams().forEach(stream -> earliest.merge(stream, gap.fromMillis(), Math::min));
            }
        }
        return earliest;
    }

    /** Forgets every record: a stopped task no longer answers for them. */
    synchronized void clear() {
        inOrder.clear();
    }

    /** Records held, acknowledged ones not yet dropped included. */
    synchronized int size() {
        return inOrder.size();
    }
}
