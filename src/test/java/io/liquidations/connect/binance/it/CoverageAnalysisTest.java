package io.liquidations.connect.binance.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.it.CoverageAnalysis.GapComparison;
import io.liquidations.connect.binance.it.CoverageAnalysis.GapRecord;
import io.liquidations.connect.binance.it.CoverageAnalysis.Interval;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fault-injection suite's arithmetic, checked on hand-made timelines. */
class CoverageAnalysisTest {
    private static final Set<String> STREAMS = Set.of("btcusdt@forceOrder");

    @Test
    void aDropLeavesTheIntervalUntilTheSuccessorOpens() {
        List<Interval> uncovered = CoverageAnalysis.uncovered(
                List.of(new Interval(0, 1_000), new Interval(1_250, 3_000)), List.of(), 0, 3_000);
        assertEquals(List.of(new Interval(1_000, 1_250)), uncovered);
    }

    @Test
    void anOverlappingRotationLeavesNothingUncovered() {
        List<Interval> uncovered = CoverageAnalysis.uncovered(
                List.of(new Interval(0, 2_010), new Interval(2_000, 4_000), new Interval(3_990, 5_000)), List.of(),
                0, 5_000);
        assertEquals(List.of(), uncovered);
    }

    @Test
    void aStallIsUncoveredAlthoughSocketsAreOpen() {
        List<Interval> uncovered = CoverageAnalysis.uncovered(
                List.of(new Interval(0, 1_800), new Interval(1_900, 2_700), new Interval(2_800, 6_000)),
                List.of(new Interval(1_000, 3_500)), 0, 6_000);
        assertEquals(List.of(new Interval(1_000, 3_500)), uncovered, "one interval, from the stall to data again");
    }

    @Test
    void theEndOfTheObservationIsUncoveredWhileNoConnectionIsOpen() {
        assertEquals(List.of(new Interval(900, 1_000)),
                CoverageAnalysis.uncovered(List.of(new Interval(0, 900)), List.of(), 0, 1_000));
    }

    @Test
    void eventsLostWhileOpenAreUncoveredFromTheLastDeliveredToTheNextDelivered() {
        List<CoverageAnalysis.Emission> emissions = List.of(
                new CoverageAnalysis.Emission(0, 1, true, true),
                new CoverageAnalysis.Emission(10, 11, true, false),
                new CoverageAnalysis.Emission(20, 21, true, false),
                new CoverageAnalysis.Emission(30, 31, false, false),
                new CoverageAnalysis.Emission(40, 41, true, true),
                new CoverageAnalysis.Emission(50, 51, true, false));
        assertEquals(List.of(new Interval(1, 40), new Interval(41, 51)), CoverageAnalysis.lossIntervals(emissions),
                "a run ends at the next delivered event; one still running at the end, with its last event");
        assertEquals(List.of(), CoverageAnalysis.lossIntervals(List.of(
                new CoverageAnalysis.Emission(0, 1, true, true), new CoverageAnalysis.Emission(5, 6, false, false))));
    }

    @Test
    void gapRecordsMatchWithinTheToleranceAtBothBounds() {
        List<Interval> truth = List.of(new Interval(1_000, 2_000), new Interval(5_000, 5_100));
        GapRecord good = new GapRecord(STREAMS, 990, 2_030, "dropped");
        GapRecord late = new GapRecord(STREAMS, 5_000, 6_500, "dropped");
        GapComparison result = CoverageAnalysis.compare(truth, List.of(late, good), 1_000);
        assertEquals(1, result.matched().size());
        assertEquals(good, result.matched().get(0).gap());
        assertEquals(30, result.matched().get(0).boundErrorMs());
        assertEquals(List.of(new Interval(5_000, 5_100)), result.missing());
        assertEquals(List.of(late), result.extra(), "a gap record off by 1.4 s reports nothing");
        assertEquals(1_400, result.worstErrorMs());
    }

    @Test
    void noTruthAndNoRecordsIsAPerfectMatch() {
        GapComparison result = CoverageAnalysis.compare(List.of(), List.of(), 1_000);
        assertTrue(result.matched().isEmpty() && result.missing().isEmpty() && result.extra().isEmpty());
        assertEquals(-1, result.worstErrorMs());
    }

    @Test
    void windowsCountInstantsWithinLessThanTheirLength() {
        List<Long> attempts = List.of(0L, 3L, 6L, 8L, 9L, 1_000L, 1_900L, 1_905L);
        assertEquals(5, CoverageAnalysis.maxInWindow(attempts, 1_000), "1 000 ms after the first is a new window");
        assertEquals(6, CoverageAnalysis.maxInWindow(attempts, 1_001));
        assertEquals(0, CoverageAnalysis.maxInWindow(List.of(), 1_000));
    }
}
