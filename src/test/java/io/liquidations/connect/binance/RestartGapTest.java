package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.record.StreamCoverageRecords;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A task restart leaves its streams unwatched between the old task's stop and the new one's first frame. */
class RestartGapTest {
    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void theRestartedTaskReportsTheIntervalSinceItsPredecessorStopped() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = Map.of("name", "restart-gap-test", "symbols", "BTCUSDT,ETHUSDT");
        BinanceLiquidationSourceTask first = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        SentForceOrder before = new ForceOrderEvents(4).next("BTCUSDT");
        exchange.emit(before.stream(), before.toJson());
        List<SourceRecord> firstGaps = new ArrayList<>();
        TaskHarness.pollUntil(first, 1, firstGaps);
        assertEquals(List.of(), firstGaps, "a clean first start writes no gap");

        first.stop();
        long stoppedAt = System.currentTimeMillis();
        assertTrue(exchange.await(() -> exchange.openConnectionCount() == 0, TaskHarness.WAIT));
        Thread.sleep(1_500); // the restart takes a while, as it does on a worker

        BinanceLiquidationSourceTask second = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        long reopenedAt = exchange.connections().get(1).openedAt().toEpochMilli();
        SentForceOrder after = new ForceOrderEvents(5).next("ETHUSDT");
        exchange.emit(after.stream(), after.toJson());
        List<SourceRecord> gaps = new ArrayList<>();
        TaskHarness.pollUntil(second, 1, gaps);

