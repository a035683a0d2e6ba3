package io.liquidations.connect.binance.quickstart;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The live view's status, every few seconds: the connector and its tasks, coverage (streams read by running
 * tasks, gap records so far) and the last minute's liquidated notional, longs against shorts, with a bar so that
 * a cascade on one side shows at a glance. Coverage also says how far behind the watermark is: now minus the oldest
 * {@code coveredUntil} among the streams' latest checkpoints in the coverage topic, i.e. how long ago every stream's
 * liquidations were last proved complete.
 */
final class StatusLine {
    static final int BAR_WIDTH = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private StatusLine() {
    }

    /**
     * The worker's view of the connector.
     *
     * @param summary e.g. "RUNNING, 1/1 tasks RUNNING", with a failed task's first trace line
     * @param streamsCovered streams assigned to RUNNING tasks
     * @param streams streams assigned to all tasks
     */
    record Connector(String summary, int streamsCovered, int streams) {
    }

    /** Gap records read so far. */
    record Gaps(int count, long totalMs, String lastReason) {
        static final Gaps NONE = new Gaps(0, 0, null);

        Gaps plus(CoverageGap gap) {
            return new Gaps(count + 1, totalMs + gap.durationMs(), gap.reason());
        }
    }

    /**
     * Two lines: the connector and its coverage, then the last minute's liquidations, longs against shorts.
     *
     * @param oldestWatermark the oldest of the streams' latest watermarks, or null before the first checkpoint
     */
    static String format(Instant now, Connector connector, Gaps gaps, Instant oldestWatermark,
            MarketPulse.Snapshot pulse, long shown) {
        String watermarkText = oldestWatermark == null ? "no watermark yet"
                : "watermark " + BigDecimal.valueOf(Math.max(0, now.toEpochMilli() - oldestWatermark.toEpochMilli()), 3)
                        .setScale(1, RoundingMode.HALF_EVEN).toPlainString() + " s behind";
        String gapText = gaps.count() == 0 ? "no gap so far"
                : gaps.count() + (gaps.count() == 1 ? " gap" : " gaps") + " so far ("
                        + BigDecimal.valueOf(gaps.totalMs(), 3).setScale(1, RoundingMode.HALF_EVEN).toPlainString()
                        + " s not covered, last: " + gaps.lastReason() + ")";
        return "[status " + TIME.format(now) + "] connector " + connector.summary()
                + "; coverage: " + connector.streamsCovered() + "/" + connector.streams() + " streams, " + watermarkText
                + ", " + gapText
                + "; " + shown + " liquidations shown\n"
                + "[last " + pulse.window().toSeconds() + " s] longs liquidated " + money(pulse.longsLiquidated())
                + " (" + pulse.longCount() + ") " + bar(pulse.longsLiquidated(), pulse.shortsLiquidated()) + " "
                + money(pulse.shortsLiquidated()) + " (" + pulse.shortCount() + ") shorts liquidated";
    }

    /** L for the longs' share of the notional, S for the shorts'; dots when nothing was liquidated. */
    static String bar(BigDecimal longs, BigDecimal shorts) {
        BigDecimal total = longs.add(shorts);
        if (total.signum() == 0) {
            return "[" + ".".repeat(BAR_WIDTH) + "]";
        }
        int longCells = longs.multiply(BigDecimal.valueOf(BAR_WIDTH)).divide(total, 0, RoundingMode.HALF_EVEN)
                .intValueExact();
        return "[" + "L".repeat(longCells) + "S".repeat(BAR_WIDTH - longCells) + "]";
    }

    /** Rounded to cents for display only; the sums themselves are exact. */
    static String money(BigDecimal amount) {
        return String.format(java.util.Locale.ROOT, "%,.2f", amount.setScale(2, RoundingMode.HALF_EVEN));
    }
}
