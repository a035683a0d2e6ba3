package io.liquidations.connect.binance.it;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The arithmetic of the fault-injection suite, kept apart from Kafka and the fake exchange: which intervals were
 * truly not covered, how the gap records the connector wrote compare with them, and how densely connection
 * attempts were packed. All times are epoch milliseconds.
 */
final class CoverageAnalysis {

    private CoverageAnalysis() {
    }

    /** A half-open interval {@code [from, to)} in epoch milliseconds. */
    record Interval(long from, long to) {
        Interval {
            if (to < from) {
                throw new IllegalArgumentException("interval ends before it starts: " + from + " > " + to);
            }
        }

        long length() {
            return to - from;
        }
    }

    /** A gap record as read back from {@code <topic>.gaps}. */
    record GapRecord(Set<String> streams, long from, long to, String reason) {
    }

    /** A true uncovered interval and the gap record that reports it, with the error of each bound. */
    record Match(Interval truth, GapRecord gap, long fromErrorMs, long toErrorMs) {
        long boundErrorMs() {
            return Math.max(Math.abs(fromErrorMs), Math.abs(toErrorMs));
        }
    }

    /**
     * How the gap records of one group of streams compare with its true uncovered intervals.
     *
     * @param matched true intervals reported by a gap record whose both bounds lie within the tolerance
     * @param missing true intervals no gap record reports within the tolerance
     * @param extra gap records that match no true interval
     * @param worstErrorMs the largest bound error between a true interval and its nearest gap record (matched or
     *     not), or -1 when no true interval had any gap record to compare with
     */
    record GapComparison(List<Match> matched, List<Interval> missing, List<GapRecord> extra, long worstErrorMs) {
        static GapComparison empty() {
            return new GapComparison(List.of(), List.of(), List.of(), -1);
        }

        GapComparison plus(GapComparison other) {
            List<Match> m = new ArrayList<>(matched);
            m.addAll(other.matched);
            List<Interval> mi = new ArrayList<>(missing);
            mi.addAll(other.missing);
            List<GapRecord> e = new ArrayList<>(extra);
            e.addAll(other.extra);
            return new GapComparison(m, mi, e, Math.max(worstErrorMs, other.worstErrorMs));
        }
    }

    /**
     * The parts of {@code [from, to)} that no connection covered: a stream group is covered while at least one of
     * its connections is open and the exchange is pushing data (not inside a {@code dataOff} interval).
     */
    static List<Interval> uncovered(List<Interval> connected, List<Interval> dataOff, long from, long to) {
        List<Interval> covered = subtract(merge(connected), merge(dataOff));
        return subtract(List.of(new Interval(from, Math.max(from, to))), covered).stream()
                .filter(i -> i.length() > 0)
                .toList();
    }

    /**
     * One emitted event of a stream group, as the exchange and Kafka saw it.
     *
     * @param from when {@code emit} began
     * @param to when it returned
     * @param sentWhileOpen whether the exchange wrote it to an open connection
     * @param delivered whether it is in the topic
     */
    record Emission(long from, long to, boolean sentWhileOpen, boolean delivered) {
    }

    /**
     * What a consumer missed although a connection was open: each run of events sent while open but never delivered,
     * from the last delivered event before the run to the first delivered one after it. Events that reached no
     * connection neither start nor end a run (their interval is uncovered by the connection records anyway).
     */
    static List<Interval> lossIntervals(List<Emission> emissions) {
        List<Emission> sorted = new ArrayList<>(emissions);
        sorted.sort(Comparator.comparingLong(Emission::from));
        List<Interval> out = new ArrayList<>();
        Long lastDeliveredTo = null;
        Long runStart = null;
        long runEnd = 0;
        for (Emission e : sorted) {
            if (e.delivered()) {
                if (runStart != null) {
                    out.add(new Interval(runStart, Math.max(runStart, e.from())));
                    runStart = null;
                }
                lastDeliveredTo = e.to();
            } else if (e.sentWhileOpen()) {
                if (runStart == null) {
                    runStart = lastDeliveredTo != null ? lastDeliveredTo : e.from();
                }
                runEnd = e.to();
            }
        }
        if (runStart != null) {
            out.add(new Interval(runStart, Math.max(runStart, runEnd)));
        }
        return out;
    }

