package io.liquidations.connect.binance.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.metrics.DocumentedMetrics;
import io.liquidations.connect.binance.metrics.PrometheusExposition;
import io.liquidations.connect.binance.metrics.PrometheusExposition.Sample;
import io.liquidations.connect.binance.registry.ApicurioRegistry;
import io.liquidations.connect.binance.stream.ReconnectReason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics a user scrapes: a real worker process ({@code ConnectDistributed} in a child JVM) with the Prometheus
 * JMX exporter agent and the shipped rules, the connector against the fake exchange, then {@code GET /metrics}.
 * Every metric of docs/METRICS.md must be served per task with exactly its documented labels and type, nothing of
 * the connector's may be served undocumented, and the values must be what happened.
 */
class PrometheusMetricsIT {
    private static final String CONNECTOR = "binance-metrics";
    private static final List<String> SYMBOLS = ForceOrderEvents.symbols(12);
    private static final Set<String> TASKS = Set.of("0", "1");
    private static final Path RULES = Path.of("config", "prometheus", "connect-jmx-exporter.yml");
    /** Sockets per group of streams in the shipped config: 2 groups per task, each on this many connections. */
    private static final int LEGS = Integer.parseInt(ConnectClusterSupport.deployedConfig(Map.of())
            .get("connections.per.stream"));

    private static EmbeddedKafkaCluster kafka;
    private static FakeBinanceExchange exchange;
    private static WorkerProcess worker;
    private static String metricsUrl;

    @BeforeAll
    static void startWorkerWithTheAgent() throws Exception {
        Properties broker = new Properties();
        broker.put("group.initial.rebalance.delay.ms", "0");
        kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
        exchange = FakeBinanceExchange.builder().markPriceInterval(Duration.ofMillis(200)).start();
        int metricsPort = ApicurioRegistry.freePort();
        metricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
        Path agent = Path.of(System.getProperty("jmx.exporter.agent",
                "target/jmx-exporter/jmx_prometheus_javaagent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(agent), agent + " missing: 'mvn package' copies the agent there");
        worker = WorkerProcess.start(Path.of("target", "prometheus-metrics-it").toAbsolutePath(),
                kafka.bootstrapServers(), ApicurioRegistry.freePort(),
                List.of("-javaagent:" + agent + "=127.0.0.1:" + metricsPort + ":" + RULES.toAbsolutePath()),
                Map.of());
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (exchange != null) {
            exchange.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void everyDocumentedMetricIsServedPerTaskWithItsLabelsAndTellsWhatHappened() throws Exception {
        Map<String, String> config = new HashMap<>(ConnectClusterSupport.deployedConfig(Map.of(
                "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", SYMBOLS),
                "tasks.max", "2",
                "streams.per.connection", "3",
                "topic", "liquidations.metrics",
                "reconnect.backoff.initial.ms", "100",
                "reconnect.backoff.max.ms", "1000")));
        worker.putConnector(CONNECTOR, config);
        worker.awaitRunning(CONNECTOR, 2, Duration.ofSeconds(60));
        TestUtils.waitForCondition(() -> exchange.openConnectionCount() == 4 * LEGS, 30_000, "4 groups' connections");

        ForceOrderEvents events = new ForceOrderEvents(5);
        int emitted = 0;
        for (int round = 0; round < 3; round++) {
            for (String symbol : SYMBOLS) {
                emitted += exchange.emit(symbol.toLowerCase(Locale.ROOT) + "@forceOrder", events.next(symbol).toJson());
            }
        }
        assertEquals(3 * SYMBOLS.size() * LEGS, emitted, "each event on every leg of its group");
        exchange.dropAllConnections();
        // A gap is counted once coverage resumes: at the first frame (the canary's) after the reconnect.
        TestUtils.waitForCondition(() -> sum(scrape(), "kafka_connect_plugins_gap_total", Map.of()) == 4
                && sum(scrape(), "kafka_connect_plugins_connections_open", Map.of()) == 4 * LEGS
                && sum(scrape(), "kafka_connect_plugins_leg_up", Map.of()) == 4 * LEGS, 30_000,
                "the 4 groups' outages counted as gaps and every leg up again");

        PrometheusExposition scraped = scrape();
        Files.writeString(Path.of("target", "prometheus-metrics-it-scrape.txt"), scrapeText());
        List<Sample> ours = scraped.samples().stream()
                .filter(s -> CONNECTOR.equals(s.labels().get("connector"))).toList();
        Map<String, DocumentedMetrics.Metric> documented = DocumentedMetrics.read();
        for (DocumentedMetrics.Metric metric : documented.values()) {
            List<Sample> samples = ours.stream().filter(s -> s.name().equals(metric.name())).toList();
            assertEquals(TASKS, samples.stream().map(s -> s.labels().get("task")).collect(Collectors.toSet()),
                    metric.name() + ": one series per task, labelled task");
            for (Sample sample : samples) {
                assertEquals(metric.labels(), new TreeSet<>(sample.labels().keySet()), metric.name() + " labels");
            }
            assertEquals(metric.type(), scraped.typeOf(metric.name()), metric.name() + " type");
        }
        Set<String> undocumented = ours.stream().map(Sample::name).filter(n -> !documented.containsKey(n))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), undocumented, "served but not in " + DocumentedMetrics.FILE);

        assertEquals(3 * SYMBOLS.size(), sum(scraped, "kafka_connect_plugins_records_produced_total", Map.of()),
                "each liquidation once");
        assertEquals(3 * SYMBOLS.size() * (LEGS - 1),
                sum(scraped, "kafka_connect_plugins_duplicates_dropped_total", Map.of()), "the other legs' copies");
        assertEquals(8 * LEGS, sum(scraped, "kafka_connect_plugins_connection_attempt_total", Map.of()));
        assertEquals(4 * LEGS, sum(scraped, "kafka_connect_plugins_reconnect_total", Map.of("reason", "dropped")));
        assertEquals(4 * LEGS, sum(scraped, "kafka_connect_plugins_reconnect_total", Map.of()), "no other reason");
        assertEquals(0, sum(scraped, "kafka_connect_plugins_streams_below_redundancy", Map.of()));
        assertEquals(4 * LEGS, ours.stream().filter(s -> s.name().equals("kafka_connect_plugins_leg_up"))
                .map(s -> s.labels().get("group") + "/" + s.labels().get("leg")).distinct().count(),
                "a leg-up series per group and leg, the tags as labels");
        assertTrue(sum(scraped, "kafka_connect_plugins_gap_time_ms_total", Map.of()) > 0, "gap time counted");
        assertTrue(sum(scraped, "kafka_connect_plugins_frames_received_total", Map.of()) >= emitted);
        Set<String> reasons = Arrays.stream(ReconnectReason.values()).map(ReconnectReason::tag)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(reasons, ours.stream().filter(s -> s.name().equals("kafka_connect_plugins_reconnect_total"))
                        .map(s -> s.labels().get("reason")).collect(Collectors.toCollection(TreeSet::new)),
                "a series for every reason, zero until it happens");
    }

    /** Sum over the connector's series that carry {@code labels}. */
    private static double sum(PrometheusExposition scraped, String name, Map<String, String> labels) {
        return scraped.samples().stream()
                .filter(s -> s.name().equals(name) && CONNECTOR.equals(s.labels().get("connector")))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    private static PrometheusExposition scrape() throws IOException, InterruptedException {
        return PrometheusExposition.parse(scrapeText());
    }

    private static String scrapeText() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metricsUrl))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
