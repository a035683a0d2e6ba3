package io.liquidations.connect.binance.metrics;

import io.liquidations.connect.binance.stream.ReconnectReason;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectorMetricsTest {
    private static final String CONNECTOR = "binance-liquidations";
    private static final String WORKER_GROUP = "plugins";

    private final MockTime time = new MockTime(0, 1_791_391_083_000L, 0);
    /** The worker's registry, shared by all its tasks. */
    private final Metrics workerMetrics = new Metrics(new MetricConfig(), new ArrayList<>(), time);
    private final IngestCounters counters = new IngestCounters();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        workerMetrics.close();
    }

    /** The task's PluginMetrics as a 4.3 worker builds it: the worker's registry, tagged with connector and task. */
    private PluginMetricsImpl pluginMetrics(String task) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", CONNECTOR);
        tags.put("task", task);
        return new PluginMetricsImpl(workerMetrics, tags);
    }

    private ConnectorMetrics onWorker(PluginMetrics pluginMetrics, String task, IngestCounters taskCounters) {
        ConnectorMetrics metrics = ConnectorMetrics.forTask(new TaskContext(() -> pluginMetrics), CONNECTOR, task,
                taskCounters, time);
        toClose.add(metrics);
        return metrics;
    }

    private ConnectorMetrics onWorker() {
        return onWorker(pluginMetrics("0"), "0", counters);
    }

    private Object workerValue(String name, String task, Map<String, String> extraTags) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", CONNECTOR);
        tags.put("task", task);
        tags.putAll(extraTags);
        KafkaMetric metric = workerMetrics.metrics().get(new MetricName(name, WORKER_GROUP, "", tags));
        if (metric == null) {
            throw new AssertionError("no metric " + name + " " + tags + " among " + pluginMetricNames());
        }
        return metric.metricValue();
    }

    private Object workerValue(String name) {
        return workerValue(name, "0", Map.of());
    }

    private List<MetricName> pluginMetricNames() {
        return workerMetrics.metrics().keySet().stream().filter(n -> n.group().equals(WORKER_GROUP)).toList();
    }

    @Test
    void registersInTheWorkersMetricsWithTheTasksTags() {
        ConnectorMetrics metrics = onWorker();

        assertTrue(metrics.usesWorkerMetrics());
        Set<String> names = pluginMetricNames().stream().map(MetricName::name).collect(Collectors.toSet());
        assertEquals(Set.of("connections-open", "connection-attempt-total", "reconnect-total",
                "frames-received-total", "records-produced-total", "non-liquidation-frames-total",
                "malformed-frames-total", "duplicates-dropped-total", "gap-total", "gap-time-ms-total",
                "last-frame-age-ms", "exchange-latency-avg", "exchange-latency-max"), names);
        for (MetricName name : pluginMetricNames()) {
            assertEquals(CONNECTOR, name.tags().get("connector"), name.toString());
            assertEquals("0", name.tags().get("task"), name.toString());
        }
        Set<String> reasons = pluginMetricNames().stream().filter(n -> n.name().equals("reconnect-total"))
                .map(n -> n.tags().get("reason")).collect(Collectors.toSet());
        assertEquals(Set.of("dropped", "connect-failed", "handshake-refused", "ping-timeout", "stall", "rotation",
                "read-paused"), reasons);
    }

    @Test
    void countsReadBackFromTheRegistry() {
        ConnectorMetrics metrics = onWorker();
        for (int i = 0; i < 5; i++) {
            metrics.frameReceived(time.milliseconds());
        }
        metrics.frameReceived();
        metrics.nonLiquidationFrame();
        assertEquals(1, metrics.malformedFrame());
        assertEquals(2, metrics.malformedFrame());
        metrics.recordsProduced(3);
        metrics.recordsProduced(1);
        metrics.duplicateDropped();
        metrics.gap(1_000, 4_500);
        metrics.gap(10_000, 10_250);

        assertEquals(6.0, workerValue("frames-received-total"));
        assertEquals(1.0, workerValue("non-liquidation-frames-total"));
        assertEquals(2.0, workerValue("malformed-frames-total"));
        assertEquals(4.0, workerValue("records-produced-total"));
        assertEquals(1.0, workerValue("duplicates-dropped-total"));
        assertEquals(2.0, workerValue("gap-total"));
        assertEquals(3_750.0, workerValue("gap-time-ms-total"));
        // The same counts, in the IngestCounters the task logs at stop.
        assertEquals(6, counters.frames());
        assertEquals(4, counters.liquidations());
        assertEquals(1, counters.otherFrames());
        assertEquals(2, counters.malformedFrames());
    }

    @Test
    void connectionsAttemptsAndReconnectsByReason() {
        ConnectorMetrics metrics = onWorker();
        metrics.connectionAttempt();
        metrics.connectionAttempt();
        metrics.connected("connection-1");
        metrics.connected("connection-2");
        assertEquals(2.0, workerValue("connections-open"));

        metrics.disconnected("connection-1", ReconnectReason.STALL);
        assertEquals(1.0, workerValue("connections-open"));
        metrics.connectionAttempt();
        // The retry fails before the handshake: another reconnect, and still one connection open.
        metrics.disconnected("connection-1", ReconnectReason.CONNECT_FAILED);
        metrics.connectionAttempt();
        metrics.connected("connection-1");
        metrics.disconnected("connection-2", ReconnectReason.STALL);
        metrics.connectionClosed("connection-1");

        assertEquals(0.0, workerValue("connections-open"));
        assertEquals(4.0, workerValue("connection-attempt-total"));
        assertEquals(2.0, workerValue("reconnect-total", "0", Map.of("reason", "stall")));
        assertEquals(1.0, workerValue("reconnect-total", "0", Map.of("reason", "connect-failed")));
        assertEquals(0.0, workerValue("reconnect-total", "0", Map.of("reason", "rotation")));
        assertEquals(3, counters.connectionsOpened());
        assertEquals(3, counters.disconnects());
    }

    @Test
    void latencyAverageAndMaximum() {
        ConnectorMetrics metrics = onWorker();
        assertTrue(Double.isNaN((Double) workerValue("exchange-latency-avg")), "nothing measured yet");

        metrics.liquidationReceived(1_000, 1_040);
        metrics.liquidationReceived(2_000, 2_100);
        metrics.liquidationReceived(3_000, 3_010);

        assertEquals(50.0, (Double) workerValue("exchange-latency-avg"), 1e-9);
        assertEquals(100.0, workerValue("exchange-latency-max"));
    }

    @Test
    void latencyIsAWindowOverTheWorkersSamples() {
        ConnectorMetrics metrics = onWorker();
        metrics.liquidationReceived(1_000, 1_900);
        // Two samples of 30 s each by default: a minute later the old maximum has aged out.
        time.sleep(TimeUnit.MINUTES.toMillis(2));
        metrics.liquidationReceived(2_000, 2_020);

        assertEquals(20.0, workerValue("exchange-latency-max"));
    }

    @Test
    void gaugesShowCurrentValues() {
        ConnectorMetrics metrics = onWorker();
        AtomicInteger queued = new AtomicInteger();
        metrics.watchQueue(queued::get, 200);

        assertEquals(0.0, workerValue("last-frame-age-ms"));
        time.sleep(5_000);
        assertEquals(5_000.0, workerValue("last-frame-age-ms"), "since the start while nothing arrived");
        metrics.frameReceived(time.milliseconds());
        assertEquals(0.0, workerValue("last-frame-age-ms"));
        time.sleep(250);
        assertEquals(250.0, workerValue("last-frame-age-ms"));

        assertEquals(0.0, workerValue("queue-fill-ratio"));
        queued.set(50);
        assertEquals(0.25, workerValue("queue-fill-ratio"));
        assertEquals(50.0, workerValue("queue-size"));
        queued.set(203);
        assertEquals(1.015, (Double) workerValue("queue-fill-ratio"), 1e-9);
    }

    @Test
    void twoTasksOnOneWorkerKeepTheirOwnValues() {
        IngestCounters otherCounters = new IngestCounters();
        ConnectorMetrics task0 = onWorker(pluginMetrics("0"), "0", counters);
        ConnectorMetrics task1 = onWorker(pluginMetrics("1"), "1", otherCounters);

        task0.liquidationReceived(1_000, 1_300);
        task0.frameReceived(time.milliseconds());
        task1.liquidationReceived(1_000, 1_005);

        assertEquals(300.0, workerValue("exchange-latency-max", "0", Map.of()));
        assertEquals(5.0, workerValue("exchange-latency-max", "1", Map.of()));
        assertEquals(1.0, workerValue("frames-received-total", "0", Map.of()));
        assertEquals(0.0, workerValue("frames-received-total", "1", Map.of()));

        task1.close();
        assertEquals(300.0, workerValue("exchange-latency-max", "0", Map.of()), "closing one leaves the other");
    }

    @Test
    void closeRemovesEverythingAndRecordingStaysHarmless() {
        ConnectorMetrics metrics = onWorker();
        metrics.watchQueue(() -> 3, 10);
        assertFalse(pluginMetricNames().isEmpty());

        metrics.close();
        metrics.close();

        assertEquals(List.of(), pluginMetricNames());
        assertDoesNotThrow(() -> {
            metrics.frameReceived(time.milliseconds());
            metrics.liquidationReceived(1, 2);
            metrics.disconnected("connection-1", ReconnectReason.DROPPED);
        });
        assertEquals(List.of(), pluginMetricNames());
    }

    @Test
    void closeAfterTheWorkerClosedThePluginMetricsIsQuiet() throws Exception {
        PluginMetricsImpl pluginMetrics = pluginMetrics("0");
        ConnectorMetrics metrics = onWorker(pluginMetrics, "0", counters);

        pluginMetrics.close();

        assertDoesNotThrow(metrics::close);
        assertEquals(List.of(), pluginMetricNames());
    }

    @Test
    void aFailedRegistrationLeavesNothingBehind() {
        // Something else already holds one of the names this task would register.
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", CONNECTOR);
        tags.put("task", "0");
        MetricName taken = new MetricName("gap-total", WORKER_GROUP, "", tags);
        workerMetrics.addMetric(taken, (Measurable) (config, now) -> 42);

        assertThrows(IllegalArgumentException.class, () -> onWorker(pluginMetrics("0"), "0", counters));

        assertEquals(List.of(taken), pluginMetricNames());
    }

    // ---- without plugin metrics ----

    static Stream<Arguments> workersWithoutPluginMetrics() {
        return Stream.of(
                Arguments.of("pluginMetrics() returns null", (Supplier<PluginMetrics>) () -> null),
                Arguments.of("UnsupportedOperationException", (Supplier<PluginMetrics>) () -> {
                    throw new UnsupportedOperationException("no plugin metrics here");
                }),
                Arguments.of("connect-api before 4.1: NoSuchMethodError", (Supplier<PluginMetrics>) () -> {
                    throw new NoSuchMethodError("SourceTaskContext.pluginMetrics()");
                }),
                Arguments.of("context built for an older interface: AbstractMethodError",
                        (Supplier<PluginMetrics>) () -> {
                            throw new AbstractMethodError("pluginMetrics");
                        }),
                Arguments.of("kafka-clients before 4.1: NoClassDefFoundError", (Supplier<PluginMetrics>) () -> {
                    throw new NoClassDefFoundError("org/apache/kafka/common/metrics/PluginMetrics");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workersWithoutPluginMetrics")
    void fallsBackToItsOwnRegistry(String runtime, Supplier<PluginMetrics> pluginMetrics) throws Exception {
        String connector = "fallback-" + runtime.hashCode();
        ConnectorMetrics metrics = ConnectorMetrics.forTask(new TaskContext(pluginMetrics), connector, "0",
                counters, time);
        toClose.add(metrics);

        assertFalse(metrics.usesWorkerMetrics());
        assertInstanceOf(OwnMetricsSink.class, metrics.sink());
        assertFalse(mbeans(connector).isEmpty());
        assertEquals(List.of(), pluginMetricNames(), "nothing went to the worker's registry");
    }

    @Test
    void withoutAContextItFallsBackToo() {
        ConnectorMetrics metrics = ConnectorMetrics.forTask(null, "no-context", "0", counters, time);
        toClose.add(metrics);

        assertFalse(metrics.usesWorkerMetrics());
    }

    @Test
    void theFallbackIsVisibleOverJmxAndCloseUnregistersIt() throws Exception {
        String connector = "fallback-jmx";
        ConnectorMetrics metrics = ConnectorMetrics.forTask(new TaskContext(() -> null), connector, "3", counters,
                time);
        toClose.add(metrics);
        metrics.watchQueue(() -> 40, 100);
        metrics.frameReceived(time.milliseconds());
        metrics.frameReceived(time.milliseconds());
        metrics.recordsProduced(2);
        metrics.liquidationReceived(1_000, 1_080);
        metrics.disconnected("connection-1", ReconnectReason.PING_TIMEOUT);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();

        ObjectName task = new ObjectName("kafka.connect.binance:type=plugins,connector=" + connector + ",task=3");
        assertTrue(server.isRegistered(task), () -> "registered: " + mbeans(connector));
        assertEquals(2.0, server.getAttribute(task, "frames-received-total"));
        assertEquals(2.0, server.getAttribute(task, "records-produced-total"));
        assertEquals(80.0, server.getAttribute(task, "exchange-latency-max"));
        assertEquals(0.4, server.getAttribute(task, "queue-fill-ratio"));
        ObjectName pingTimeouts = new ObjectName("kafka.connect.binance:type=plugins,connector=" + connector
                + ",task=3,reason=ping-timeout");
        assertEquals(1.0, server.getAttribute(pingTimeouts, "reconnect-total"));
        assertEquals(1 + ReconnectReason.values().length, mbeans(connector).size());
        // A registry's own tag-less "count" MBean would be the same for every task: one task's close would
        // unregister it from under the others.
        assertEquals(Set.of(), server.queryNames(new ObjectName("kafka.connect.binance:type=kafka-metrics-count,*"),
                null));

        metrics.close();

        assertEquals(Set.of(), mbeans(connector));
    }

    @Test
    void detachedMetricsCountButReportNowhere() throws Exception {
        ObjectName everything = new ObjectName("kafka.connect.binance:*");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> before = server.queryNames(everything, null);

        ConnectorMetrics metrics = ConnectorMetrics.detached(counters);
        toClose.add(metrics);
        metrics.frameReceived(time.milliseconds());
        metrics.recordsProduced(2);

        assertFalse(metrics.usesWorkerMetrics());
        assertEquals(before, server.queryNames(everything, null));
        assertEquals(List.of(), pluginMetricNames());
        assertEquals(1, counters.frames());
        assertEquals(2, counters.liquidations());
        Metrics own = ((OwnMetricsSink) metrics.sink()).metrics();
        assertEquals(2.0, own.metrics().get(own.metricName("records-produced-total", "plugins")).metricValue());
    }

    @Test
    void recordingIsThreadSafe() throws Exception {
        ConnectorMetrics metrics = onWorker();
        int threads = 4;
        int perThread = 25_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int latency = t + 1;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        metrics.frameReceived(time.milliseconds());
                        metrics.liquidationReceived(0, latency);
                        metrics.duplicateDropped();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals((double) threads * perThread, workerValue("frames-received-total"));
        assertEquals((double) threads * perThread, workerValue("duplicates-dropped-total"));
        assertEquals(2.5, (Double) workerValue("exchange-latency-avg"), 1e-9);
        assertEquals(4.0, workerValue("exchange-latency-max"));
    }

    private static Set<ObjectName> mbeans(String connector) {
        try {
            return ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new ObjectName("kafka.connect.binance:connector=" + connector + ",*"), null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A worker's task context; only {@code pluginMetrics()} matters here. */
    private record TaskContext(Supplier<PluginMetrics> source) implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            throw new UnsupportedOperationException("not used by the metrics");
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return source.get();
        }
    }
}
