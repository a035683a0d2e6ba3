package io.liquidations.connect.binance.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.connect.source.SourceTaskContext;

/**
 * The worker's metrics, through the task's {@link PluginMetrics} (KIP-877, Connect 4.1 and later). The worker
 * tags every metric with {@code connector} and {@code task} and reports it like its own, e.g. over JMX as
 * {@code kafka.connect:type=plugins,connector=…,task=…}.
 *
 * <p>The only class that names {@link PluginMetrics}: on an older worker, where that class does not exist, loading
 * this one fails with a {@link LinkageError} that {@link ConnectorMetrics} catches.
 */
final class WorkerPluginMetricsSink implements MetricsSink {
    private final PluginMetrics pluginMetrics;
    private final List<MetricName> metricNames = new CopyOnWriteArrayList<>();
    private final List<String> sensorNames = new CopyOnWriteArrayList<>();

    WorkerPluginMetricsSink(PluginMetrics pluginMetrics) {
        this.pluginMetrics = pluginMetrics;
    }

    /** @return null when the runtime has no plugin metrics for the task */
    static MetricsSink of(SourceTaskContext context) {
        PluginMetrics pluginMetrics = context.pluginMetrics();
        return pluginMetrics == null ? null : new WorkerPluginMetricsSink(pluginMetrics);
    }

    @Override
    public MetricName metricName(String name, String description, Map<String, String> tags) {
        return pluginMetrics.metricName(name, description, new LinkedHashMap<>(tags));
    }

    @Override
    public void addMetric(MetricName name, MetricValueProvider<?> value) {
        pluginMetrics.addMetric(name, value);
        metricNames.add(name);
    }

    @Override
    public Sensor addSensor(String name) {
        Sensor sensor = pluginMetrics.addSensor(name);
        sensorNames.add(name);
        return sensor;
    }

    @Override
    public boolean isWorkerMetrics() {
        return true;
    }

    @Override
    public void close() {
        try {
            sensorNames.forEach(pluginMetrics::removeSensor);
            metricNames.forEach(pluginMetrics::removeMetric);
        } catch (IllegalStateException alreadyClosed) {
            // The worker closed the task's PluginMetrics first, which removed everything registered through it.
        }
        sensorNames.clear();
        metricNames.clear();
    }
}
