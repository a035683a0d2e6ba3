package io.liquidations.connect.binance.record;

import java.util.List;

/**
 * An interval during which some streams were not covered.
 *
 * @param group the group of streams the gap was seen on: it names the gap's source partition
 * @param symbols the symbols of the streams, or the one symbol a rejected event was for; empty for the all-market
 *     stream as a whole
 * @param reason a {@code ReconnectReason} tag, {@code task-restart} or {@code malformed}
 * @param detail what happened, in words (a rejected event's reason and sample), or null
 * @param fromPrecision {@value #EXACT} when {@code fromMillis} is where coverage ended, or
 *     {@code at-most-<N>-ms-early} when it is a conservative bound: coverage ended no earlier, and at most N ms later
 */
public record GapInterval(String group, List<String> streams, List<String> symbols, long fromMillis, long toMillis,
        String reason, String detail, String fromPrecision) implements RecordSource {
    public static final String EXACT = "exact";

    public GapInterval {
        streams = List.copyOf(streams);
        symbols = List.copyOf(symbols);
    }

    /** A gap whose start is exact. */
    public GapInterval(String group, List<String> streams, List<String> symbols, long fromMillis, long toMillis,
            String reason, String detail) {
        this(group, streams, symbols, fromMillis, toMillis, reason, detail, EXACT);
    }

    /** The {@code fromPrecision} of a start that may be up to {@code ms} before the true end of coverage. */
    public static String atMostEarly(long ms) {
        return ms <= 0 ? EXACT : "at-most-" + ms + "-ms-early";
    }
}
