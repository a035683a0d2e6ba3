package io.liquidations.connect.binance.coverage;

import io.liquidations.connect.binance.record.StreamCoverageRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Makes a task's coverage checkpoints, on the {@code poll()} thread: every {@code coverage.interval.ms}, one record
 * per followed stream whose offset, once Connect commits it, is durable proof of coverage.
 *
 * <p>A checkpoint's watermark is true when it is made, so it stays true whenever it is committed: it is no later
 * than the stream's delivery frontier (see {@code StreamClient#coverage}), than any of its liquidations or gaps not
 * yet acknowledged by Kafka or still queued, and, before this task covered the stream, where its predecessor left
 * it. Nothing received before it can then be missing from Kafka except inside a gap record.
 */
public final class CoverageCheckpoints {
    /** Until the worker's offset commits have been timed: Connect's default {@code offset.flush.interval.ms}. */
    static final long DEFAULT_COMMIT_EVERY_MS = 60_000;

    /** A group of streams as the stream layer sees it. */
    public record Group(List<String> streams, long receivedUntil, boolean covered) {
    }

    private final StreamCoverageRecords records;
    private final long intervalMs;
    /** Where each stream stood before this task covered it; taken over by the stream's first coverage. */
    private final Map<String, StreamEnd> previous;
    /** When this task began to follow its streams: what a stream never followed before is covered "until". */
    private final long followedSince;
    private long nextDueAt;
    /** Offset commits run on the worker's committer thread. */
    private volatile long lastCommitAt;
    private volatile long commitEveryMs = DEFAULT_COMMIT_EVERY_MS;
    /** Read by metrics, on another thread. */
    private final Map<String, Long> watermarks = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param followedSince when this task began to follow its streams (epoch ms) */
    public CoverageCheckpoints(StreamCoverageRecords records, long intervalMs, Map<String, StreamEnd> previous,
            long followedSince) {
        this.records = records;
        this.intervalMs = intervalMs;
        this.previous = new HashMap<>(previous);
        this.followedSince = followedSince;
    }

    /** Milliseconds until the next checkpoints are due: poll() waits no longer, so they are on time. */
    public long dueInMs(long nowMillis) {
        return Math.max(0, nextDueAt - nowMillis);
    }

    /**
     * The checkpoints due at {@code nowMillis}, or none yet.
     *
     * @param groups the stream layer's coverage, per group
     * @param notYetInKafka per stream, the earliest receive time (a liquidation) or start (a gap) of what is queued
     *     or handed to the worker but not acknowledged
     * @param oldestQueued the receive time of the oldest record still queued, or {@code Long.MAX_VALUE}: it bounds
     *     every stream, since the queue is not read per stream
     */
    public List<SourceRecord> due(long nowMillis, Iterable<Group> groups, Map<String, Long> notYetInKafka,
            long oldestQueued) {
        if (nowMillis < nextDueAt) {
            return List.of();
        }
        nextDueAt = nowMillis + intervalMs;
        List<SourceRecord> due = new ArrayList<>();
        for (Group group : groups) {
            for (String stream : group.streams()) {
                due.add(checkpoint(stream, group, nowMillis, notYetInKafka, oldestQueued));
            }
        }
        return due;
    }

    private SourceRecord checkpoint(String stream, Group group, long now, Map<String, Long> notYetInKafka,
            long oldestQueued) {
        long until;
        Long uncoveredSince;
        StreamEnd before = previous.get(stream);
        if (group.receivedUntil() == Long.MIN_VALUE) {
            // Not covered yet: where the predecessor left it, or, for a stream never followed before, the start of
            // its following, which a successor must find should this task die before its first connection
            // (see FirstCheckpointGate).
            until = before == null ? followedSince : before.endedAt();
            uncoveredSince = until;
        } else {
            previous.remove(stream);
            until = group.receivedUntil();
            uncoveredSince = group.covered() ? null : until;
        }
        until = Math.min(until, Math.min(oldestQueued, notYetInKafka.getOrDefault(stream, Long.MAX_VALUE)));
        watermarks.put(stream, until);
        // Should this be the last checkpoint committed, coverage may have lasted past it until the next one is due
        // and the commit after that: the interval and the commit cadence, on top of how far behind now it already is.
        long staleByAtMost = Math.max(0, now - until) + intervalMs + commitEveryMs;
        return records.toRecord(stream, now, until, uncoveredSince, staleByAtMost);
    }

    /** The worker committed offsets: its cadence bounds how stale the last committed checkpoint can be. */
    public synchronized void committed(long nowMillis) {
        if (lastCommitAt > 0 && nowMillis > lastCommitAt) {
            commitEveryMs = nowMillis - lastCommitAt;
        }
        lastCommitAt = nowMillis;
    }

    /** The oldest watermark of the last checkpoints, or {@code Long.MIN_VALUE} before any: the task's lag. */
    public long oldestWatermark() {
        return watermarks.values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
    }
}
