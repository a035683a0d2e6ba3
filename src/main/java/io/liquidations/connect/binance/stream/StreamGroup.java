package io.liquidations.connect.binance.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * A group of streams read on one or more connections at once (legs, {@code connections.per.stream}). The streams are
 * covered while any leg delivers them: losing a leg while another is up costs nothing, and the de-duplication
 * downstream writes what several legs deliver once. Coverage is lost only when the last leg is, and it ended when the
 * last leg's coverage ended, which is not always the last to be noticed: a stall is found seconds after data stopped.
 *
 * <p>Event-loop confined, like its legs; the counts read by metrics are volatile.
 */
final class StreamGroup {
    private final String name;
    private final List<String> streams;
    private final StreamListener listener;
    private final List<StreamConnection> legs = new ArrayList<>();
    private volatile int coveringLegs;
    /** Latest coverage end reported by a leg that stopped covering, since the group was last fully uncovered. */
    private long coveredUntil = Long.MIN_VALUE;
    private String lastLossReason;
    /** Since when no leg covers the streams; null while covered or before the first coverage. */
    private Long uncoveredSince;

    StreamGroup(String name, List<String> streams, StreamListener listener) {
        this.name = name;
        this.streams = List.copyOf(streams);
        this.listener = listener;
    }

    void add(StreamConnection leg) {
        legs.add(leg);
    }

    String name() {
        return name;
    }

    List<String> streams() {
        return streams;
    }

    List<StreamConnection> legs() {
        return legs;
    }

    int coveringLegs() {
        return coveringLegs;
    }

    void legCovering(StreamConnection leg) {
        if (coveringLegs++ == 0) {
            Long since = uncoveredSince;
            String reason = lastLossReason;
            uncoveredSince = null;
            coveredUntil = Long.MIN_VALUE;
            listener.onCovered(name, streams, since, since == null ? null : reason);
        }
    }

    /** @param until until when the leg delivered the streams */
    void legLost(StreamConnection leg, long until, ReconnectReason reason) {
        coveredUntil = Math.max(coveredUntil, until);
        lastLossReason = reason.tag();
        if (--coveringLegs == 0) {
            uncoveredSince = coveredUntil;
            listener.onUncovered(name, streams, coveredUntil, lastLossReason);
        }
    }

    /**
     * The group's coverage frontier: every liquidation of its streams published before it has been received — the
     * furthest of its legs', since any leg covers. {@code Long.MIN_VALUE} before the group was ever covered. Safe
     * from any thread.
     */
    long frontier(long nowMillis) {
        long frontier = Long.MIN_VALUE;
        for (StreamConnection leg : legs) {
            frontier = Math.max(frontier, leg.frontier(nowMillis));
        }
        return frontier;
    }

    /** Whether {@code leg} may start a rotation now: every other leg is up, and none is rotating. */
    boolean mayRotate(StreamConnection leg) {
        for (StreamConnection other : legs) {
            if (other != leg && (!other.isCovering() || other.isRotating())) {
                return false;
            }
        }
        return true;
    }
}
