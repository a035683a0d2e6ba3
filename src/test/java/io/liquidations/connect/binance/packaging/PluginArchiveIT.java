package io.liquidations.connect.binance.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.it.ConnectClusterSupport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Confluent Hub archive as users install it: unzipped into a worker's {@code plugin.path} and run under
 * plugin class-loader isolation. Failsafe runs this class without the connector's classes on the class path
 * (see the pom's {@code plugin-isolation} execution), so only the archive can supply them.
 */
class PluginArchiveIT {
    private static final String COMPONENT = "liquidations-kafka-connect-binance-liquidations";
    private static final String CONNECTOR_CLASS = "io.liquidations.connect.binance.BinanceLiquidationSourceConnector";
    private static final String VERSION = System.getProperty("project.version");

    private static Path archive;

    @BeforeAll
    static void locateArchive() {
        assertTrue(VERSION != null && !VERSION.isBlank(), "failsafe passes project.version");
        archive = Path.of("target", COMPONENT + "-" + VERSION + ".zip");
        assertTrue(Files.isRegularFile(archive), "mvn package builds " + archive);
    }

    @Test
    void theConnectorIsNotOnThisClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(CONNECTOR_CLASS),
                "the isolation run must not see target/classes, or it proves nothing");
    }

    @Test
    void archiveHasTheHubLayoutAndOnlyThePluginsOwnDependencies() throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Set<String> entries = entryNames(zip);
            String root = COMPONENT + "/";
            JsonNode manifest = new ObjectMapper().readTree(read(zip, root + "manifest.json"));
            assertEquals(VERSION, manifest.path("version").asText(), "version filled in at build time");
            assertEquals("source", manifest.path("component_types").path(0).asText());

            Set<String> jars = entries.stream().filter(e -> e.startsWith(root + "lib/") && e.endsWith(".jar"))
                    .map(e -> e.substring((root + "lib/").length())).collect(Collectors.toSet());
            assertTrue(jars.contains("kafka-connect-binance-liquidations-" + VERSION + ".jar"), jars.toString());
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("netty-codec-http-")), jars.toString());
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("jackson-core-")), jars.toString());
            List<String> workerJars = jars.stream()
                    .filter(j -> j.startsWith("kafka-clients") || j.startsWith("connect-") || j.startsWith("slf4j")
                            || j.startsWith("kafka_") || j.startsWith("log4j"))
                    .toList();
            assertEquals(List.of(), workerJars, "the worker provides Kafka, Connect and logging");

            assertTrue(entries.contains(root + "etc/binance-liquidations.json"), "example configs in etc/");
            assertTrue(entries.contains(root + "etc/binance-liquidations.properties"));
            assertTrue(entries.contains(root + "doc/README.md") && entries.contains(root + "doc/LICENSE"));
            assertTrue(entries.contains(root + "doc/CONFIGURATION.md"));
        }
    }

    @Test
    void aWorkerRunsTheConnectorFromTheUnpackedArchive(@TempDir Path pluginPath) throws Exception {
        unzip(archive, pluginPath);
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            EmbeddedConnectCluster connect = ConnectClusterSupport.startCluster("plugin-isolation",
                    Map.of("plugin.path", pluginPath.toString()));
            try {
                String topic = "liquidations.from.archive";
                connect.configureConnector("from-archive", ConnectClusterSupport.deployedConfig(Map.of(
                        "binance.ws.url", exchange.baseUrl(), "symbols", "BTCUSDT,ETHUSDT", "tasks.max", "2",
                        "topic", topic)));
                connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("from-archive", 2, "not running");
                int legs = Integer.parseInt(ConnectClusterSupport.deployedConfig(Map.of()).get("connections.per.stream"));
                assertTrue(exchange.awaitOpenConnections(2 * legs, Duration.ofSeconds(30)));
                ForceOrderEvents events = new ForceOrderEvents(3);
                Set<String> sent = new HashSet<>();
                for (int i = 0; i < 50; i++) {
                    SentForceOrder event = events.next(i % 2 == 0 ? "BTCUSDT" : "ETHUSDT");
                    assertEquals(legs, exchange.emit(event.stream(), event.toJson()), "every leg of the stream");
                    sent.add(event.symbol() + "@" + event.tradeTime());
                }
                Set<String> received = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : connect.kafka().consume(50, 60_000, topic)) {
                    assertTrue(record.headers().lastHeader("binance.stream") != null, "headers set by the plugin");
                    received.add(new String(record.key(), StandardCharsets.UTF_8) + "@" + record.timestamp());
                }
                assertEquals(sent, received, "every liquidation, keyed by symbol, stamped with its trade time");
            } finally {
                connect.stop();
            }
        }
    }

    private static Set<String> entryNames(ZipFile zip) {
        Set<String> names = new HashSet<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            names.add(entries.nextElement().getName());
        }
        return names;
    }

    private static String read(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        assertTrue(entry != null, "missing " + name);
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void unzip(Path zipFile, Path into) throws IOException {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
    }
}
