package io.liquidations.connect.binance.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    private static final Instant NOW = Instant.parse("2026-06-30T12:00:00Z");

    @Test
    void showsConnectorCoverageAndLongsAgainstShorts() {
        MarketPulse pulse = new MarketPulse(Duration.ofSeconds(60));
        pulse.add(MarketPulseTest.liquidation(NOW.minusSeconds(3), "SELL", "30000", "1.5"), NOW);
        pulse.add(MarketPulseTest.liquidation(NOW.minusSeconds(2), "BUY", "5000.005", "1"), NOW);
        StatusLine.Gaps gaps = StatusLine.Gaps.NONE
                .plus(new CoverageGap(List.of("!forceOrder@arr"), 1_250, "dropped"))
                .plus(new CoverageGap(List.of("!forceOrder@arr"), 800, "stall"));

        String[] lines = StatusLine.format(NOW, new StatusLine.Connector("RUNNING, 1/1 tasks RUNNING", 1, 1), gaps,
                NOW.minusMillis(1_250), pulse.snapshot(NOW), 42).split("\n");

        assertEquals(2, lines.length);
        assertTrue(lines[0].matches("\\[status \\d{2}:\\d{2}:\\d{2}] connector RUNNING, 1/1 tasks RUNNING; coverage:"
                + " 1/1 streams, watermark 1\\.2 s behind, 2 gaps so far \\(2\\.0 s not covered, last: stall\\); 42 liquidations shown"), lines[0]);
        // 45,000.00 of longs against 5,000.005 of shorts (shown rounded half-even: 5,000.00): 18 of 20 cells.
        assertEquals("[last 60 s] longs liquidated 45,000.00 (1) [LLLLLLLLLLLLLLLLLLSS] 5,000.00 (1) shorts liquidated",
                lines[1]);
    }

    @Test
    void anEmptyMinuteAndACleanStartSaySo() {
        String status = StatusLine.format(NOW, new StatusLine.Connector("RUNNING, 0/1 tasks RUNNING", 0, 1),
                StatusLine.Gaps.NONE, null, new MarketPulse(Duration.ofSeconds(60)).snapshot(NOW), 0);
        assertTrue(status.contains("coverage: 0/1 streams, no watermark yet, no gap so far"), status);
        assertTrue(status.endsWith("longs liquidated 0.00 (0) [....................] 0.00 (0) shorts liquidated"),
                status);
    }

    @Test
    void theBarSplitsTwentyCellsByNotional() {
        assertEquals("[LLLLLLLLLLSSSSSSSSSS]", StatusLine.bar(new BigDecimal("1"), new BigDecimal("1")));
        assertEquals("[SSSSSSSSSSSSSSSSSSSS]", StatusLine.bar(BigDecimal.ZERO, new BigDecimal("0.01")));
        assertEquals("[LLLLLLLLLLLLLLLLLLLL]", StatusLine.bar(new BigDecimal("123456789.12345678"), BigDecimal.ZERO));
    }
}
