package io.liquidations.connect.binance.metrics;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Sensor;

/** Where {@link ConnectorMetrics} registers: the worker's metrics, or a registry of its own. */
interface MetricsSink {

    /** A name in this sink's group, carrying the task's tags plus {@code tags}. */
    MetricName metricName(String name, String description, Map<String, String> tags);

    void addMetric(MetricName name, MetricValueProvider<?> value);

    /** {@code name} must be unique in the whole registry, which the worker shares between all its tasks. */
    Sensor addSensor(String name);

    /** Whether the metrics go through the worker's own metrics system. */
    boolean isWorkerMetrics();

    /** Removes everything this sink registered. */
    void close();
}
