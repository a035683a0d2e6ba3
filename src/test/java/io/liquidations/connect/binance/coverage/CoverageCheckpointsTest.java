package io.liquidations.connect.binance.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.record.StreamCoverageRecords;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The watermark is true when made: never past what Kafka does not have yet, nor past where coverage ended. */
class CoverageCheckpointsTest {
    private static final String BTC = "btcusdt@forceOrder";
    private static final String ETH = "ethusdt@forceOrder";
    private final StreamCoverageRecords records = new StreamCoverageRecords("t.coverage", "c", "usds-m");

    private static long until(SourceRecord checkpoint) {
        return ((Date) ((Struct) checkpoint.value()).get(StreamCoverageRecords.COVERED_UNTIL)).getTime();
    }

    private static Object uncoveredSince(SourceRecord checkpoint) {
        return ((Struct) checkpoint.value()).get(StreamCoverageRecords.UNCOVERED_SINCE);
    }

    @Test
    void oneCheckpointPerStreamEveryIntervalAtTheFrontier() {
        CoverageCheckpoints checkpoints = new CoverageCheckpoints(records, 1_000, Map.of(), 0);
        List<CoverageCheckpoints.Group> covered = List.of(new CoverageCheckpoints.Group(List.of(BTC, ETH), 9_990, true));
        List<SourceRecord> first = checkpoints.due(10_000, covered, Map.of(), Long.MAX_VALUE);
        assertEquals(2, first.size());
        assertEquals(9_990, until(first.get(0)), "the last frame that proved delivery, not now");
        assertNull(uncoveredSince(first.get(0)));
        assertEquals(List.of(), checkpoints.due(10_500, covered, Map.of(), Long.MAX_VALUE), "not due yet");
        assertEquals(500, checkpoints.dueInMs(10_500));
        assertEquals(2, checkpoints.due(11_000, covered, Map.of(), Long.MAX_VALUE).size());
    }

    @Test
    void neverPastWhatIsQueuedOrNotYetAcknowledged() {
        CoverageCheckpoints checkpoints = new CoverageCheckpoints(records, 1_000, Map.of(), 0);
        List<CoverageCheckpoints.Group> covered = List.of(new CoverageCheckpoints.Group(List.of(BTC, ETH), 9_990, true));
        List<SourceRecord> due = checkpoints.due(10_000, covered, Map.of(BTC, 9_500L), 9_800);
        assertEquals(9_500, until(due.get(0)), "a BTC liquidation received at 9,500 is not in Kafka yet");
        assertEquals(9_800, until(due.get(1)), "the oldest queued record bounds every stream");
        assertEquals(9_500, checkpoints.oldestWatermark());
    }

    @Test
    void aGroupNoLongerCoveredStaysWhereCoverageEnded() {
        CoverageCheckpoints checkpoints = new CoverageCheckpoints(records, 1_000, Map.of(), 0);
        SourceRecord down = checkpoints.due(10_000, List.of(new CoverageCheckpoints.Group(List.of(BTC), 7_000,
                false)), Map.of(), Long.MAX_VALUE).get(0);
        assertEquals(7_000, until(down));
        assertEquals(new Date(7_000), uncoveredSince(down));
        assertEquals(false, ((Struct) down.value()).get(StreamCoverageRecords.COVERED));
    }

    @Test
    void beforeItsFirstCoverageAStreamStaysWhereItsPredecessorLeftItAndANewOneWhereItsFollowingBegan() {
        CoverageCheckpoints checkpoints = new CoverageCheckpoints(records, 1_000,
                Map.of(BTC, new StreamEnd(4_000, 61_000)), 9_000);
        List<SourceRecord> due = checkpoints.due(10_000, List.of(new CoverageCheckpoints.Group(List.of(BTC, ETH),
                Long.MIN_VALUE, false)), Map.of(), Long.MAX_VALUE);
        assertEquals(2, due.size());
        assertEquals(4_000, until(due.get(0)));
        assertEquals(new Date(4_000), uncoveredSince(due.get(0)));
        assertEquals(9_000, until(due.get(1)), "a stream never followed before: followed since the task started");
        assertEquals(new Date(9_000), uncoveredSince(due.get(1)), "and not covered yet");
    }

    @Test
    void theStalenessBoundIsTheWatermarksLagPlusTheIntervalPlusTheTimedCommitCadence() {
        CoverageCheckpoints checkpoints = new CoverageCheckpoints(records, 1_000, Map.of(), 0);
        List<CoverageCheckpoints.Group> covered = List.of(new CoverageCheckpoints.Group(List.of(BTC), 9_990, true));
        assertEquals(10 + 1_000 + CoverageCheckpoints.DEFAULT_COMMIT_EVERY_MS, checkpoints.due(10_000, covered,
                Map.of(), Long.MAX_VALUE).get(0).sourceOffset().get(StreamCoverageRecords.OFFSET_STALE_BY_AT_MOST_MS),
                "the watermark's 10 ms behind now, the interval, and Connect's default commit cadence until timed");
        checkpoints.committed(20_000);
        checkpoints.committed(25_000);
        Object bound = checkpoints.due(30_000, covered, Map.of(), Long.MAX_VALUE).get(0).sourceOffset()
                .get(StreamCoverageRecords.OFFSET_STALE_BY_AT_MOST_MS);
        assertEquals(20_010L + 6_000L, bound, "a watermark 20,010 ms behind, 1 s checkpoints, commits every 5 s");
        assertTrue(checkpoints.oldestWatermark() > 0);
    }
}
