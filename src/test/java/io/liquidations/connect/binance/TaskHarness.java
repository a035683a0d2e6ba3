package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;

/** Runs real tasks against the fake exchange, as the worker would, and cleans up after a test. */
final class TaskHarness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    <T extends AutoCloseable> T track(T closeable) {
        cleanup.add(closeable);
        return closeable;
    }

    /** Starts a task on the exchange's URL (unless overridden); its symbols are its own task symbols. */
    BinanceLiquidationSourceTask start(FakeBinanceExchange exchange, Map<String, String> overrides) {
        return start(exchange, overrides, io.liquidations.connect.binance.stream.HostResolver.SYSTEM);
    }

    /** As above, with host names looked up by {@code resolver}: for DNS faults. */
    BinanceLiquidationSourceTask start(FakeBinanceExchange exchange, Map<String, String> overrides,
            io.liquidations.connect.binance.stream.HostResolver resolver) {
        return start(exchange, overrides, resolver, null);
    }

    /** As above, initialized with {@code context} (its offsets) as a worker would, or with none when null. */
    BinanceLiquidationSourceTask start(FakeBinanceExchange exchange, Map<String, String> overrides,
            io.liquidations.connect.binance.stream.HostResolver resolver,
            org.apache.kafka.connect.source.SourceTaskContext context) {
        Map<String, String> props = new HashMap<>();
        props.put("binance.ws.url", exchange.baseUrl());
        props.putAll(overrides);
        props.putIfAbsent(LiquidationTaskConfig.TASK_SYMBOLS, props.getOrDefault("symbols", ""));
        // One socket per group unless a test is about redundancy: the socket-level tests count connections.
        props.putIfAbsent("connections.per.stream", "1");
        // Each test's tasks are their own connector, so that one test's restart is no gap in another's.
        props.putIfAbsent("name", "test-" + java.util.UUID.randomUUID());
        BinanceLiquidationSourceTask task = new BinanceLiquidationSourceTask(resolver);
        if (context != null) {
            task.initialize(context);
        }
        task.start(props);
        cleanup.add(0, task::stop);
        return task;
    }

    /** Polls until {@code count} liquidation records arrived; gap records met on the way are kept aside. */
    static List<SourceRecord> pollUntil(BinanceLiquidationSourceTask task, int count) throws InterruptedException {
        return pollUntil(task, count, new ArrayList<>());
    }

    static List<SourceRecord> pollUntil(BinanceLiquidationSourceTask task, int count, List<SourceRecord> gaps)
            throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            List<SourceRecord> batch;
            try {
                batch = task.poll();
            } catch (RetriableException e) {
                continue; // as the worker does: log, keep the task, poll again
            }
            if (batch != null) {
                for (SourceRecord record : batch) {
                    acknowledge(task, record);
                    if (isCoverage(record)) {
                        continue; // a checkpoint, every coverage.interval.ms: neither a liquidation nor a gap
                    }
                    (isGap(record) ? gaps : records).add(record);
                }
            }
        }
        assertEquals(count, records.size(), "records polled");
        return records;
    }

    /** As the worker does once Kafka has the record. */
    private static void acknowledge(BinanceLiquidationSourceTask task, SourceRecord record) {
        task.commitRecord(record, null);
    }

    static boolean isGap(SourceRecord record) {
        return StreamGapRecords.NAME.equals(record.valueSchema().name());
    }

    static boolean isCoverage(SourceRecord record) {
        return io.liquidations.connect.binance.record.StreamCoverageRecords.NAME.equals(record.valueSchema().name());
    }

    /** A liquidation record: neither a gap nor a coverage checkpoint. */
    static boolean isLiquidation(SourceRecord record) {
        return !isGap(record) && !isCoverage(record);
    }

    /** Polls until {@code poll()} throws {@code type}, skipping records and other retriable errors; null if never. */
    static <E extends RuntimeException> E pollUntilThrown(BinanceLiquidationSourceTask task, Class<E> type)
            throws InterruptedException {
        return pollUntilThrown(task, type, new ArrayList<>());
    }

    /** As above, keeping what was polled on the way. */
    static <E extends RuntimeException> E pollUntilThrown(BinanceLiquidationSourceTask task, Class<E> type,
            List<SourceRecord> polled) throws InterruptedException {
        return pollUntilThrown(task, type, polled, false);
    }

    /**
     * As above; with {@code failureOnly}, retriable errors (which the worker logs and polls again after) are skipped
     * even when they are a {@code type}: only a failure of the task counts.
     */
    static <E extends RuntimeException> E pollUntilThrown(BinanceLiquidationSourceTask task, Class<E> type,
            List<SourceRecord> polled, boolean failureOnly) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                List<SourceRecord> batch = task.poll();
                if (batch != null) {
                    batch.forEach(record -> acknowledge(task, record));
                    batch.stream().filter(record -> !isCoverage(record)).forEach(polled::add);
                }
            } catch (RuntimeException e) {
                if (type.isInstance(e) && !(failureOnly && e instanceof RetriableException)) {
                    return type.cast(e);
                }
            }
        }
        return null;
    }

    static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }
}