        assertEquals(1, gaps.size(), "one gap for the restart: " + gaps);
        Struct gap = (Struct) gaps.get(0).value();
        assertEquals("task-restart", gap.getString(StreamGapRecords.REASON));
        assertEquals(List.of("btcusdt@forceOrder", "ethusdt@forceOrder"), gap.getArray(StreamGapRecords.STREAMS));
        long from = ((Date) gap.get(StreamGapRecords.UNCOVERED_FROM)).getTime();
        long to = ((Date) gap.get(StreamGapRecords.UNCOVERED_TO)).getTime();
        assertTrue(Math.abs(from - stoppedAt) <= 1_000, "starts at the stop: " + (from - stoppedAt) + " ms off");
        assertTrue(Math.abs(to - reopenedAt) <= 1_000, "ends at the reopen: " + (to - reopenedAt) + " ms off");
        assertTrue(to - from >= 1_400, "covers the downtime: " + (to - from) + " ms");
    }

    /**
     * The successor runs in another worker: nothing of the predecessor is in its JVM, only the coverage checkpoint
     * Connect committed. The gap starts there, and says that its start is a bound.
     */
    @Test
    void aSuccessorOnAnotherWorkerStartsTheGapAtTheCommittedCheckpointAndSaysItIsABound() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .markPriceInterval(java.time.Duration.ofMillis(50)).start());
        BinanceLiquidationSourceTask first = harness.start(exchange, Map.of("name", "durable-first",
                "symbols", "BTCUSDT", "coverage.interval.ms", "200"));
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        SourceRecord checkpoint = lastCheckpointWithin(first, 1_500);
        long committed = (Long) checkpoint.sourceOffset().get(StreamCoverageRecords.OFFSET_COVERED_UNTIL);
        long bound = (Long) checkpoint.sourceOffset().get(StreamCoverageRecords.OFFSET_STALE_BY_AT_MOST_MS);
        first.stop();
        Thread.sleep(1_000);

        // Another name: this worker's ledger knows nothing of it, as another worker's would not.
        Map<String, Map<String, Object>> offsets = Map.of("btcusdt@forceOrder", checkpoint.sourceOffset().entrySet()
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue())));
        BinanceLiquidationSourceTask second = harness.start(exchange, Map.of("name", "durable-second",
                "symbols", "BTCUSDT"), io.liquidations.connect.binance.stream.HostResolver.SYSTEM,
                new WorkerContext(io.liquidations.connect.binance.coverage.CommittedOffsets.ofCoverage("usds-m", offsets)));
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        SentForceOrder after = new ForceOrderEvents(8).next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());
        List<SourceRecord> gaps = new ArrayList<>();
        TaskHarness.pollUntil(second, 1, gaps);
        assertEquals(1, gaps.size(), "the restart's gap: " + gaps);
        Struct gap = (Struct) gaps.get(0).value();
        assertEquals("task-restart", gap.getString(StreamGapRecords.REASON));
        assertEquals(committed, ((Date) gap.get(StreamGapRecords.UNCOVERED_FROM)).getTime(),
                "from the committed checkpoint");
        assertEquals("at-most-" + bound + "-ms-early", gap.getString(StreamGapRecords.FROM_PRECISION));
    }

    /**
     * Connect commits offsets every {@code offset.flush.interval.ms}: a task killed before its first commit leaves no
     * checkpoint at all, and its successor cannot tell its streams from streams never followed. So a stream never
     * followed before is only connected once its first checkpoint is committed: whatever a kill then leaves, the
     * successor finds where the stream's following began and reports the gap from there.
     */
    @Test
    void aStreamFollowedForTheFirstTimeIsConnectedOnlyOnceItsFirstCheckpointIsCommitted() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .markPriceInterval(java.time.Duration.ofMillis(50)).start());
        io.liquidations.connect.binance.coverage.CommittedOffsets committed =
                new io.liquidations.connect.binance.coverage.CommittedOffsets();
        BinanceLiquidationSourceTask first = harness.start(exchange, Map.of("name", "killed-early",
                "symbols", "BTCUSDT", "coverage.interval.ms", "200"),
                io.liquidations.connect.binance.stream.HostResolver.SYSTEM, new WorkerContext(committed));
        // The worker acknowledges what it takes but is killed before its first offset commit.
        pollAcknowledging(first, 1_500, null);
        long killedAt = System.currentTimeMillis();
        first.stop();
        SentForceOrder whileNobodyRuns = new ForceOrderEvents(9).next("BTCUSDT");
        exchange.emit(whileNobodyRuns.stream(), whileNobodyRuns.toJson());
        long emittedAt = System.currentTimeMillis();

        BinanceLiquidationSourceTask second = harness.start(exchange, Map.of("name", "successor",
                "symbols", "BTCUSDT", "coverage.interval.ms", "200"),
                io.liquidations.connect.binance.stream.HostResolver.SYSTEM, new WorkerContext(committed));
        List<SourceRecord> gaps = new ArrayList<>(pollAcknowledging(second, 1_000, null));
        int connectedBeforeACommit = exchange.connections().size();
        // Now its worker commits.
        gaps.addAll(pollAcknowledging(second, 1_500, committed));
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT), "connected once its checkpoint is committed");

        long firstOpened = exchange.connections().get(0).openedAt().toEpochMilli();
        boolean judged = emittedAt >= firstOpened;
        List<Struct> gapRecords = gaps.stream().filter(r -> !TaskHarness.isCoverage(r)).map(r -> (Struct) r.value())
                .toList();
        boolean inAGap = gapRecords.stream().anyMatch(g -> ((Date) g.get(StreamGapRecords.UNCOVERED_FROM)).getTime() <= emittedAt
                        && emittedAt <= ((Date) g.get(StreamGapRecords.UNCOVERED_TO)).getTime());
        assertTrue(!judged || inAGap, "the liquidation published at " + emittedAt + ", after the stream was first"
                + " connected at " + firstOpened + " and after its task was killed at " + killedAt
                + ", is neither delivered nor inside a gap: " + gapRecords);
        assertEquals(0, connectedBeforeACommit, "connections opened before a checkpoint was committed");
    }

    /**
     * Polls for {@code ms}, acknowledging every record as Kafka would, and, when {@code committer} is given,
     * committing the offsets of what was acknowledged after each poll; returns what is not a liquidation.
     */
    private static List<SourceRecord> pollAcknowledging(BinanceLiquidationSourceTask task, long ms,
            io.liquidations.connect.binance.coverage.CommittedOffsets committer) throws Exception {
        List<SourceRecord> notLiquidations = new ArrayList<>();
        long until = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < until) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                for (SourceRecord record : batch) {
                    task.commitRecord(record, null);
                    if (committer != null) {
                        committer.commit(record);
                    }
                    if (!TaskHarness.isLiquidation(record)) {
                        notLiquidations.add(record);
                    }
                }
            }
        }
        return notLiquidations;
    }

    /** Polls (acknowledging) for {@code ms}, returning the last coverage checkpoint seen. */
    private static SourceRecord lastCheckpointWithin(BinanceLiquidationSourceTask task, long ms) throws Exception {
        SourceRecord last = null;
        long until = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < until) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                for (SourceRecord record : batch) {
                    task.commitRecord(record, null);
                    if (TaskHarness.isCoverage(record)) {
                        last = record;
                    }
                }
            }
        }
        assertTrue(last != null, "no coverage checkpoint within " + ms + " ms");
        return last;
    }

    /** What a worker hands a task: its committed offsets. */
    private record WorkerContext(org.apache.kafka.connect.storage.OffsetStorageReader offsets)
            implements org.apache.kafka.connect.source.SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public org.apache.kafka.connect.storage.OffsetStorageReader offsetStorageReader() {
            return offsets;
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }
    }

    /**
     * A socket paused by back-pressure is not read: what the exchange writes into it after the pause is gone once
     * the stopping task closes it. The coverage that task leaves must therefore end where reading paused, not at the
     * stop, so that its successor's gap holds those events.
     */
    @Test
    void aTaskStoppedWhileItsSocketIsPausedLeavesWhatItDidNotReadInsideTheGap() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.builder()
                .markPriceInterval(java.time.Duration.ofMillis(50)).start());
        Map<String, String> props = Map.of("name", "paused-stop", "symbols", "BTCUSDT", "queue.capacity", "2",
                "connections.per.stream", "1");
        BinanceLiquidationSourceTask first = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        ForceOrderEvents events = new ForceOrderEvents(11);
        List<SentForceOrder> sent = new ArrayList<>();
        List<Long> emittedAt = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SentForceOrder event = events.next("BTCUSDT");
            exchange.emit(event.stream(), event.toJson());
            sent.add(event);
            emittedAt.add(System.currentTimeMillis());
            if (i == 1) {
                // Nobody polls: the queue of 2 is full, and the socket stops reading.
                assertTrue(exchange.await(() -> first.counters().liquidations() == 2, TaskHarness.WAIT));
            }
            Thread.sleep(100);
        }
        first.stop();

        BinanceLiquidationSourceTask second = harness.start(exchange, props);
        assertTrue(exchange.await(() -> exchange.openConnectionCount() == 1
                && exchange.connections().size() == 2, TaskHarness.WAIT));
        SentForceOrder after = events.next("BTCUSDT");
        exchange.emit(after.stream(), after.toJson());
        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> delivered = TaskHarness.pollUntil(second, 3, gaps);
        assertEquals(List.of(sent.get(0).tradeTime(), sent.get(1).tradeTime(), after.tradeTime()),
                delivered.stream().map(SourceRecord::timestamp).toList(), "the two it read, then the next");
        assertEquals(1, gaps.size(), "the restart's gap: " + gaps);
        Struct gap = (Struct) gaps.get(0).value();
        long from = ((Date) gap.get(StreamGapRecords.UNCOVERED_FROM)).getTime();
        long to = ((Date) gap.get(StreamGapRecords.UNCOVERED_TO)).getTime();
        for (int i = 2; i < 6; i++) {
            long at = emittedAt.get(i);
            assertTrue(from <= at && at <= to, "the unread liquidation emitted at " + at + " is outside the gap ["
                    + from + ", " + to + "]");
        }
    }

    @Test
    void whatAStoppedTaskReceivedButNeverDeliveredIsDeliveredByItsSuccessor() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = Map.of("name", "handover-test", "symbols", "BTCUSDT");
        BinanceLiquidationSourceTask first = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        ForceOrderEvents events = new ForceOrderEvents(6);
        List<SentForceOrder> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(events.next("BTCUSDT"));
            exchange.emit(sent.get(i).stream(), sent.get(i).toJson());
        }
        assertTrue(exchange.await(() -> first.counters().liquidations() == 3, TaskHarness.WAIT));
        first.stop(); // nobody polled: the worker stopped the task with its queue full, as in a rebalance

        BinanceLiquidationSourceTask second = harness.start(exchange, props);
        List<SourceRecord> gaps = new ArrayList<>();
        List<SourceRecord> delivered = TaskHarness.pollUntil(second, 3, gaps);
        assertEquals(sent.stream().map(SentForceOrder::tradeTime).toList(),
                delivered.stream().map(SourceRecord::timestamp).toList(), "nothing received is lost, in order");
    }
}
