package io.liquidations.connect.binance.it;

import static io.liquidations.connect.binance.it.ConnectClusterSupport.deployedConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.liquidations.binance.ForceOrder;
import io.liquidations.binance.StreamGap;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.record.AvroSchemaNormalizer;
import io.liquidations.connect.binance.record.DecimalHandlingMode;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import io.liquidations.connect.binance.registry.ApicurioRegistry;
import io.liquidations.connect.binance.registry.ConfluentAvroDecoder;
import io.liquidations.connect.binance.registry.ConfluentSchemaRegistryClient;
import io.liquidations.connect.binance.registry.ConfluentSchemaRegistryClient.Compatibility;
import io.liquidations.connect.binance.registry.ConfluentSchemaRegistryClient.RegisteredSchema;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Avro through a real schema registry, end to end: Apicurio Registry's server in a child JVM, a Connect worker whose
 * value converter is Apicurio's {@code AvroConverter} writing Confluent's wire format, the connector against the
 * fake exchange. A consumer then reads the topic as a Confluent {@code KafkaAvroDeserializer} user would (magic
 * byte, schema id, writer schema from {@code /schemas/ids/{id}}, the class generated from the {@code .avsc}).
 */
class SchemaRegistryIT {
    private static final String CONNECTOR = "registry";
    private static final String TOPIC = "liquidations.registry";
    private static final String GAPS_TOPIC = TOPIC + ".gaps";
    private static final List<String> SYMBOLS = ForceOrderEvents.symbols(20);
    private static final int ROUNDS = 5;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** Sockets per group of streams in the shipped config; each event is written once all the same. */
    private static final int LEGS = Integer.parseInt(deployedConfig(Map.of()).get("connections.per.stream"));

    /** A topic the connector writes, the subject its value schema must be registered under, and its contract. */
    record ExpectedSubject(String topic, Path avsc) {
        String subject() {
            return topic + "-value";
        }
    }

    /**
     * Every subject the connector registers (TopicNameStrategy: {@code <topic>-value}; keys are plain strings, so
     * no {@code -key} subject). A topic the connector starts writing gets its line here, e.g. the coverage topic.
     */
    private static final List<ExpectedSubject> SUBJECTS = List.of(
            new ExpectedSubject(TOPIC, Path.of("src", "main", "avro", "ForceOrder.avsc")),
            new ExpectedSubject(GAPS_TOPIC, Path.of("src", "main", "avro", "StreamGap.avsc")),
            new ExpectedSubject(TOPIC + ".coverage", Path.of("src", "main", "avro", "StreamCoverage.avsc")));

    private static ApicurioRegistry registry;
    private static FakeBinanceExchange exchange;
    private static EmbeddedConnectCluster connect;
    private static ConfluentSchemaRegistryClient schemaRegistry;
    private static final Map<String, SentForceOrder> sent = new HashMap<>();
    private static List<ConsumerRecord<byte[], byte[]>> liquidations;
    private static List<ConsumerRecord<byte[], byte[]>> gaps;

    @BeforeAll
    static void writeThroughTheRegistry() throws Exception {
        long started = System.nanoTime();
        registry = ApicurioRegistry.start(Path.of("target", "schema-registry-it-registry.log"));
        schemaRegistry = new ConfluentSchemaRegistryClient(registry.confluentApiUrl());
        // Coverage is back with a socket's first frame: a canary every 200 ms keeps the gaps short.
        exchange = FakeBinanceExchange.builder().markPriceInterval(Duration.ofMillis(200)).start();
        connect = ConnectClusterSupport.startCluster("schema-registry-it", avroWorker(registry.apicurioApiUrl()));

        Map<String, String> config = new HashMap<>(deployedConfig(Map.of(
                "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", SYMBOLS),
                "tasks.max", "2",
                "streams.per.connection", "5",
                "reconnect.backoff.initial.ms", "100",
                "reconnect.backoff.max.ms", "1000",
                "topic", TOPIC)));
        // The worker's converter, as in production: the connector config names none.
        config.remove("value.converter");
        config.remove("value.converter.schemas.enable");
        connect.configureConnector(CONNECTOR, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 2, "connector did not start");
        awaitOpenConnections(4 * LEGS);

        ForceOrderEvents events = new ForceOrderEvents(2024);
        emitRounds(events);
        // Drop every connection once: each of the 4 groups of streams becomes a gap record, the second subject.
        exchange.dropAllConnections();
        TestUtils.waitForCondition(() -> exchange.connections().size() >= 8 * LEGS
                && exchange.openConnectionCount() == 4 * LEGS, 30_000, "reconnected");
        emitRounds(events);

        liquidations = toList(connect.kafka().consume(sent.size(), READ_TIMEOUT.toMillis(), TOPIC));
        gaps = toList(connect.kafka().consume(4, READ_TIMEOUT.toMillis(), GAPS_TOPIC));
        System.out.println("SchemaRegistryIT: registry, broker, worker up and " + sent.size() + " liquidations and "
                + gaps.size() + " gaps through the registry in "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    }

