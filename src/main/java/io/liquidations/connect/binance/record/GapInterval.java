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
 */
public record GapInterval(String group, List<String> streams, List<String> symbols, long fromMillis, long toMillis,
        String reason, String detail) implements RecordSource {

    public GapInterval {
        streams = List.copyOf(streams);
        symbols = List.copyOf(symbols);
    }
}
