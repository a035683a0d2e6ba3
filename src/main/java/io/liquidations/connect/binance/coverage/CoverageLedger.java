package io.liquidations.connect.binance.coverage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stopped task of a connector leaves to its successor in the worker JVM: when each stream stopped being
 * covered (a task restart — a rebalance, a config change, a REST restart — is a gap too, and only the stopped task
 * knew when it began), and what it received but never handed to the worker, to be built into records again under
 * the successor's config. A worker that dies takes its ledger with it; that gap is not reported (see
 * docs/RELIABILITY.md).
 */
public final class CoverageLedger {
    private static final Map<String, CoverageLedger> BY_CONNECTOR = new ConcurrentHashMap<>();

    private final Map<String, Long> endedAt = new HashMap<>();
    private final List<HandedOver<?>> handedOver = new ArrayList<>();

    /** A record a stopped task received but Kafka never acknowledged, with the streams it belongs to. */
    private record HandedOver<R>(R record, Set<String> streams, long leftAtMillis) {
    }

    private static final Logger log = LoggerFactory.getLogger(CoverageLedger.class);
    /**
     * A successor normally starts within seconds. Records nobody took over by then belong to a connector that
     * was deleted or moved to another worker: they are let go, with a warning, instead of held forever.
     */
    static final long HANDOVER_MAX_AGE_MS = 10 * 60_000;

    CoverageLedger() {
    }

    public static CoverageLedger forConnector(String connector) {
        return BY_CONNECTOR.computeIfAbsent(connector, name -> new CoverageLedger());
    }

    /** A stopping task records, per stream, when its coverage ended. */
    public synchronized void coverageEnded(Map<String, Long> streamEndTimes) {
        streamEndTimes.forEach((stream, at) -> endedAt.merge(stream, at, Math::min));
    }

    /**
     * A stopping task leaves what it received but could not deliver, so that its successor in this JVM writes it:
     * a restart, a rebalance or a broker outage that stops the task then loses nothing it had received.
     */
    public synchronized <R> void handOver(R record, Set<String> streams) {
        long now = System.currentTimeMillis();
        int before = handedOver.size();
        handedOver.removeIf(left -> now - left.leftAtMillis() > HANDOVER_MAX_AGE_MS);
        if (handedOver.size() < before) {
            log.warn("{} received records left by a stopped task were not taken over within {} ms and are dropped",
                    before - handedOver.size(), HANDOVER_MAX_AGE_MS);
        }
        handedOver.add(new HandedOver<>(record, Set.copyOf(streams), now));
    }

    /** The records left whose streams {@code wanted} accepts, in the order they were received. */
    @SuppressWarnings("unchecked")
    public synchronized <R> List<R> takeHandedOver(Predicate<Set<String>> wanted) {
        List<R> taken = new ArrayList<>();
        Iterator<HandedOver<?>> it = handedOver.iterator();
        while (it.hasNext()) {
            HandedOver<?> left = it.next();
            if (wanted.test(left.streams())) {
                taken.add((R) left.record());
                it.remove();
            }
        }
        return taken;
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
