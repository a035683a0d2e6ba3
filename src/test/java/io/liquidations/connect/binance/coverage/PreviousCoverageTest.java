package io.liquidations.connect.binance.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.liquidations.connect.binance.record.StreamCoverageRecords;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a starting task's streams were left: committed checkpoints, tightened by this worker's exact notes. */
class PreviousCoverageTest {
    private static final String BTC = "btcusdt@forceOrder";
    private static final String ETH = "ethusdt@forceOrder";
    private static final String SOL = "solusdt@forceOrder";

    @Test
    void committedCheckpointsBoundTheEndAndTheLedgerMakesItExact() {
        CoverageLedger ledger = CoverageLedger.forConnector("previous-coverage-" + System.nanoTime());
        ledger.coverageEnded(Map.of(BTC, 10_500L, ETH, 3_000L));
        Map<String, StreamEnd> ends = PreviousCoverage.of(List.of(BTC, ETH, SOL), "usds-m", CommittedOffsets.ofCoverage("usds-m", Map.of(
                BTC, Map.of(StreamCoverageRecords.OFFSET_COVERED_UNTIL, 10_000L,
                        StreamCoverageRecords.OFFSET_STALE_BY_AT_MOST_MS, 61_000L),
                ETH, Map.of(StreamCoverageRecords.OFFSET_COVERED_UNTIL, 8_000L,
                        StreamCoverageRecords.OFFSET_STALE_BY_AT_MOST_MS, 61_000L))), ledger);
        assertEquals(new StreamEnd(10_500, 0), ends.get(BTC), "this worker knew the exact end");
        assertEquals(new StreamEnd(8_000, 61_000), ends.get(ETH),
                "a note older than the committed checkpoint is stale: the stream ran elsewhere since");
        assertNull(ends.get(SOL), "never followed: no gap");
        assertEquals(Map.of(), ledger.takeEnded(List.of(BTC, ETH)), "the notes are taken");
    }

    @Test
    void withoutOffsetsOnlyTheLedgerSpeaks() {
        CoverageLedger ledger = CoverageLedger.forConnector("previous-coverage-" + System.nanoTime());
        ledger.coverageEnded(Map.of(BTC, 5_000L));
        assertEquals(Map.of(BTC, new StreamEnd(5_000, 0)), PreviousCoverage.of(List.of(BTC), "usds-m", null, ledger));
    }
}
