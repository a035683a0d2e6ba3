package io.liquidations.connect.binance.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FirstCheckpointGateTest {
    private static final String BTC = "btcusdt@forceOrder";
    private static final String ETH = "ethusdt@forceOrder";
    private static final String SOL = "solusdt@forceOrder";

    private static Map<String, List<String>> groups() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        groups.put("c/task-0/group-1", List.of(BTC));
        groups.put("c/task-0/group-2", List.of(ETH, SOL));
        return groups;
    }

    @Test
    void groupsWithAPreviousCoverageConnectAtOnceAndAGroupWithANewStreamWaitsForItsCommit() {
        CommittedOffsets committed = new CommittedOffsets();
        FirstCheckpointGate gate = new FirstCheckpointGate("usds-m", committed, List.of(BTC, ETH));
        assertEquals(List.of("c/task-0/group-1"), List.copyOf(gate.admit(groups(), 0).keySet()),
                "SOL was never followed: its group waits, ETH with it");
        assertTrue(gate.holding());
        assertEquals(Map.of("c/task-0/group-2", List.of(ETH, SOL)), gate.held());
        assertEquals(Map.of(), gate.released(100), "nothing committed yet");

        committed.commit(new io.liquidations.connect.binance.record.StreamCoverageRecords("cov", "c", "usds-m")
                .toRecord(SOL, 200, 150, 150L, 61_000));
        assertEquals(Map.of(), gate.released(300), "offsets are read again only every "
                + FirstCheckpointGate.CHECK_EVERY_MS + " ms");
        assertEquals(Map.of("c/task-0/group-2", List.of(ETH, SOL)), gate.released(100 + FirstCheckpointGate.CHECK_EVERY_MS));
        assertFalse(gate.holding());
        assertEquals(Map.of(), gate.held());
    }

    @Test
    void outsideAWorkerNothingIsHeld() {
        FirstCheckpointGate gate = new FirstCheckpointGate("usds-m", null, List.of());
        assertEquals(groups(), gate.admit(groups(), 0));
        assertFalse(gate.holding());
    }
}
