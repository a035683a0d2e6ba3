package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.it.ConnectClusterSupport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A real KRaft broker and a real distributed Connect worker in this JVM (Apache Kafka's EmbeddedConnectCluster), with
 * Connect's defaults except plugin discovery and the {@link AckTimes} interceptor on every source task's producer.
 * In-JVM rather than child processes: per-thread CPU (ThreadMXBean) then separates the connector's event loop, the
 * task thread, the producer's I/O thread, the broker and the load generator, and the ack-time interceptor shares
 * memory with the harness. The price is that heap and RSS are those of one JVM holding broker, worker and
 * generator; the harnesses report the connector's share as a retained-heap difference.
 */
public final class BenchCluster implements AutoCloseable {
    /** Every benchmark record is written as schemaless JSON with numeric decimals: ~330-byte values. */
    static final Map<String, String> CONVERTERS = Map.of(
            "key.converter", StringConverter.class.getName(),
            "value.converter", JsonConverter.class.getName(),
            "value.converter.schemas.enable", "false",
            "value.converter.decimal.format", "NUMERIC");

    /** The worker's {@code offset.flush.interval.ms}. */
    static final int OFFSET_FLUSH_INTERVAL_MS = 10_000;

    private final EmbeddedConnectCluster connect;
    private final Map<String, String> connectorDefaults;

    /**
     * @param connectorDefaults settings every deployed Binance connector gets before its own; the smoke run gives
     *     its connectors their own connection-attempt budget (5 per second, 299 rather than 300 per 5 minutes:
     *     budgets are shared per setting in the JVM), so that other integration tests in the same JVM that spent
     *     the default budget cannot hold its connections back
     */
    public BenchCluster(String name, Map<String, String> connectorDefaults) {
        this.connectorDefaults = Map.copyOf(connectorDefaults);
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "service_load");
        workerProps.put("producer." + ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AckTimes.class.getName());
        // The README's production value: a stream followed for the first time connects after the first offset
        // commit, and Connect's default 60 s would make every run wait for it.
        workerProps.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, Integer.toString(OFFSET_FLUSH_INTERVAL_MS));
        Properties brokerProps = new Properties();
        brokerProps.put("group.initial.rebalance.delay.ms", "0");
        connect = new EmbeddedConnectCluster.Builder().name(name).numWorkers(1).numBrokers(1)
                .workerProps(workerProps).brokerProps(brokerProps).build();
        connect.start();
    }

    public EmbeddedConnectCluster connect() {
        return connect;
    }

    public String bootstrapServers() {
        return connect.kafka().bootstrapServers();
    }

    public void createTopic(String topic) {
        connect.kafka().createTopic(topic, 1);
    }

    /** The connector's config users deploy (config/binance-liquidations.json) with the benchmark's settings on top. */
    Map<String, String> connectorConfig(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(ConnectClusterSupport.deployedConfig(Map.of()));
        config.putAll(CONVERTERS);
        config.putAll(connectorDefaults);
        config.put("connector.class", ConnectorEntryPoints.connectorClass());
        config.putAll(overrides);
        return config;
    }

    /** Creates or updates the connector over the worker's REST API ({@code PUT /connectors/<name>/config}). */
    public void deploy(String name, Map<String, String> config, int tasks) throws InterruptedException {
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, name + " did not start");
    }

    public void putConfig(String name, Map<String, String> config) {
        connect.configureConnector(name, config);
    }

    public void delete(String name) throws InterruptedException {
        connect.deleteConnector(name);
        connect.assertions().assertConnectorDoesNotExist(name, name + " was not deleted");
    }

    /** Which of the events {@code 0 .. expected-1} the topic holds, by record timestamp {@code start + seq}. */
    public record Delivery(long expected, long received, long lost, long duplicated, long foreign) {
        boolean exact() {
            return received == expected && lost == 0 && duplicated == 0 && foreign == 0;
        }
    }

    public Delivery readBack(String topic, long start, int expected, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        BitSet seen = new BitSet(expected);
        long received = 0;
        long duplicated = 0;
        long foreign = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline && !reached(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    received++;
                    long seq = record.timestamp() - start;
                    if (seq < 0 || seq >= expected) {
                        foreign++;
                    } else if (seen.get((int) seq)) {
                        duplicated++;
                    } else {
                        seen.set((int) seq);
                    }
                }
            }
        }
        return new Delivery(expected, received, expected - seen.cardinality(), duplicated, foreign);
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Heap in use after a full collection: what is retained, not what is garbage. */
    static long retainedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void resetPeakHeap() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Resident set size of this JVM (broker, worker and generator together), from /proc. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        connect.stop();
    }
}
