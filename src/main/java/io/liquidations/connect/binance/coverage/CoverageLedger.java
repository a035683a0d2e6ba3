package io.liquidations.connect.binance.coverage;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each stream of a connector stopped being covered by a task that has stopped, kept in the worker JVM until
 * the next task of that connector covers the stream again: a task restart (a rebalance, a config change, a REST
 * restart) is a gap too, and only the stopped task knew when it began. A worker that dies takes its ledger with
 * it; such a gap is not reported (see docs/RELIABILITY.md).
 */
public final class CoverageLedger {
    private static final Map<String, CoverageLedger> BY_CONNECTOR = new ConcurrentHashMap<>();

    private final Map<String, Long> endedAt = new HashMap<>();

    CoverageLedger() {
    }

    public static CoverageLedger forConnector(String connector) {
        return BY_CONNECTOR.computeIfAbsent(connector, name -> new CoverageLedger());
    }

    /** A stopping task records, per stream, when its coverage ended. */
    public synchronized void coverageEnded(Map<String, Long> streamEndTimes) {
        streamEndTimes.forEach((stream, at) -> endedAt.merge(stream, at, Math::min));
    }

    /** A task covering these streams again takes their end times (absent: never covered, or already reported). */
    public synchronized Map<String, Long> takeEnded(Collection<String> streams) {
        Map<String, Long> taken = new HashMap<>();
        for (String stream : streams) {
            Long at = endedAt.remove(stream);
            if (at != null) {
                taken.put(stream, at);
            }
        }
        return taken;
    }
}