    /** Sorted, overlapping or touching intervals joined. */
    static List<Interval> merge(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingLong(Interval::from));
        List<Interval> merged = new ArrayList<>();
        for (Interval next : sorted) {
            if (!merged.isEmpty() && next.from() <= merged.get(merged.size() - 1).to()) {
                Interval last = merged.remove(merged.size() - 1);
                merged.add(new Interval(last.from(), Math.max(last.to(), next.to())));
            } else {
                merged.add(next);
            }
        }
        return merged;
    }

    /** {@code base} minus {@code holes}; both merged (sorted, disjoint). */
    static List<Interval> subtract(List<Interval> base, List<Interval> holes) {
        List<Interval> out = new ArrayList<>();
        for (Interval b : base) {
            long cursor = b.from();
            for (Interval h : holes) {
                if (h.to() <= cursor || h.from() >= b.to()) {
                    continue;
                }
                if (h.from() > cursor) {
                    out.add(new Interval(cursor, h.from()));
                }
                cursor = Math.max(cursor, h.to());
            }
            if (cursor < b.to()) {
                out.add(new Interval(cursor, b.to()));
            }
        }
        return out;
    }

    /**
     * Pairs each true interval, in time order, with the not yet used gap record nearest to it; a pair counts as a
     * match when both bounds are within {@code toleranceMs}. Records of one group of streams only.
     */
    static GapComparison compare(List<Interval> truth, List<GapRecord> written, long toleranceMs) {
        return compare(truth, written, toleranceMs, 0);
    }

    /**
     * As above, where a gap record may also start up to {@code earlyStartMs} before its true interval: for faults
     * whose true start the connector cannot see (the exchange closing a socket whose reading is paused), the
     * connector reports the earliest moment coverage may have ended. Early is safe; late never is.
     */
    static GapComparison compare(List<Interval> truth, List<GapRecord> written, long toleranceMs, long earlyStartMs) {
        List<Interval> sortedTruth = new ArrayList<>(truth);
        sortedTruth.sort(Comparator.comparingLong(Interval::from));
        List<GapRecord> unused = new ArrayList<>(written);
        List<Match> matched = new ArrayList<>();
        List<Interval> missing = new ArrayList<>();
        long worst = -1;
        for (Interval t : sortedTruth) {
            Match best = null;
            for (GapRecord gap : unused) {
                long fromError = gap.from() - t.from();
                if (fromError < 0) {
                    fromError = Math.min(0, fromError + earlyStartMs);
                }
                Match candidate = new Match(t, gap, fromError, gap.to() - t.to());
                if (best == null || candidate.boundErrorMs() < best.boundErrorMs()) {
                    best = candidate;
                }
            }
            if (best != null) {
                worst = Math.max(worst, best.boundErrorMs());
            }
            if (best != null && best.boundErrorMs() <= toleranceMs) {
                matched.add(best);
                unused.remove(best.gap());
            } else {
                missing.add(t);
            }
        }
        return new GapComparison(matched, missing, unused, worst);
    }

    /** The most instants that fall within any window {@code [t, t + windowMs)}. */
    static int maxInWindow(List<Long> instants, long windowMs) {
        List<Long> sorted = new ArrayList<>(instants);
        sorted.sort(null);
        int best = 0;
        int start = 0;
        for (int end = 0; end < sorted.size(); end++) {
            while (sorted.get(end) - sorted.get(start) >= windowMs) {
                start++;
            }
            best = Math.max(best, end - start + 1);
        }
        return best;
    }
}
