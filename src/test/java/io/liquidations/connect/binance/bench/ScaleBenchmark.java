package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Scale: for each size, {@code streams} symbols over {@code tasks} tasks (the connector's default of 200 streams per
 * connection), deployed with one {@code PUT /connectors/<name>/config}. Measures the time from the PUT to every
 * stream subscribed at the generator (a stream never followed waits for its first checkpoint's commit), the same
 * after a restart of the connector and its tasks (the streams have checkpoints by then), the retained heap and the threads each task adds, connections, the idle CPU of
 * the connector's threads, and the records written to {@code <topic>.coverage} while idle (the coverage checkpoints,
 * once the connector writes them). Extra connector settings ({@code -Dbench.scale.extra=k=v;k=v}) are passed on, so
 * settings such as {@code connections.per.stream} or {@code coverage.interval.ms} are measured once they exist; keys
 * the connector does not know are ignored by Connect.
 */
final class ScaleBenchmark {
    record Sizes(List<Integer> streams, int tasks, int idleSeconds, int settleMs) {
        static final Sizes FULL = new Sizes(List.of(100, 1000, 4000), 5, 10, 1_000);
        static final Sizes SMOKE = new Sizes(List.of(10, 40), 2, 1, 200);
    }

    private ScaleBenchmark() {
    }

    /** Connector settings from a system property written {@code k=v;k=v}. */
    static Map<String, String> extraSettings(String property) {
        Map<String, String> extra = new LinkedHashMap<>();
        String spec = System.getProperty(property, "").trim();
        for (String pair : spec.isEmpty() ? new String[0] : spec.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(property + " must be k=v;k=v, not '" + pair + "'");
            }
            extra.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return extra;
    }

    static BenchReport.Section run(BenchCluster cluster, FastExchange exchange, Sizes sizes) throws Exception {
        Map<String, String> extra = extraSettings("bench.scale.extra");
        BenchReport.Section section = new BenchReport.Section("scale",
                "Scale (" + sizes.tasks() + " tasks" + (extra.isEmpty() ? "" : ", " + extra) + ")");
        for (int n : sizes.streams()) {
            measure(cluster, exchange, n, sizes, extra, section);
        }
        section.detail("extra connector settings", extra.isEmpty() ? "none" : extra);
        section.note("Heap is the retained heap (after full GCs) the connector added, divided by its tasks; threads"
                + " are the JVM's threads it added, divided by its tasks (Connect's own task thread and producer"
                + " threads included).");
        return section;
    }

    private static void measure(BenchCluster cluster, FastExchange exchange, int n, Sizes sizes,
            Map<String, String> extra, BenchReport.Section section) throws Exception {
        String name = "bench-scale-" + n;
        List<String> symbols = ForceOrderEvents.symbols(n);
        List<String> streams = symbols.stream().map(ForceOrderEvents::streamOf).toList();
        cluster.createTopic(name);
        Map<String, String> overrides = new HashMap<>(Map.of("name", name,
                "tasks.max", Integer.toString(sizes.tasks()), "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", symbols), "topic", name));
        overrides.putAll(extra);
        Map<String, String> config = cluster.connectorConfig(overrides);
        long heapBefore = BenchCluster.retainedHeap();
        ThreadCpu threadsBefore = ThreadCpu.snapshot();
        long handshakesBefore = exchange.handshakes();

        long put = System.currentTimeMillis();
        cluster.putConfig(name, config);
        long subscribeMs = millisUntilAllSubscribed(exchange, streams, put, "scale " + n + ", PUT");
        int tasks = Math.min(sizes.tasks(), n);
        cluster.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, name);
        Thread.sleep(sizes.settleMs());
        long coverageBefore = recordsIn(cluster, name + ".coverage");
        ThreadCpu idleFrom = ThreadCpu.snapshot();
        Thread.sleep(sizes.idleSeconds() * 1000L);
        ThreadCpu idleTo = ThreadCpu.snapshot();
        long coverageAfter = recordsIn(cluster, name + ".coverage");
        long heapAfter = BenchCluster.retainedHeap();
        int connections = (int) (exchange.handshakes() - handshakesBefore);
        // The same streams again, now that each has a committed checkpoint: what a rebalance or a restart costs.
        long restart = System.currentTimeMillis();
        cluster.connect().restartConnectorAndTasks(name, false, true, false);
        long resubscribeMs = millisUntilAllSubscribed(exchange, streams, restart, "scale " + n + ", restart");
        int threadsAdded = idleTo.count(t -> true) - threadsBefore.count(t -> true);
        int ioThreads = idleTo.count(ThreadCpu.connectorIo());
        double idleCpu = idleTo.cpuSince(idleFrom, ThreadCpu.connectorIo().or(ThreadCpu.taskThreads(name)))
                / (double) idleTo.wallSince(idleFrom) * 100;
        cluster.delete(name);
        long closeDeadline = System.currentTimeMillis() + 30_000;
        while (exchange.connections().stream().anyMatch(c -> c.streams().contains(streams.get(0)))
                && System.currentTimeMillis() < closeDeadline) {
            Thread.sleep(20);
        }

        String at = n + " streams";
        boolean goalSize = n == 1000;
        section.figure(at + ": PUT → all subscribed (streams never followed)", subscribeMs, "ms",
                goalSize ? "≤ 5,000 ms" : null, goalSize ? subscribeMs <= 5000 : null)
                .detail("bound", "the first checkpoint's commit: ≤ offset.flush.interval.ms = "
                        + BenchCluster.OFFSET_FLUSH_INTERVAL_MS + " ms");
        section.figure(at + ": restart → all subscribed (streams with checkpoints)", resubscribeMs, "ms",
                goalSize ? "≤ 5,000 ms" : null, goalSize ? resubscribeMs <= 5000 : null);
        section.figure(at + ": retained heap per task", (heapAfter - heapBefore) / (double) tasks / 1024, "KiB",
                null, null);
        section.figure(at + ": threads per task", threadsAdded / (double) tasks, "threads", null, null)
                .detail("event-loop threads", ioThreads);
        section.figure(at + ": connections", connections, "", null, null);
        section.figure(at + ": idle CPU of the connector's threads", idleCpu, "% of a core", null, null);
        section.figure(at + ": coverage records per minute per 1,000 streams",
                coverageAfter < 0 ? Double.NaN
                        : (coverageAfter - coverageBefore) * 60.0 / sizes.idleSeconds() * 1000.0 / n, "records",
                null, null).detail("topic exists", coverageAfter >= 0);
    }

    /** Milliseconds from {@code since} until every stream was subscribed at the generator (on any leg). */
    private static long millisUntilAllSubscribed(FastExchange exchange, List<String> streams, long since,
            String what) throws InterruptedException {
        long deadline = since + 120_000;
        long subscribedAt;
        while ((subscribedAt = exchange.allSubscribedAt(streams, since)) < 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        if (subscribedAt < 0) {
            throw new IllegalStateException(what + ": only " + exchange.subscribedCount(streams, since) + " of "
                    + streams.size() + " streams subscribed within 120 s");
        }
        return subscribedAt - since;
    }

    /** Records in a topic (sum of its end offsets), or -1 when it does not exist. */
    private static long recordsIn(BenchCluster cluster, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get();
            if (!names.contains(topic)) {
                return -1;
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
