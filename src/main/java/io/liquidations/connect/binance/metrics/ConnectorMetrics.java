package io.liquidations.connect.binance.metrics;

import io.liquidations.connect.binance.stream.ReconnectReason;
import io.liquidations.connect.binance.stream.StreamClient;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's metrics, registered in the worker's metrics system so they show up over JMX (and any other reporter
 * the worker runs) next to the worker's own: {@code kafka.connect:type=plugins,connector=…,task=…}. On a worker
 * without plugin metrics (before KIP-877, Connect 4.1) the same metrics go to a registry of the task's own with a
 * JMX reporter: {@code kafka.connect.binance:type=plugins,connector=…,task=…}.
 *
 * <p>The counts of {@link IngestCounters} are reported from it, so the record methods below update it too. Record
 * methods are cheap (an atomic increment; the latency sensor takes a short lock) and safe from any thread. They
 * keep working after {@link #close()}, which only takes the metrics out of the registry.
 *
 * <table>
 * <caption>Metrics (counts are cumulative since the task started; reconnects carry a {@code reason} tag)</caption>
 * <tr><td>{@code connections-open}</td><td>WebSocket connections open now</td></tr>
 * <tr><td>{@code connection-attempt-total}</td><td>connections tried, first ones included</td></tr>
 * <tr><td>{@code reconnect-total}</td><td>per {@link ReconnectReason}</td></tr>
 * <tr><td>{@code frames-received-total}</td><td>WebSocket messages received</td></tr>
 * <tr><td>{@code records-produced-total}</td><td>liquidations handed to the worker's queue</td></tr>
 * <tr><td>{@code non-liquidation-frames-total}</td><td>subscription replies and other events, skipped</td></tr>
 * <tr><td>{@code malformed-frames-total}</td><td>frames that could not be decoded</td></tr>
 * <tr><td>{@code duplicates-dropped-total}</td><td>liquidations received twice, written once</td></tr>
 * <tr><td>{@code liquidations-filtered-total}</td><td>all-market liquidations not written, per {@code reason}:
 *     {@code symbol} or {@code other-market}</td></tr>
 * <tr><td>{@code gap-total}, {@code gap-time-ms-total}</td><td>intervals not covered, and their length</td></tr>
 * <tr><td>{@code last-frame-age-ms}</td><td>time since the last frame (since the start before the first)</td></tr>
 * <tr><td>{@code exchange-latency-avg}, {@code -max}</td><td>receive time minus event time {@code E}, ms, over
 *     the worker's metrics window</td></tr>
 * <tr><td>{@code queue-size}, {@code queue-fill-ratio}</td><td>after {@link #watchQueue}</td></tr>
 * </table>
 */
public final class ConnectorMetrics implements AutoCloseable {
    /** JMX domain of the fallback registry. */
    public static final String FALLBACK_JMX_DOMAIN = "kafka.connect.binance";
    public static final String REASON_TAG = "reason";
    public static final String GROUP_TAG = "group";
    public static final String LEG_TAG = "leg";
    /** The reasons of {@code liquidations-filtered-total}. */
    public static final java.util.List<String> FILTER_REASONS = java.util.List.of("symbol", "other-market");

    private static final Logger log = LoggerFactory.getLogger(ConnectorMetrics.class);
    /** Sensor names are global in the worker's registry, which all tasks of all connectors share. */
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final MetricsSink sink;
    private final IngestCounters counters;
    private final Time time;
    private final Set<String> openConnections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionAttempts = new AtomicLong();
    private final Map<ReconnectReason, AtomicLong> reconnects = new EnumMap<>(ReconnectReason.class);
    private final AtomicLong duplicatesDropped = new AtomicLong();
    private final Map<String, AtomicLong> filtered = new ConcurrentHashMap<>();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong gapMillis = new AtomicLong();
    private final AtomicLong coverageRecords = new AtomicLong();
    private final Sensor exchangeLatency;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastFrameAtMillis;

    ConnectorMetrics(MetricsSink sink, IngestCounters counters, Time time) {
        this.sink = sink;
        this.counters = counters;
        this.time = time;
        this.lastFrameAtMillis = time.milliseconds();
        try {
            exchangeLatency = register();
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
    }

    private Sensor register() {
        measure("connections-open", "WebSocket connections open now", openConnections::size);
        measure("connection-attempt-total", "Connections tried, first ones included", connectionAttempts::get);
        for (ReconnectReason reason : ReconnectReason.values()) {
            AtomicLong count = new AtomicLong();
            reconnects.put(reason, count);
            sink.addMetric(sink.metricName("reconnect-total", "Connections re-opened, by reason",
                    Map.of(REASON_TAG, reason.tag())), (Measurable) (config, now) -> count.get());
        }
        measure("frames-received-total", "WebSocket messages received", counters::frames);
        measure("records-produced-total", "Liquidations handed to the worker", counters::liquidations);
        measure("non-liquidation-frames-total", "Frames skipped because they are no liquidation (subscription"
                + " replies, other events)", counters::otherFrames);
        measure("malformed-frames-total", "Frames that could not be decoded", counters::malformedFrames);
        measure("duplicates-dropped-total", "Liquidations received more than once (overlapping connections),"
                + " written once", duplicatesDropped::get);
        for (String reason : FILTER_REASONS) {
            AtomicLong count = new AtomicLong();
            filtered.put(reason, count);
            sink.addMetric(sink.metricName("liquidations-filtered-total", "All-market liquidations not written, by"
                    + " reason: symbol (symbols.include/exclude) or other-market (all.market.markets=own)",
                    Map.of(REASON_TAG, reason)), (Measurable) (config, now) -> count.get());
        }
        measure("gap-total", "Intervals in which the task's streams were not covered", gaps::get);
        measure("gap-time-ms-total", "Total length of those intervals, ms", gapMillis::get);
        measure("last-frame-age-ms", "Time since the last frame, ms (since the task started, before the first)",
                () -> Math.max(0, this.time.milliseconds() - lastFrameAtMillis));

        Sensor latency = sink.addSensor("binance-liquidations-exchange-latency-" + INSTANCES.incrementAndGet());
        latency.add(sink.metricName("exchange-latency-avg",
                "Average of receive time minus Binance's event time E, ms", Map.of()), new Avg());
        latency.add(sink.metricName("exchange-latency-max",
                "Maximum of receive time minus Binance's event time E, ms", Map.of()), new Max());
        return latency;
    }

    /**
     * The task's metrics in the worker's metrics system, or, where the worker has none for plugins, in a registry
     * of their own reported over JMX under {@value #FALLBACK_JMX_DOMAIN}.
     *
     * @param connector the connector's name: a tag of the fallback registry (the worker adds its own)
     * @param task the task's id: a tag of the fallback registry; unique per connector, or two tasks' MBeans clash
     */
    public static ConnectorMetrics forTask(SourceTaskContext context, String connector, String task,
            IngestCounters counters) {
        return forTask(context, connector, task, counters, Time.SYSTEM);
    }

    static ConnectorMetrics forTask(SourceTaskContext context, String connector, String task,
            IngestCounters counters, Time time) {
        MetricsSink sink = workerSink(context);
        if (sink == null) {
            log.info("The worker offers no plugin metrics (KIP-877, Connect 4.1); reporting the task's metrics"
                    + " over JMX as {}:type={},connector={},task={}", FALLBACK_JMX_DOMAIN, OwnMetricsSink.GROUP,
                    connector, task);
            sink = OwnMetricsSink.overJmx(connector, task, time);
        }
        return new ConnectorMetrics(sink, counters, time);
    }

    /**
     * Metrics registered nowhere: the record methods work and update {@code counters}, but nothing is reported.
     * For tests, and for code that is handed metrics outside a task.
     */
    public static ConnectorMetrics detached(IngestCounters counters) {
        return new ConnectorMetrics(OwnMetricsSink.detached(Time.SYSTEM), counters, Time.SYSTEM);
    }

    private static MetricsSink workerSink(SourceTaskContext context) {
        if (context == null) {
            return null;
        }
        try {
            return WorkerPluginMetricsSink.of(context);
        } catch (LinkageError | UnsupportedOperationException e) {
            // A worker older than 4.1: no SourceTaskContext.pluginMetrics() (NoSuchMethodError, AbstractMethodError)
            // or no PluginMetrics class at all (NoClassDefFoundError); some contexts refuse instead.
            return null;
        }
    }

    /** Also reports the hand-over queue's size and fill ratio (size / capacity). Call once. */
    public void watchQueue(IntSupplier size, int capacity) {
        measure("queue-size", "Records waiting for the worker's poll()", size::getAsInt);
        measure("queue-fill-ratio", "Records waiting for the worker's poll(), as a fraction of the queue's"
                + " capacity " + capacity + " (reading pauses at 1)", () -> (double) size.getAsInt() / capacity);
    }

    /**
     * Also reports, per leg of each group of streams, whether it delivers now ({@code leg-up}, tagged {@code group}
     * and {@code leg}), and how many streams have fewer legs up than configured ({@code streams-below-redundancy}).
     * Call once.
     */
    public void watchLegs(List<StreamClient.LegState> legs, IntSupplier streamsBelowRedundancy) {
        watchLegs(legs);
        measure("streams-below-redundancy", "Streams with fewer legs up than connections.per.stream: covered but one"
                + " fault from a gap, or in one", streamsBelowRedundancy::getAsInt);
    }

    /** The {@code leg-up} gauges of legs opened after the first ones (groups held until their first commit). */
    public void watchLegs(List<StreamClient.LegState> legs) {
        for (StreamClient.LegState leg : legs) {
            sink.addMetric(sink.metricName("leg-up", "1 while this leg of its group delivers the group's streams",
                    Map.of(GROUP_TAG, leg.group(), LEG_TAG, Integer.toString(leg.leg()))),
                    (Measurable) (config, now) -> leg.up().getAsBoolean() ? 1 : 0);
        }
    }

    /**
     * Also reports how far behind the task's coverage watermark is ({@code coverage-watermark-lag-ms}: now minus the
     * oldest watermark of its last checkpoints) and how many checkpoints it wrote ({@code coverage-records-total}).
     * Call once.
     */
    public void watchCoverage(java.util.function.LongSupplier oldestWatermark) {
        measure("coverage-watermark-lag-ms", "Now minus the oldest coverage watermark of the task's streams, ms: how"
                + " long ago their coverage was last proved (NaN before the first checkpoint)", () -> {
                    long oldest = oldestWatermark.getAsLong();
                    return oldest == Long.MIN_VALUE ? Double.NaN : Math.max(0, time.milliseconds() - oldest);
                });
        measure("coverage-records-total", "Coverage checkpoints written, one per followed stream per"
                + " coverage.interval.ms", coverageRecords::get);
    }

    public void coverageRecords(int count) {
        coverageRecords.addAndGet(count);
    }

    // ---- connections ----

    public void connectionAttempt() {
        connectionAttempts.incrementAndGet();
    }

    /** The WebSocket handshake completed. Connections are told apart by name: a name counts once. */
    public void connected(String connection) {
        counters.connectionOpened();
        openConnections.add(connection);
    }

    /** The connection, or an attempt to open it, ended and will be retried. */
    public void disconnected(String connection, ReconnectReason reason) {
        counters.disconnected();
        openConnections.remove(connection);
        reconnects.get(reason).incrementAndGet();
    }

    /** The connection ended for good (task stopping, or a refusal retrying cannot fix): not a reconnect. */
    public void connectionClosed(String connection) {
        openConnections.remove(connection);
    }

    /** An interval in which the task's streams were not covered by any open connection. */
    public void gap(long fromMillis, long toMillis) {
        gaps.incrementAndGet();
        gapMillis.addAndGet(Math.max(0, toMillis - fromMillis));
    }

    // ---- frames and records ----

    public void frameReceived(long receivedAtMillis) {
        counters.frameReceived();
        lastFrameAtMillis = receivedAtMillis;
    }

    /** A message arrived that carries no time of its own (an unreadable one): stamped with this class's clock. */
    public void frameReceived() {
        frameReceived(time.milliseconds());
    }

    public void nonLiquidationFrame() {
        counters.otherFrameSkipped();
    }

    /** @return the count including this one */
    public long malformedFrame() {
        return counters.malformedFrame();
    }

    /** A liquidation arrived: records the exchange-to-receive latency. */
    public void liquidationReceived(long eventTimeMillis, long receivedAtMillis) {
        exchangeLatency.record(receivedAtMillis - eventTimeMillis);
    }

    /** An all-market liquidation left out by the filters, never written. */
    public void liquidationFiltered(String reason) {
        AtomicLong count = filtered.get(reason);
        if (count != null) {
            count.incrementAndGet();
        }
    }

    /** All-market liquidations left out for {@code reason}. */
    public long liquidationsFiltered(String reason) {
        AtomicLong count = filtered.get(reason);
        return count == null ? 0 : count.get();
    }

    public void duplicateDropped() {
        duplicatesDropped.incrementAndGet();
    }

    public void recordsProduced(int count) {
        counters.liquidationsQueued(count);
    }

    // ---- reading ----

    public IngestCounters counters() {
        return counters;
    }

    public long connectionAttempts() {
        return connectionAttempts.get();
    }

    public long duplicatesDropped() {
        return duplicatesDropped.get();
    }

    public int connectionsOpen() {
        return openConnections.size();
    }

    /** Whether the metrics are in the worker's metrics system, rather than in the fallback registry. */
    public boolean usesWorkerMetrics() {
        return sink.isWorkerMetrics();
    }

    MetricsSink sink() {
        return sink;
    }

    /** Takes every metric out of the registry (and JMX). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            sink.close();
        }
    }

    private void measure(String name, String description, DoubleSupplier value) {
        sink.addMetric(sink.metricName(name, description, Map.of()),
                (Measurable) (config, now) -> value.getAsDouble());
    }
}
