package io.liquidations.connect.binance.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.stream.StreamClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/**
 * docs/METRICS.md lists exactly the metrics the code registers, under the names the shipped exporter rules give
 * them ({@code kafka_connect_plugins_<name, - as _>}, counters for {@code *-total}, labels connector, task and the
 * metric's own tags). PrometheusMetricsIT proves those names against the real exporter.
 */
class MetricsDocTest {

    @Test
    void theDocumentedTableIsWhatTheCodeRegisters() {
        Map<String, DocumentedMetrics.Metric> expected = new TreeMap<>();
        try (ConnectorMetrics metrics = ConnectorMetrics.detached(new IngestCounters())) {
            metrics.watchQueue(() -> 0, 10);
            metrics.watchLegs(List.of(new StreamClient.LegState("group-1", 1, () -> true)), () -> 0);
            metrics.watchCoverage(() -> Long.MIN_VALUE);
            for (MetricName name : ((OwnMetricsSink) metrics.sink()).metrics().metrics().keySet()) {
                String prometheusName = "kafka_connect_plugins_" + name.name().replace('-', '_');
                Set<String> labels = new TreeSet<>(Set.of("connector", "task"));
                labels.addAll(name.tags().keySet());
                expected.put(prometheusName, new DocumentedMetrics.Metric(prometheusName,
                        name.name().endsWith("-total") ? "counter" : "gauge", labels));
            }
        }
        assertTrue(expected.size() >= 17, "the registry listed " + expected.keySet());
        assertEquals(expected, new TreeMap<>(DocumentedMetrics.read()),
                "docs/METRICS.md differs from the metrics ConnectorMetrics registers: add or fix its rows");
    }
}
