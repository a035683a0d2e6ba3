package io.liquidations.connect.binance.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of {@code docker/docker-compose.yml}, read as YAML: the services, pinned images, KRaft, the plugin mount
 * and converters of the Connect worker, the wiring to Kafka and the Schema Registry, published ports and
 * health-gated start order. No Docker needed; {@code DockerStackIT} starts the stack where there is one.
 */
class DockerComposeStructureTest {

    static final Path DOCKER_DIR = Path.of("docker");
    static final Path COMPOSE_FILE = DOCKER_DIR.resolve("docker-compose.yml");

    private static final Pattern PINNED_IMAGE = Pattern.compile("^(?<repo>[a-z0-9./_-]+):(?<tag>[A-Za-z0-9._-]+)$");
    /** An exact release, as Confluent (8.0.3), Grafana (12.3.1) and Prometheus (v3.5.0) tag them. */
    private static final Pattern EXACT_VERSION = Pattern.compile("v?\\d+\\.\\d+\\.\\d+");

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE_FILE.toFile());
        services = compose.path("services");
        assertTrue(services.isObject(), "no services in " + COMPOSE_FILE);
    }

    @Test
    void hasTheStackServicesAndNoZooKeeper() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(List.of("kafka", "schema-registry", "connect", "ksqldb-server", "ksqldb-cli",
                        "prometheus", "grafana")),
                "services: " + names);
        for (String name : names) {
            JsonNode service = services.get(name);
            assertFalse(name.toLowerCase(Locale.ROOT).contains("zookeeper"), "a ZooKeeper service: " + name);
            assertFalse(service.path("image").asText().contains("zookeeper"), "a ZooKeeper image in " + name);
            environment(name).keySet().forEach(key ->
                    assertFalse(key.contains("ZOOKEEPER"), name + " still configures ZooKeeper: " + key));
        }
    }

    @Test
    void everyImageIsPinnedAndAllConfluentImagesShareOneRelease() {
        Map<String, String> cpVersions = new LinkedHashMap<>();
        for (String name : serviceNames()) {
            String image = services.get(name).path("image").asText("");
            Matcher m = PINNED_IMAGE.matcher(image);
            assertTrue(m.matches(), name + ": image '" + image + "' has no explicit tag (or a digest-less odd form)");
            String tag = m.group("tag");
            assertNotEquals("latest", tag, name + " uses :latest");
            assertTrue(EXACT_VERSION.matcher(tag).lookingAt(), name + ": tag '" + tag + "' is not an exact version");
            if (m.group("repo").startsWith("confluentinc/cp-")) {
                cpVersions.put(name, tag);
            }
        }
        assertTrue(cpVersions.keySet().containsAll(List.of("kafka", "schema-registry", "connect", "ksqldb-server",
                "ksqldb-cli")), "Confluent Platform images: " + cpVersions);
        assertEquals(1, new LinkedHashSet<>(cpVersions.values()).size(), "cp-* images on several releases: " + cpVersions);
        // CP 8.x is Apache Kafka 4.x: the connector needs a Kafka Connect 4.x worker (README, Requirements).
        String release = cpVersions.values().iterator().next();
        assertTrue(release.startsWith("8."), "Confluent Platform " + release + " does not ship Kafka Connect 4.x");
        assertEquals("confluentinc/cp-kafka-connect", repository("connect"));
        assertEquals("confluentinc/cp-ksqldb-server", repository("ksqldb-server"));
        assertEquals("confluentinc/cp-ksqldb-cli", repository("ksqldb-cli"));
        assertEquals("confluentinc/cp-schema-registry", repository("schema-registry"));
    }

    @Test
    void kafkaRunsKraftAsCombinedBrokerAndController() {
        Map<String, String> env = environment("kafka");
        Set<String> roles = Arrays.stream(env.getOrDefault("KAFKA_PROCESS_ROLES", "").split(","))
                .map(String::strip).collect(Collectors.toSet());
        assertEquals(Set.of("broker", "controller"), roles, "KAFKA_PROCESS_ROLES");
        String nodeId = env.get("KAFKA_NODE_ID");
        assertTrue(nodeId != null && !nodeId.isBlank(), "KAFKA_NODE_ID");
        String voters = env.getOrDefault("KAFKA_CONTROLLER_QUORUM_VOTERS", "");
        assertTrue(voters.matches(nodeId + "@kafka:\\d+"), "the single node must be the single voter: " + voters);
        assertTrue(env.getOrDefault("CLUSTER_ID", "").matches("[A-Za-z0-9_-]{22}"),
                "CLUSTER_ID must be a base64 UUID (22 characters)");
        String controllerListener = env.get("KAFKA_CONTROLLER_LISTENER_NAMES");
        assertTrue(listeners(env.get("KAFKA_LISTENERS")).containsKey(controllerListener),
                "no " + controllerListener + " listener in KAFKA_LISTENERS");
        assertEquals("1", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));
        assertEquals("1", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"));
        assertTrue(listeners(env.get("KAFKA_ADVERTISED_LISTENERS")).containsValue("localhost:9092"),
                "host clients need localhost:9092 advertised");
    }

    @Test
    void clientsBootstrapFromAnAdvertisedInternalListener() {
        Set<String> advertised = new LinkedHashSet<>(listeners(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS")).values());
        Map<String, String> bootstraps = Map.of(
                "schema-registry", environment("schema-registry").get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"),
                "connect", environment("connect").get("CONNECT_BOOTSTRAP_SERVERS"),
                "ksqldb-server", environment("ksqldb-server").get("KSQL_BOOTSTRAP_SERVERS"));
        bootstraps.forEach((service, servers) -> {
            assertTrue(servers != null && !servers.isBlank(), service + " has no bootstrap servers");
            for (String server : servers.split(",")) {
                String hostPort = server.strip().replaceFirst("^[A-Za-z_]+://", "");
                assertTrue(advertised.contains(hostPort), service + " bootstraps from " + hostPort
                        + ", which Kafka does not advertise (" + advertised + ")");
                assertTrue(hostPort.startsWith("kafka:"), service + " must reach Kafka by its service name: " + hostPort);
            }
        });
    }

    @Test
    void connectMountsTheBuiltPluginReadOnlyOnItsPluginPath() {
        Mount plugin = mounts("connect").stream()
                .filter(m -> DOCKER_DIR.resolve(m.source()).normalize().equals(Path.of("target", "plugin")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("connect does not mount ../target/plugin: " + mounts("connect")));
        assertTrue(plugin.readOnly(), "the plugin mount must be read-only");
        List<String> pluginPath = Arrays.stream(environment("connect").getOrDefault("CONNECT_PLUGIN_PATH", "").split(","))
                .map(String::strip).toList();
        assertTrue(pluginPath.contains(plugin.target()),
                "CONNECT_PLUGIN_PATH " + pluginPath + " does not include the mount target " + plugin.target());
        // /usr/share/java is where the image keeps the Avro converter and its other bundled plugins.
        assertTrue(pluginPath.contains("/usr/share/java"), "CONNECT_PLUGIN_PATH " + pluginPath);
    }

    @Test
    void connectWritesStringKeysAndAvroValuesThroughTheSchemaRegistry() {
        Map<String, String> env = environment("connect");
        assertEquals("org.apache.kafka.connect.storage.StringConverter", env.get("CONNECT_KEY_CONVERTER"));
        assertEquals("io.confluent.connect.avro.AvroConverter", env.get("CONNECT_VALUE_CONVERTER"));
        assertPointsAtSchemaRegistry("connect", env.get("CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL"));
        for (String store : List.of("CONFIG", "OFFSET", "STATUS")) {
            assertTrue(env.containsKey("CONNECT_" + store + "_STORAGE_TOPIC"), "CONNECT_" + store + "_STORAGE_TOPIC");
            assertEquals("1", env.get("CONNECT_" + store + "_STORAGE_REPLICATION_FACTOR"),
                    "CONNECT_" + store + "_STORAGE_REPLICATION_FACTOR on a one-broker cluster");
        }
        assertTrue(env.containsKey("CONNECT_GROUP_ID"), "CONNECT_GROUP_ID");
        assertEquals("connect", env.get("CONNECT_REST_ADVERTISED_HOST_NAME"));
    }

    @Test
    void ksqldbUsesTheSameKafkaAndSchemaRegistryAndTheCliGetsTheScripts() {
        assertPointsAtSchemaRegistry("ksqldb-server", environment("ksqldb-server").get("KSQL_KSQL_SCHEMA_REGISTRY_URL"));
        assertTrue(mounts("ksqldb-cli").stream()
                        .anyMatch(m -> DOCKER_DIR.resolve(m.source()).normalize().equals(Path.of("config", "ksql"))),
                "ksqldb-cli should mount ../config/ksql: " + mounts("ksqldb-cli"));
        assertTrue(Files.isRegularFile(Path.of("config", "ksql", "liquidations.sql")));
    }

    @Test
    void publishesTheDocumentedPortsOnTheHost() {
        Map<String, Integer> expected = Map.of("kafka", 9092, "schema-registry", 8081, "connect", 8083,
                "ksqldb-server", 8088, "prometheus", 9090, "grafana", 3000);
        expected.forEach((service, port) -> assertTrue(publishedPorts(service).contains(port),
                service + " should publish " + port + " on the host, publishes " + publishedPorts(service)));
    }

    @Test
    void startOrderIsGatedOnHealthchecks() {
        Map<String, List<String>> required = Map.of(
                "schema-registry", List.of("kafka"),
                "connect", List.of("kafka", "schema-registry"),
                "ksqldb-server", List.of("kafka", "schema-registry"),
                "ksqldb-cli", List.of("ksqldb-server"),
                "prometheus", List.of("connect"),
                "grafana", List.of("prometheus"));
        for (String name : serviceNames()) {
            JsonNode dependsOn = services.get(name).path("depends_on");
            if (dependsOn.isMissingNode()) {
                continue;
            }
            assertTrue(dependsOn.isObject(), name + ": depends_on must be the long form with conditions");
            for (Iterator<Map.Entry<String, JsonNode>> it = dependsOn.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> dependency = it.next();
                assertEquals("service_healthy", dependency.getValue().path("condition").asText(),
                        name + " -> " + dependency.getKey());
                assertTrue(services.path(dependency.getKey()).path("healthcheck").path("test").size() > 0,
                        name + " waits for " + dependency.getKey() + " to be healthy, which has no healthcheck");
            }
        }
        required.forEach((service, dependencies) -> {
            Set<String> actual = new TreeSet<>();
            services.get(service).path("depends_on").fieldNames().forEachRemaining(actual::add);
            assertTrue(actual.containsAll(dependencies), service + " depends on " + actual + ", needs " + dependencies);
        });
        for (String service : List.of("kafka", "schema-registry", "connect", "ksqldb-server", "prometheus")) {
            assertTrue(services.get(service).path("healthcheck").path("test").size() > 0, service + " has no healthcheck");
        }
        // Connect is healthy only with the plugin loaded: that is the point of waiting for it.
        assertTrue(services.get("connect").path("healthcheck").path("test").toString()
                .contains("BinanceLiquidationSourceConnector"), "connect's healthcheck should look for the plugin");
    }

    /** The worker runs the JMX exporter agent with the shipped rules, and Prometheus scrapes the agent's port. */
    @Test
    void prometheusScrapesTheAgentTheWorkerRunsWithTheShippedRules() throws IOException {
        String kafkaOpts = environment("connect").getOrDefault("KAFKA_OPTS", "");
        Matcher agent = Pattern.compile("-javaagent:(?<jar>\\S+\\.jar)=(?<port>\\d+):(?<rules>\\S+)").matcher(kafkaOpts);
        assertTrue(agent.find(), "connect's KAFKA_OPTS attaches no java agent: " + kafkaOpts);
        assertEquals(Path.of("target", "jmx-exporter", "jmx_prometheus_javaagent.jar"),
                hostPath("connect", agent.group("jar")), "the agent jar 'mvn package' copies");
        assertEquals(Path.of("config", "prometheus", "connect-jmx-exporter.yml"),
                hostPath("connect", agent.group("rules")), "the shipped rules");
        assertTrue(Files.isRegularFile(Path.of("config", "prometheus", "connect-jmx-exporter.yml")));

        Path prometheusConfig = hostPath("prometheus", "/etc/prometheus/prometheus.yml");
        JsonNode scrapeConfigs = new ObjectMapper(new YAMLFactory()).readTree(prometheusConfig.toFile())
                .path("scrape_configs");
        List<String> targets = new ArrayList<>();
        scrapeConfigs.forEach(job -> job.path("static_configs").forEach(
                config -> config.path("targets").forEach(target -> targets.add(target.asText()))));
        assertTrue(targets.contains("connect:" + agent.group("port")),
                prometheusConfig + " scrapes " + targets + ", not the agent on connect:" + agent.group("port"));
    }

    /** Grafana gets the Prometheus data source and the dashboard from files this repository ships. */
    @Test
    void grafanaIsProvisionedWithThePrometheusDataSourceAndTheDashboard() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Path provisioning = hostPath("grafana", "/etc/grafana/provisioning");
        JsonNode datasources = yaml.readTree(provisioning.resolve("datasources/prometheus.yml").toFile())
                .path("datasources");
        assertEquals(1, datasources.size(), "one data source");
        assertEquals("prometheus", datasources.get(0).path("type").asText());
        URI url = URI.create(datasources.get(0).path("url").asText());
        assertEquals("prometheus", url.getHost(), "the data source points at the prometheus service");
        assertTrue(publishedPorts("prometheus").contains(url.getPort()), "Prometheus listens on " + url.getPort());
        assertEquals(GrafanaDashboardTest.DATASOURCE_UID, datasources.get(0).path("uid").asText(),
                "the uid the dashboard's panels name");

        JsonNode providers = yaml.readTree(provisioning.resolve("dashboards/binance-liquidations.yml").toFile())
                .path("providers");
        String dashboardsPath = providers.get(0).path("options").path("path").asText();
        assertEquals(GrafanaDashboardTest.DASHBOARD.getParent(), hostPath("grafana", dashboardsPath),
                "the provider reads the mounted dashboards");
        assertTrue(Files.isRegularFile(GrafanaDashboardTest.DASHBOARD), GrafanaDashboardTest.DASHBOARD.toString());
    }

    // ---------------------------------------------------------------- helpers

    /** The host path (relative to the project root) a service sees at {@code containerPath}, through its bind mounts. */
    private static Path hostPath(String service, String containerPath) {
        for (Mount mount : mounts(service)) {
            if (containerPath.equals(mount.target()) || containerPath.startsWith(mount.target() + "/")) {
                String rest = containerPath.substring(mount.target().length()).replaceFirst("^/", "");
                Path source = DOCKER_DIR.resolve(mount.source()).normalize();
                return rest.isEmpty() ? source : source.resolve(rest);
            }
        }
        throw new AssertionError(service + " mounts nothing at " + containerPath + ": " + mounts(service));
    }

    private static void assertPointsAtSchemaRegistry(String service, String url) {
        assertTrue(url != null && !url.isBlank(), service + " has no Schema Registry URL");
        URI uri = URI.create(url);
        assertEquals("schema-registry", uri.getHost(), service + " Schema Registry URL " + url);
        int listenerPort = URI.create(environment("schema-registry").get("SCHEMA_REGISTRY_LISTENERS").split(",")[0]
                .strip()).getPort();
        assertEquals(listenerPort, uri.getPort(), service + " Schema Registry URL " + url);
    }

    private static List<String> serviceNames() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String repository(String service) {
        Matcher m = PINNED_IMAGE.matcher(services.get(service).path("image").asText());
        assertTrue(m.matches());
        return m.group("repo");
    }

    /** A service's environment as strings, from either the map or the list form. */
    static Map<String, String> environment(String service) {
        JsonNode env = services.path(service).path("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env.isObject()) {
            env.fields().forEachRemaining(e -> result.put(e.getKey(), e.getValue().asText()));
        } else if (env.isArray()) {
            for (JsonNode entry : env) {
                String[] kv = entry.asText().split("=", 2);
                result.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return result;
    }

    /** Listener name to host:port, from a KAFKA_LISTENERS-style value. */
    private static Map<String, String> listeners(String value) {
        Map<String, String> result = new LinkedHashMap<>();
        if (value == null) {
            return result;
        }
        for (String listener : value.split(",")) {
            String[] parts = listener.strip().split("://", 2);
            if (parts.length == 2) {
                result.put(parts[0], parts[1]);
            }
        }
        return result;
    }

    record Mount(String source, String target, boolean readOnly) {
    }

    /** Bind mounts in short ({@code src:dst[:ro]}) or long ({@code type: bind}) syntax. */
    private static List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode volume : services.path(service).path("volumes")) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                if (parts.length >= 2 && (parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                    boolean ro = parts.length > 2 && Arrays.asList(parts[2].split(",")).contains("ro");
                    mounts.add(new Mount(parts[0], parts[1], ro));
                }
            } else if ("bind".equals(volume.path("type").asText())) {
                mounts.add(new Mount(volume.path("source").asText(), volume.path("target").asText(),
                        volume.path("read_only").asBoolean(false)));
            }
        }
        return mounts;
    }

    /** Host ports a service publishes, from short ({@code [ip:]host:container}) or long syntax. */
    private static Set<Integer> publishedPorts(String service) {
        Set<Integer> ports = new TreeSet<>();
        for (JsonNode port : services.path(service).path("ports")) {
            if (port.isObject()) {
                ports.add(port.path("published").asInt());
            } else {
                String[] parts = port.asText().split("/")[0].split(":");
                if (parts.length >= 2) {
                    ports.add(Integer.parseInt(parts[parts.length - 2]));
                } else {
                    fail(service + ": port " + port.asText() + " is not published on a fixed host port");
                }
            }
        }
        return ports;
    }
}