    @AfterAll
    static void stopStack() throws InterruptedException {
        if (connect != null) {
            connect.stop();
        }
        if (exchange != null) {
            exchange.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Apicurio's converter in Confluent's wire format: no headers, 4-byte content ids, registered on first use. */
    static Map<String, String> avroWorker(String registryUrl) {
        Map<String, String> worker = new LinkedHashMap<>();
        worker.put("key.converter", StringConverter.class.getName());
        worker.put("value.converter", "io.apicurio.registry.utils.converter.AvroConverter");
        worker.put("value.converter.apicurio.registry.url", registryUrl);
        worker.put("value.converter.apicurio.registry.auto-register", "true");
        worker.put("value.converter.apicurio.registry.headers.enabled", "false");
        worker.put("value.converter.apicurio.registry.id-handler", "io.apicurio.registry.serde.Legacy4ByteIdHandler");
        worker.put("value.converter.apicurio.registry.use-id", "contentId");
        return worker;
    }

    @Test
    void everyRecordDecodesIntoTheGeneratedClassWithEveryFieldAsSent() {
        assertEquals(sent.size(), liquidations.size(), "every liquidation, once");
        ConfluentAvroDecoder<ForceOrder> decoder = new ConfluentAvroDecoder<>(schemaRegistry,
                ForceOrder.getClassSchema());
        int registeredId = schemaRegistry.latest(TOPIC + "-value").id();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : liquidations) {
            assertEquals(registeredId, ConfluentAvroDecoder.schemaId(record.value()),
                    "the id in the record is the one the subject's schema is served under");
            ForceOrder value = decoder.decode(record.value());
            String id = value.getSymbol() + "@" + value.getTradeTime().toEpochMilli();
            assertTrue(seen.add(id), "duplicate " + id);
            SentForceOrder original = sent.get(id);
            assertNotNull(original, "a record nobody sent: " + value);
            assertEquals(original.symbol(), new String(record.key(), StandardCharsets.UTF_8), "key: the plain symbol");
            assertEquals(original.tradeTime(), record.timestamp(), "timestamp: the trade time");
            assertEveryFieldAsSent(original, value);
        }
        assertTrue(liquidations.stream().map(r -> decoder.decode(r.value())).anyMatch(v -> v.getPair() != null
                && v.getMarketType() != null), "optional fields carried a value at least once");
    }

    @Test
    void gapRecordsDecodeIntoTheGeneratedClass() {
        assertEquals(4, gaps.size(), "one gap per group whose connections were all dropped");
        ConfluentAvroDecoder<StreamGap> decoder = new ConfluentAvroDecoder<>(schemaRegistry,
                StreamGap.getClassSchema());
        Set<String> streams = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> record : gaps) {
            StreamGap gap = decoder.decode(record.value());
            assertEquals("usds-m", gap.getMarket());
            assertEquals("dropped", gap.getReason());
            assertEquals(gap.getUncoveredTo().toEpochMilli() - gap.getUncoveredFrom().toEpochMilli(),
                    gap.getDurationMs());
            assertEquals(5, gap.getStreams().size(), "a group: streams.per.connection streams");
            streams.addAll(gap.getStreams());
        }
        assertEquals(new TreeSet<>(SYMBOLS.stream().map(SchemaRegistryIT::streamOf).toList()), streams,
                "every stream's outage reported");
    }

    @Test
    void subjectsAreTopicNameValueAndHoldTheAvscContracts() throws Exception {
        assertEquals(new TreeSet<>(SUBJECTS.stream().map(ExpectedSubject::subject).toList()),
                new TreeSet<>(schemaRegistry.subjects()), "the registered subjects");
        for (ExpectedSubject expected : SUBJECTS) {
            RegisteredSchema registered = schemaRegistry.latest(expected.subject());
            assertEquals(1, registered.version(), expected.subject() + ": one connector version, one schema version");
            Schema avsc = new Schema.Parser().parse(expected.avsc().toFile());
            Set<String> stripped = new TreeSet<>();
            assertEquals(AvroSchemaNormalizer.normalize(avsc, new TreeSet<>()).toString(true),
                    AvroSchemaNormalizer.normalize(registered.schema(), stripped).toString(true),
                    expected.subject() + " differs from " + expected.avsc());
            assertTrue(AvroSchemaNormalizer.DOCUMENTED_CONNECT_PROPS.containsAll(stripped),
                    expected.subject() + ": undocumented connect.* properties " + stripped);
            assertEquals(registered.schema(), schemaRegistry.schemaById(registered.id()),
                    "/schemas/ids/" + registered.id() + " serves the subject's schema");
        }
    }

