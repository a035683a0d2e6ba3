package io.liquidations.connect.binance;

import io.liquidations.connect.binance.LiquidationPipeline.Queued;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.ReceivedLiquidation;
import io.liquidations.connect.binance.record.RecordSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the task spends per record between {@code poll()} and {@code commitRecord}: a batch of 1,000 handed over, the
 * batch of ten batches before acknowledged in order (10,000 records in flight, as under a blast), the coverage
 * computed every {@code coverageEvery} batches; with {@link HandedOver} and with the identity map under a lock it
 * replaced (reproduced here). The task used to compute the coverage at every poll, now once per
 * {@code coverage.interval.ms} (1 s by default: every ~100 batches of a 100,000 records/s blast). One thread: the
 * lock is uncontended, which flatters the old way.
 * Not part of {@code bench/run}; docs/BENCHMARKS.md, profile finding 6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HandOverBenchmark {
    private static final int BATCH = 1_000;

    @Param({"1", "100"})
    public int coverageEvery;
    private static final int IN_FLIGHT_BATCHES = 10;
    private final List<List<SourceRecord>> inFlight = new ArrayList<>();
    private final List<List<Queued>> batches = new ArrayList<>();
    private int next;
    private int round;
    private final HandedOver handedOver = new HandedOver();
    private final Map<SourceRecord, RecordSource> identityMap = new IdentityHashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        ForceOrderRecords records = new ForceOrderRecords("liquidations", "usds-m", DecimalHandlingMode.PRECISE);
        for (int b = 0; b < 16; b++) {
            List<Queued> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                String symbol = "S" + (i % 200) + "USDT";
                ForceOrderEvent event = new ForceOrderEvent("forceOrder", 1L + i, symbol, null, "SELL", "LIMIT",
                        "IOC", "1", "2", "2", "FILLED", "1", "1", 1L + i, null);
                ReceivedLiquidation received = new ReceivedLiquidation(event,
                        symbol.toLowerCase() + "@forceOrder", 1_000L * b + i);
                batch.add(new Queued(received, records.toRecord(received)));
            }
            batches.add(batch);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int handedOver() {
        List<SourceRecord> polled = new ArrayList<>(BATCH);
        handedOver.handOver(nextBatch(), polled);
        int streams = round % coverageEvery == 0 ? handedOver.notYetInKafka().size() : 0;
        for (SourceRecord record : acknowledgedNow(polled)) {
            HandedOver.acknowledged(record);
        }
        return streams;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int identityMapUnderALock() {
        List<SourceRecord> polled = new ArrayList<>(BATCH);
        synchronized (identityMap) {
            for (Queued queued : nextBatch()) {
                polled.add(queued.record());
                identityMap.put(queued.record(), queued.source());
            }
        }
        int streams = 0;
        if (round % coverageEvery == 0) {
            Map<String, Long> earliest = new HashMap<>();
            synchronized (identityMap) {
                identityMap.values().forEach(source -> {
                    ReceivedLiquidation liquidation = (ReceivedLiquidation) source;
                    java.util.Set.of(liquidation.stream()).forEach(
                            stream -> earliest.merge(stream, liquidation.receivedAtMillis(), Math::min));
                });
            }
            streams = earliest.size();
        }
        for (SourceRecord record : acknowledgedNow(polled)) {
            synchronized (identityMap) {
                identityMap.remove(record);
            }
        }
        return streams;
    }

    /** Kafka acknowledges the batch handed over ten batches ago. */
    private List<SourceRecord> acknowledgedNow(List<SourceRecord> polled) {
        inFlight.add(polled);
        return inFlight.size() > IN_FLIGHT_BATCHES ? inFlight.remove(0) : List.of();
    }

    private List<Queued> nextBatch() {
        round++;
        List<Queued> batch = batches.get(next);
        next = (next + 1) % batches.size();
        return batch;
    }
}
