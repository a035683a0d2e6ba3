package io.liquidations.connect.binance.record;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Source partitions that serialize to the same bytes in every JVM.
 *
 * <p>Connect stores a committed offset under the serialized {@code [connector, partition]}, and serializes a map in
 * its iteration order. {@code Map.of} iterates in an order salted per JVM: a partition made with it on one worker
 * is another key on the next, so a task taken over by another worker would not find its predecessor's coverage, and
 * the offsets topic would keep one entry per order. Keys here always come in the order given.
 */
final class SourcePartitions {
    private SourcePartitions() {
    }

    static Map<String, String> of(String firstKey, String firstValue, String secondKey, String secondValue) {
        Map<String, String> partition = new LinkedHashMap<>(4);
        partition.put(firstKey, firstValue);
        partition.put(secondKey, secondValue);
        return Collections.unmodifiableMap(partition);
    }
}
