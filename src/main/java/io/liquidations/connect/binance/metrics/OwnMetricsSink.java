package io.liquidations.connect.binance.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Time;

/**
 * A registry of the task's own. For workers without plugin metrics it reports over JMX as
 * {@code kafka.connect.binance:type=plugins,connector=…,task=…}, the worker's layout under another domain; detached,
 * it reports nowhere.
 */
final class OwnMetricsSink implements MetricsSink {
    static final String GROUP = "plugins";

    private final Metrics metrics;
    private final Map<String, String> taskTags;

    private OwnMetricsSink(List<MetricsReporter> reporters, Map<String, String> taskTags, Time time) {
        metrics = new Metrics(new MetricConfig(), reporters, time,
                new KafkaMetricsContext(ConnectorMetrics.FALLBACK_JMX_DOMAIN));
        // Metrics registers a tag-less "count" of its own; every task's registry would claim the same MBean.
        metrics.removeMetric(metrics.metricName("count", "kafka-metrics-count"));
        this.taskTags = taskTags;
    }

    static OwnMetricsSink overJmx(String connector, String task, Time time) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", task);
        return new OwnMetricsSink(new ArrayList<>(List.of(new JmxReporter())), tags, time);
    }

    static OwnMetricsSink detached(Time time) {
        return new OwnMetricsSink(new ArrayList<>(), Map.of(), time);
    }

    @Override
    public MetricName metricName(String name, String description, Map<String, String> tags) {
        Map<String, String> all = new LinkedHashMap<>(taskTags);
        all.putAll(tags);
        return metrics.metricName(name, GROUP, description, all);
    }

    @Override
    public void addMetric(MetricName name, MetricValueProvider<?> value) {
        metrics.addMetric(name, value);
    }

    @Override
    public Sensor addSensor(String name) {
        return metrics.sensor(name);
    }

    @Override
    public boolean isWorkerMetrics() {
        return false;
    }

    /** Closing the registry closes its JMX reporter, which unregisters every MBean. */
    @Override
    public void close() {
        metrics.close();
    }

    /** The registry itself, for tests. */
    Metrics metrics() {
        return metrics;
    }
}
