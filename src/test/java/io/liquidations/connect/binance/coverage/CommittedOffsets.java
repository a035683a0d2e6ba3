package io.liquidations.connect.binance.coverage;

import io.liquidations.connect.binance.record.StreamCoverageRecords;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Connect's committed offsets as a map, behind the interface a worker hands its tasks: for task-level tests of what a
 * successor reads when it starts where nothing of its predecessor is left in memory.
 */
public final class CommittedOffsets implements OffsetStorageReader {
    private final Map<Map<String, Object>, Map<String, Object>> offsets = new HashMap<>();

    /** @param byStream the offset each stream's last coverage checkpoint committed */
    public static CommittedOffsets ofCoverage(String market, Map<String, Map<String, Object>> byStream) {
        CommittedOffsets committed = new CommittedOffsets();
        byStream.forEach((stream, offset) -> committed.offsets.put(Map.copyOf(
                StreamCoverageRecords.sourcePartition(market, stream)), offset));
        return committed;
    }

    /** What the worker's offset committer does with an acknowledged record: its offset becomes the committed one. */
    public synchronized void commit(org.apache.kafka.connect.source.SourceRecord record) {
        @SuppressWarnings("unchecked")
        Map<String, Object> offset = (Map<String, Object>) record.sourceOffset();
        offsets.put(Map.copyOf(record.sourcePartition()), offset);
    }

    @Override
    public synchronized <T> Map<String, Object> offset(Map<String, T> partition) {
        return offsets.get(partition);
    }

    @Override
    public synchronized <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
        partitions.forEach(p -> found.put(p, offsets.get(p)));
        return found;
    }
}
