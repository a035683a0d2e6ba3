package io.liquidations.connect.binance.coverage;

import io.liquidations.connect.binance.record.StreamCoverageRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the coverage of each of a starting task's streams ended: the committed coverage checkpoints, which any worker
 * can read (Connect's offsets), tightened by the exact end a stopped task left in this worker's ledger when there is
 * one. A stream with neither was never followed: it is covered from its first connection, and its start is no gap.
 */
public final class PreviousCoverage {
    private static final Logger log = LoggerFactory.getLogger(PreviousCoverage.class);

    private PreviousCoverage() {
    }

    /** @param offsets null where the runtime offers no offsets (a task run outside a worker) */
    public static Map<String, StreamEnd> of(Collection<String> streams, String market, OffsetStorageReader offsets,
            CoverageLedger ledger) {
        Map<String, StreamEnd> ends = new HashMap<>();
        try {
            ends.putAll(committed(streams, market, offsets));
        } catch (RuntimeException e) {
            // Without them a restart's gap cannot be bounded; say so rather than guess.
            log.warn("Cannot read the committed coverage of {} streams; a gap left by the task before this one goes"
                    + " unreported: {}", streams.size(), e.toString());
        }
        int withCheckpoint = ends.size();
        Map<String, Long> exactEnds = ledger.takeEnded(streams);
        exactEnds.forEach((stream, exact) -> {
            StreamEnd committed = ends.get(stream);
            // A ledger entry older than the committed checkpoint is stale: the stream ran elsewhere since.
            if (committed == null || exact >= committed.endedAt()) {
                ends.put(stream, new StreamEnd(exact, 0));
            }
        });
        // Which of these a restart's gap rests on is what an operator asks first when one looks wrong.
        log.info("Previous coverage of {} streams: {} with a committed checkpoint, {} with an exact end in this"
                + " worker, {} never followed; earliest end {}", streams.size(), withCheckpoint, exactEnds.size(),
                streams.size() - ends.size(), ends.values().stream().map(end -> Instant.ofEpochMilli(end.endedAt()))
                        .min(Instant::compareTo).orElse(null));
        return ends;
    }

    /**
     * The committed checkpoints of {@code streams} that there are.
     *
     * @throws RuntimeException when the worker cannot read its offsets
     */
    static Map<String, StreamEnd> committed(Collection<String> streams, String market,
            OffsetStorageReader offsets) {
        Map<String, StreamEnd> ends = new HashMap<>();
        if (offsets == null || streams.isEmpty()) {
            return ends;
        }
        List<Map<String, String>> partitions = new ArrayList<>(streams.size());
        Map<Map<String, String>, String> streamOf = new HashMap<>();
        for (String stream : streams) {
            Map<String, String> partition = StreamCoverageRecords.sourcePartition(market, stream);
            partitions.add(partition);
            streamOf.put(partition, stream);
        }
        offsets.offsets(partitions).forEach((partition, offset) -> {
            if (offset != null && offset.get(StreamCoverageRecords.OFFSET_COVERED_UNTIL) instanceof Number until) {
                Object stale = offset.get(StreamCoverageRecords.OFFSET_STALE_BY_AT_MOST_MS);
                ends.put(streamOf.get(partition), new StreamEnd(until.longValue(),
                        stale instanceof Number bound ? bound.longValue() : 0));
            }
        });
        return ends;
    }
}
