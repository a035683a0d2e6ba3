package io.liquidations.connect.binance.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The Docker stack of {@code docker/docker-compose.yml} end to end: Kafka (KRaft), Schema Registry, a Connect worker
 * with the plugin built by {@code mvn package}, and ksqlDB. The connector is deployed with
 * {@code docker/deploy-connector.sh}; the test then checks that liquidations reach the topic as Schema-Registry-framed
 * Avro (subject {@code binance.futures.liquidations-value}, key = symbol, Kafka timestamp = tradeTime) and that the
 * statements of {@code config/ksql/liquidations.sql} run on ksqlDB and its queries return rows.
 *
 * <p><b>Needs a local Docker engine with the compose plugin ({@code docker compose}) and internet access</b>: the
 * Confluent images come from Docker Hub, and the connector reads live liquidations from Binance
 * ({@code wss://fstream.binance.com/market}, all-market stream). The project's fake exchange cannot stand in: it binds
 * 127.0.0.1 on the host, which the containers cannot reach. The stack publishes fixed host ports (9092, 8081, 8083,
 * 8088), which must be free.
 *
 * <p>Without Docker the class is skipped ({@code disabledWithoutDocker}); {@code -Ddocker.it.skip=true} skips it too,
 * e.g. on a machine with Docker but no internet. Binance publishes liquidations irregularly (on the all-market stream
 * usually several a minute, but quiet spells happen), so the first record is awaited for
 * {@code -Ddocker.it.first.record.minutes} minutes (default 10).
 */
@Testcontainers(disabledWithoutDocker = true)
@DisabledIfSystemProperty(named = "docker.it.skip", matches = "true")
class DockerStackIT {

    private static final String TOPIC = "binance.futures.liquidations";
    private static final String SUBJECT = TOPIC + "-value";
    private static final String CONNECTOR = "binance-liquidations-it";
    private static final Path PLUGIN = Path.of("target", "plugin", "liquidations-kafka-connect-binance-liquidations");
    private static final Path SCRIPT = Path.of("config", "ksql", "liquidations.sql");
    private static final Path COVERAGE_SCRIPT = Path.of("config", "ksql", "coverage.sql");
    private static final Duration FIRST_RECORD =
            Duration.ofMinutes(Long.getLong("docker.it.first.record.minutes", 10));
    private static final String KSQL_MEDIA_TYPE = "application/vnd.ksql.v1+json";
    private static final Map<String, String> FROM_EARLIEST = Map.of("ksql.streams.auto.offset.reset", "earliest");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static ComposeContainer stack;
    private static String schemaRegistry;
    private static String connect;
    private static String ksqldb;

    @BeforeAll
    static void startStack() {
        assertTrue(Files.isDirectory(PLUGIN.resolve("lib")),
                "the plugin is not built; run mvn package (Failsafe runs after it): " + PLUGIN);
        stack = new ComposeContainer(DockerComposeStructureTest.COMPOSE_FILE.toFile())
                .withLocalCompose(true)
                .withExposedService("schema-registry", 8081, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)))
                .withExposedService("connect", 8083, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)))
                .withExposedService("ksqldb-server", 8088, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)))
                .withStartupTimeout(Duration.ofMinutes(15));
        stack.start();
        schemaRegistry = url("schema-registry", 8081);
        connect = url("connect", 8083);
        ksqldb = url("ksqldb-server", 8088);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void liveLiquidationsFlowThroughConnectAsAvroIntoKsqldb() throws Exception {
        deployAllMarketConnector();

        int schemaId = awaitRegisteredValueSchema();
        assertRecordsAreFramedAvroKeyedBySymbolAndStampedWithTradeTime(schemaId);

        runCreateStatementsOf(SCRIPT);

        JsonNode raw = firstRow("SELECT * FROM liquidations EMIT CHANGES LIMIT 1;");
        String schema = raw.path("header").path("schema").asText();
        for (String column : List.of("`SYMBOL_KEY` STRING KEY", "`TRADETIME` TIMESTAMP", "`AVERAGEPRICE` DECIMAL(38, 8)",
                "`FILLEDACCUMULATEDQUANTITY` DECIMAL(38, 8)", "`MARKETTYPE` INTEGER")) {
            assertTrue(schema.contains(column), "ksqlDB's columns of liquidations lack " + column + ": " + schema);
        }

        JsonNode notional = firstRow("SELECT * FROM liquidation_notional EMIT CHANGES LIMIT 1;");
        assertTrue(notional.path("header").path("schema").asText().contains("`NOTIONAL` DECIMAL(37, 16)"),
                notional.toString());
        assertFalse(column(notional, "NOTIONAL").isNull(), "notional computed: " + notional);

        firstRow("SELECT * FROM liquidations_per_minute EMIT CHANGES LIMIT 1;");

        // The watermarks of coverage.sql: a checkpoint per stream every second.
        runCreateStatementsOf(COVERAGE_SCRIPT);
        JsonNode watermark = firstRow("SELECT * FROM stream_watermarks EMIT CHANGES LIMIT 1;");
        assertFalse(column(watermark, "COVERED_UNTIL_MS").isNull(), "a watermark: " + watermark);
        assertTrue(column(watermark, "COVERED_NOW").asBoolean(), "the all-market stream is covered: " + watermark);

        // The live push query at the end of the script compiles and starts (its rows may take a while).
        String pushQuery = KsqlScript.statements(Files.readString(SCRIPT)).stream()
                .filter(s -> s.toUpperCase(Locale.ROOT).startsWith("SELECT"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no push query in " + SCRIPT));
        HttpResponse<InputStream> started = HTTP.send(ksqlRequest("/query", pushQuery + ";", Map.of()),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = started.body()) {
            assertEquals(200, started.statusCode(), () -> "push query refused: " + readQuietly(body));
        }
    }

    // ---------------------------------------------------------------- steps

    private static void deployAllMarketConnector() throws Exception {
        ObjectNode shipped = (ObjectNode) JSON.readTree(Path.of("config", "binance-liquidations.json").toFile());
        ObjectNode config = ((ObjectNode) shipped.get("config")).deepCopy();
        config.put("stream.mode", "all-market");
        config.remove("symbols");
        config.put("tasks.max", "1");
        ObjectNode deployed = JSON.createObjectNode();
        deployed.put("name", CONNECTOR);
        deployed.set("config", config);
        Path file = Files.createTempFile("binance-liquidations-it", ".json");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), deployed);
            ProcessBuilder builder = new ProcessBuilder("bash",
                    DockerComposeStructureTest.DOCKER_DIR.resolve("deploy-connector.sh").toString(), file.toString())
                    .redirectErrorStream(true);
            builder.environment().put("CONNECT_URL", connect);
            builder.environment().put("DEPLOY_TIMEOUT_SECONDS", "180");
            Process process = builder.start();
            String output;
            try (InputStream out = process.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(process.waitFor(200, TimeUnit.SECONDS), "deploy-connector.sh hung: " + output);
            assertEquals(0, process.exitValue(), "deploy-connector.sh failed:\n" + output);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Waits for the AvroConverter to register the value schema (it does so with the first record); returns its id. */
    private static int awaitRegisteredValueSchema() throws Exception {
        long deadline = System.nanoTime() + FIRST_RECORD.toNanos();
        while (true) {
            HttpResponse<String> subjects = get(schemaRegistry + "/subjects");
            if (subjects.statusCode() == 200 && JSON.readTree(subjects.body()).toString().contains("\"" + SUBJECT + "\"")) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail("no " + SUBJECT + " in the Schema Registry after " + FIRST_RECORD + " (no liquidation from Binance,"
                        + " or the connector is not producing): subjects " + subjects.body() + ", connector status "
                        + get(connect + "/connectors/" + CONNECTOR + "/status").body());
            }
            Thread.sleep(5_000);
        }
        JsonNode latest = JSON.readTree(get(schemaRegistry + "/subjects/" + SUBJECT + "/versions/latest").body());
        assertEquals("AVRO", latest.path("schemaType").asText("AVRO"));
        Schema registered = new Schema.Parser().parse(latest.path("schema").asText());
        Schema contract = new Schema.Parser().parse(Path.of("src", "main", "avro", "ForceOrder.avsc").toFile());
        assertEquals(contract.getFullName(), registered.getFullName());
        assertEquals(contract.getFields().stream().map(Schema.Field::name).toList(),
                registered.getFields().stream().map(Schema.Field::name).toList());
        return latest.path("id").asInt();
    }

    private static void assertRecordsAreFramedAvroKeyedBySymbolAndStampedWithTradeTime(int schemaId) throws Exception {
        JsonNode latest = JSON.readTree(get(schemaRegistry + "/subjects/" + SUBJECT + "/versions/latest").body());
        Schema writer = new Schema.Parser().parse(latest.path("schema").asText());
        Properties props = new Properties();
        // The broker advertises localhost:9092 to host clients (docker-compose.yml).
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
            }
            assertFalse(records.isEmpty(), "no record on " + TOPIC + " although its schema is registered");
            for (ConsumerRecord<byte[], byte[]> record : records) {
                ByteBuffer value = ByteBuffer.wrap(record.value());
                assertEquals(0, value.get(), "Schema Registry wire format starts with magic byte 0");
                assertEquals(schemaId, value.getInt(), "schema id in the record");
                GenericRecord forceOrder = new GenericDatumReader<GenericRecord>(writer).read(null,
                        DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, null));
                String key = new String(record.key(), StandardCharsets.UTF_8);
                assertEquals(forceOrder.get("symbol").toString(), key, "key = symbol, as a plain string");
                Object tradeTime = forceOrder.get("tradeTime");
                long tradeMillis = tradeTime instanceof Instant instant ? instant.toEpochMilli() : (Long) tradeTime;
                assertEquals(tradeMillis, record.timestamp(), "Kafka timestamp = tradeTime");
            }
        }
    }

    private static void runCreateStatementsOf(Path script) throws Exception {
        Long sequence = null;
        for (String statement : KsqlScript.statements(Files.readString(script))) {
            if (!statement.toUpperCase(Locale.ROOT).startsWith("CREATE")) {
                continue; // SET is a CLI command (the REST calls pass the offset reset); SELECTs run below
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("ksql", statement + ";");
            body.set("streamsProperties", JSON.valueToTree(FROM_EARLIEST));
            if (sequence != null) {
                body.put("commandSequenceNumber", sequence);
            }
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ksqldb + "/ksql"))
                    .timeout(Duration.ofMinutes(2))
                    .header("Content-Type", KSQL_MEDIA_TYPE + "; charset=utf-8")
                    .header("Accept", KSQL_MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "ksqlDB refused:\n" + statement + "\n" + response.body());
            JsonNode result = JSON.readTree(response.body());
            assertTrue(result.isArray() && result.size() > 0, response.body());
            JsonNode status = result.get(0).path("commandStatus");
            assertEquals("SUCCESS", status.path("status").asText(), statement + "\n" + response.body());
            if (result.get(0).has("commandSequenceNumber")) {
                sequence = result.get(0).path("commandSequenceNumber").asLong();
            }
        }
    }

    /** Runs a push query with LIMIT 1 from the earliest offset; returns {header, row}. */
    private static JsonNode firstRow(String query) throws Exception {
        HttpResponse<String> response = HTTP.send(ksqlRequest("/query", query, FROM_EARLIEST),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), query + "\n" + response.body());
        ObjectNode result = JSON.createObjectNode();
        // The body is a JSON array streamed one element per line; read it element by element.
        for (String line : response.body().split("\n")) {
            String element = line.strip().replaceFirst("^\\[", "").replaceFirst("[,\\]]+$", "").strip();
            if (!element.startsWith("{")) {
                continue;
            }
            JsonNode node = JSON.readTree(element);
            if (node.has("header")) {
                result.set("header", node.get("header"));
            } else if (node.has("row") && !result.has("row")) {
                result.set("row", node.get("row"));
            } else if (node.has("errorMessage")) {
                fail(query + ": " + node);
            }
        }
        assertNotNull(result.get("row"), query + " returned no row: " + response.body());
        assertTrue(result.path("row").path("columns").size() > 0, result.toString());
        return result;
    }

    /** The value of one column of a {@link #firstRow} result, found by name in the header schema. */
    private static JsonNode column(JsonNode result, String name) {
        String[] columns = result.path("header").path("schema").asText().split(", (?=`)");
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].startsWith("`" + name + "`")) {
                ArrayNode values = (ArrayNode) result.path("row").path("columns");
                return values.get(i);
            }
        }
        throw new AssertionError("no column " + name + " in " + result.path("header"));
    }

    // ---------------------------------------------------------------- HTTP

    private static HttpRequest ksqlRequest(String path, String ksql, Map<String, String> properties) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("ksql", ksql);
        body.set("streamsProperties", JSON.valueToTree(properties));
        return HttpRequest.newBuilder(URI.create(ksqldb + path))
                .timeout(Duration.ofMinutes(3))
                .header("Content-Type", KSQL_MEDIA_TYPE + "; charset=utf-8")
                .header("Accept", KSQL_MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String url(String service, int port) {
        return "http://" + stack.getServiceHost(service, port) + ":" + stack.getServicePort(service, port);
    }

    private static String readQuietly(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
