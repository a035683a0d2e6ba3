package io.liquidations.connect.binance.coverage;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back the connections of streams followed for the first time until their first coverage checkpoint is
 * committed.
 *
 * <p>A successor tells a stream that was covered from one that was never followed only by a committed checkpoint,
 * and Connect commits offsets every {@code offset.flush.interval.ms}. Were such a stream connected at once, a worker
 * killed before that first commit would take with it the only trace of its coverage: the successor would find
 * nothing, write no gap, and what was published in between would be lost silently. Held until its checkpoint (which
 * says "followed since, not covered yet") is committed, a stream is never covered without a durable trace. The price
 * is paid once per stream, at its very first start: up to one offset commit interval before its first connection.
 */
public final class FirstCheckpointGate {
    private static final Logger log = LoggerFactory.getLogger(FirstCheckpointGate.class);
    /** How often the committed offsets are read while something is held. */
    static final long CHECK_EVERY_MS = 500;
    /** How often a hold that lasts is logged again. */
    private static final long REMIND_EVERY_MS = 60_000;

    private final String market;
    private final OffsetStorageReader offsets;
    private final Set<String> previous;
    private final Map<String, List<String>> held = new LinkedHashMap<>();
    private final Set<String> unconfirmed = new HashSet<>();
    private long nextCheckAt;
    private long nextReminderAt;

    /**
     * @param offsets the worker's committed offsets; null (a task run outside a worker) holds nothing
     * @param previous the streams that have a previous coverage end: their groups are never held
     */
    public FirstCheckpointGate(String market, OffsetStorageReader offsets, Collection<String> previous) {
        this.market = market;
        this.offsets = offsets;
        this.previous = Set.copyOf(previous);
    }

    /** Of {@code groups}, those to connect now; the others are held until {@link #released} lets them go. */
    public Map<String, List<String>> admit(Map<String, List<String>> groups, long nowMillis) {
        Map<String, List<String>> now = new LinkedHashMap<>();
        groups.forEach((group, streams) -> {
            List<String> unknown = streams.stream().filter(s -> !previous.contains(s)).toList();
            if (offsets == null || unknown.isEmpty()) {
                now.put(group, streams);
            } else {
                held.put(group, streams);
                unconfirmed.addAll(unknown);
            }
        });
        if (!held.isEmpty()) {
            log.info("{} streams are followed for the first time: their {} groups connect once their first coverage"
                    + " checkpoint is committed (within the worker's offset.flush.interval.ms), so that no crash can"
                    + " lose their coverage without a trace", unconfirmed.size(), held.size());
            nextReminderAt = nowMillis + REMIND_EVERY_MS;
        }
        return now;
    }

    /** Groups whose new streams' first checkpoints are now committed, to connect; empty while none is. */
    public Map<String, List<String>> released(long nowMillis) {
        if (held.isEmpty() || nowMillis < nextCheckAt) {
            return Map.of();
        }
        nextCheckAt = nowMillis + CHECK_EVERY_MS;
        try {
            unconfirmed.removeAll(PreviousCoverage.committed(unconfirmed, market, offsets).keySet());
        } catch (RuntimeException e) {
            log.debug("Cannot read committed offsets yet: {}", e.toString());
        }
        Map<String, List<String>> released = new LinkedHashMap<>();
        held.entrySet().removeIf(group -> {
            if (group.getValue().stream().noneMatch(unconfirmed::contains)) {
                released.put(group.getKey(), group.getValue());
                return true;
            }
            return false;
        });
        if (!held.isEmpty() && nowMillis >= nextReminderAt) {
            nextReminderAt = nowMillis + REMIND_EVERY_MS;
            log.warn("{} groups still wait for the first commit of their coverage checkpoints: are the worker's offset"
                    + " commits failing, or offset.flush.interval.ms very long?", held.size());
        }
        return released;
    }

    /** The groups held now: they have checkpoints to write, too. */
    public Map<String, List<String>> held() {
        return java.util.Collections.unmodifiableMap(held);
    }

    /** Whether some group is still held. */
    public boolean holding() {
        return !held.isEmpty();
    }
}