    /**
     * What the registry says about the connector's next versions. BACKWARD (Confluent's default) checks that the new
     * schema can read the old data: an added optional field passes, an added required one fails, and a removed
     * field passes — BACKWARD does not protect consumers still on the old class. FULL also checks the reverse, so
     * there a removed field fails: the README recommends FULL for the connector's subjects.
     */
    @Test
    void nextVersionsAreJudgedByTheRegistrysCompatibilityRules() {
        String subject = TOPIC + "-value";
        org.apache.kafka.connect.data.Schema current = ForceOrderSchema.valueSchema(DecimalHandlingMode.PRECISE);
        Schema withOptionalField = nextVersion(current, b -> b.field("receivedAt",
                org.apache.kafka.connect.data.Timestamp.builder().optional().build()), null);
        Schema withRequiredField = nextVersion(current, b -> b.field("venue", SchemaBuilder.string().build()), null);
        Schema withoutSide = nextVersion(current, UnaryOperator.identity(), ForceOrderSchema.SIDE);

        schemaRegistry.setCompatibility(subject, "BACKWARD");
        assertEquals("BACKWARD", schemaRegistry.compatibility(subject));
        assertCompatible(true, subject, withOptionalField, "BACKWARD, optional field added");
        assertCompatible(false, subject, withRequiredField, "BACKWARD, required field added");
        assertCompatible(true, subject, withoutSide, "BACKWARD, field removed (new readers ignore it)");

        schemaRegistry.setCompatibility(subject, "FULL");
        assertEquals("FULL", schemaRegistry.compatibility(subject));
        assertCompatible(true, subject, withOptionalField, "FULL, optional field added");
        Compatibility removed = assertCompatible(false, subject, withoutSide, "FULL, field removed");
        assertTrue(removed.messages().toString().contains(ForceOrderSchema.SIDE),
                "the reason names the field: " + removed.messages());
        assertEquals(1, schemaRegistry.latest(subject).version(), "a check registers nothing");
    }

    // ---- helpers ----

    /** The connector's value schema as a later version might build it, converted as the Avro converter does. */
    private static Schema nextVersion(org.apache.kafka.connect.data.Schema current,
            UnaryOperator<SchemaBuilder> addFields, String removedField) {
        SchemaBuilder builder = SchemaBuilder.struct().name(current.name()).version(current.version() + 1)
                .doc(current.doc());
        for (Field field : current.fields()) {
            if (!field.name().equals(removedField)) {
                builder.field(field.name(), field.schema());
            }
        }
        return new AvroData(new AvroDataConfig(Map.of())).fromConnectSchema(addFields.apply(builder).build());
    }

    private static Compatibility assertCompatible(boolean expected, String subject, Schema candidate, String what) {
        Compatibility result = schemaRegistry.checkAgainstLatest(subject, candidate);
        assertEquals(expected, result.compatible(), what + ": " + result.messages());
        return result;
    }

    /** Each field of the generated class against the value sent under the same name, decimals exact. */
    private static void assertEveryFieldAsSent(SentForceOrder original, ForceOrder read) {
        Map<String, Object> sentValues = new HashMap<>();
        for (RecordComponent component : SentForceOrder.class.getRecordComponents()) {
            try {
                sentValues.put(component.getName(), component.getAccessor().invoke(original));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        sentValues.put(ForceOrderSchema.EVENT_TYPE, "forceOrder");
        // Not in the frame but from exchangeInfo, for COIN-M contracts only: none for these USDS-M symbols.
        sentValues.put(ForceOrderSchema.CONTRACT_SIZE, null);
        for (Schema.Field field : ForceOrder.getClassSchema().getFields()) {
            String name = field.name();
            assertTrue(sentValues.containsKey(name), () -> "nothing sent for field " + name);
            Object expected = sentValues.get(name);
            Object actual = read.get(name);
            if (field.schema().getLogicalType() instanceof org.apache.avro.LogicalTypes.Decimal) {
                BigDecimal decimal = assertInstanceOf(BigDecimal.class, actual, name);
                assertEquals(ForceOrderSchema.DECIMAL_SCALE, decimal.scale(), name + " scale");
                assertEquals(new BigDecimal((String) expected).setScale(ForceOrderSchema.DECIMAL_SCALE), decimal,
                        name + ": sent " + expected);
            } else if (actual instanceof Instant instant) {
                assertEquals(Instant.ofEpochMilli((Long) expected), instant, name);
            } else if (expected == null) {
                assertNull(actual, name);
            } else {
                assertEquals(expected, actual, name);
            }
        }
    }

    private static void emitRounds(ForceOrderEvents events) {
        for (int round = 0; round < ROUNDS; round++) {
            for (String symbol : SYMBOLS) {
                // Half as the per-symbol stream sends them, half with pair and market type as the all-market one.
                SentForceOrder event = round % 2 == 0 ? events.next(symbol) : events.nextAllMarket(symbol);
                assertEquals(LEGS, exchange.emit(streamOf(symbol), event.toJson()), "each stream on its group's legs");
                sent.put(symbol + "@" + event.tradeTime(), event);
            }
        }
    }

    private static void awaitOpenConnections(int open) throws InterruptedException {
        TestUtils.waitForCondition(() -> exchange.openConnectionCount() == open, 30_000, open + " connections");
    }

    private static List<ConsumerRecord<byte[], byte[]>> toList(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        records.forEach(list::add);
        return list;
    }

    private static String streamOf(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@forceOrder";
    }
}
