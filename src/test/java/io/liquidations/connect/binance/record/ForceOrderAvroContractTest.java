package io.liquidations.connect.binance.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.liquidations.binance.ForceOrder;
import io.liquidations.connect.binance.decode.ForceOrderEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Item 9: {@code src/main/avro/ForceOrder.avsc} is the schema consumers code against. The connector's value schema,
 * converted to Avro the way Connect's Avro converters do it ({@link AvroData} with the converter's default
 * configuration), must equal the .avsc apart from {@code connect.*} properties and doc strings; and records must
 * round-trip through Avro binary into the class avro-maven-plugin generates from the .avsc, every field equal and
 * every decimal exact.
 */
class ForceOrderAvroContractTest {

    private static final Path AVSC = Path.of("src", "main", "avro", "ForceOrder.avsc");

    private static final Set<String> DOCUMENTED_CONNECT_PROPS = AvroSchemaNormalizer.DOCUMENTED_CONNECT_PROPS;

    private static final List<String> DECIMAL_FIELDS = List.of(
            ForceOrderSchema.QUANTITY, ForceOrderSchema.PRICE, ForceOrderSchema.AVERAGE_PRICE,
            ForceOrderSchema.LAST_FILLED_QUANTITY, ForceOrderSchema.FILLED_ACCUMULATED_QUANTITY);
    private static final List<String> TIMESTAMP_FIELDS = List.of(ForceOrderSchema.EVENT_TIME, ForceOrderSchema.TRADE_TIME);

    private static Schema avsc;

    @BeforeAll
    static void loadContract() throws IOException {
        assertTrue(Files.isRegularFile(AVSC), () -> AVSC.toAbsolutePath() + " not found (is basedir the cwd?)");
        avsc = new Schema.Parser().parse(AVSC.toFile());
    }

    /** As Connect's Avro converter builds it from its (here: empty, so default) converter configuration. */
    private static AvroData converterAvroData() {
        AvroDataConfig config = new AvroDataConfig(Map.of());
        assertTrue(config.isConnectMetaData(), "converter default: connect.meta.data=true");
        return new AvroData(config);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Schema contract
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void generatedClassIsTheContract() {
        // The generated class is built from the same file; if this fails the generated sources are stale. The
        // generator adds only avro.java.string (a Java decoding hint, not part of the wire contract).
        Set<String> stripped = new TreeSet<>();
        assertEquals(normalize(avsc, new TreeSet<>()).toString(true),
                normalize(ForceOrder.getClassSchema(), "avro.java.string"::equals, stripped).toString(true));
        assertTrue(Set.of("avro.java.string").containsAll(stripped), stripped::toString);
        assertEquals(ForceOrderSchema.NAME, avsc.getFullName());
    }

    @Test
    void convertedValueSchemaEqualsAvscExceptConnectPropertiesAndDocs() {
        Schema converted = converterAvroData().fromConnectSchema(ForceOrderSchema.valueSchema(DecimalHandlingMode.PRECISE));

        Set<String> stripped = new TreeSet<>();
        String actual = normalize(converted, stripped).toString(true);
        String expected = normalize(avsc, new TreeSet<>()).toString(true);
        assertEquals(expected, actual, "value schema converted by AvroData differs from " + AVSC);

        assertTrue(DOCUMENTED_CONNECT_PROPS.containsAll(stripped),
                () -> "undocumented connect.* properties stripped: " + stripped);

        // Spelled out, so that a failure names the concern directly.
        assertEquals(avsc.getFullName(), converted.getFullName());
        assertEquals(fieldNames(avsc), fieldNames(converted));
        for (String name : DECIMAL_FIELDS) {
            Schema fieldSchema = converted.getField(name).schema();
            assertEquals(Schema.Type.BYTES, fieldSchema.getType(), name);
            LogicalType logicalType = fieldSchema.getLogicalType();
            LogicalTypes.Decimal decimal = assertInstanceOf(LogicalTypes.Decimal.class, logicalType,
                    name + " must be an Avro decimal");
            // Without connect.decimal.precision, AvroData writes precision 64, which ksqlDB rejects.
            assertEquals(ForceOrderSchema.DECIMAL_PRECISION, decimal.getPrecision(),
                    name + ": precision must come from " + ForceOrderSchema.PRECISION_PARAMETER + ", not the default 64");
            assertEquals(38, decimal.getPrecision(), name);
            assertEquals(8, decimal.getScale(), name);
        }
        for (String name : TIMESTAMP_FIELDS) {
            Schema fieldSchema = converted.getField(name).schema();
            assertEquals(Schema.Type.LONG, fieldSchema.getType(), name);
            assertEquals(LogicalTypes.timestampMillis(), fieldSchema.getLogicalType(), name);
        }
        Schema contractSize = converted.getField(ForceOrderSchema.CONTRACT_SIZE).schema().getTypes().get(1);
        assertEquals(LogicalTypes.decimal(38, 8), contractSize.getLogicalType(), "contractSize: decimal(38, 8)");
        for (String name : List.of(ForceOrderSchema.PAIR, ForceOrderSchema.MARKET_TYPE,
                ForceOrderSchema.CONTRACT_SIZE)) {
            Schema.Field field = converted.getField(name);
            assertEquals(Schema.Type.UNION, field.schema().getType(), name);
            assertEquals(Schema.Type.NULL, field.schema().getTypes().get(0).getType(), name + ": null must come first");
            assertEquals(2, field.schema().getTypes().size(), name);
            assertTrue(field.hasDefaultValue(), name);
            assertEquals(JsonProperties.NULL_VALUE, field.defaultVal(), name + ": default must be null");
        }

        // And consumers reading with the .avsc resolve the connector's writer schema both ways.
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(avsc, converted).getType());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(converted, avsc).getType());
    }

    /** Proves the comparison can fail: a string-typed schema is not the contract. */
    @Test
    void stringAndDoubleDecimalModesDoNotMatchTheContract() {
        AvroData avroData = converterAvroData();
        String expected = normalize(avsc, new TreeSet<>()).toString(true);
        for (DecimalHandlingMode mode : List.of(DecimalHandlingMode.STRING, DecimalHandlingMode.DOUBLE)) {
            Schema converted = avroData.fromConnectSchema(ForceOrderSchema.valueSchema(mode));
            assertNotEquals(expected, normalize(converted, new TreeSet<>()).toString(true), mode.name());
        }
    }

    /** Proves the comparison catches the ksqlDB concern: a Decimal without the precision parameter. */
    @Test
    void decimalWithoutPrecisionParameterDoesNotMatchTheContract() {
        org.apache.kafka.connect.data.Schema precise = ForceOrderSchema.valueSchema(DecimalHandlingMode.PRECISE);
        SchemaBuilder builder = SchemaBuilder.struct().name(precise.name()).version(precise.version()).doc(precise.doc());
        for (Field field : precise.fields()) {
            boolean decimal = Decimal.LOGICAL_NAME.equals(field.schema().name());
            builder.field(field.name(), decimal ? Decimal.schema(ForceOrderSchema.DECIMAL_SCALE) : field.schema());
        }
        Schema converted = converterAvroData().fromConnectSchema(builder.build());

        LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) converted.getField(ForceOrderSchema.PRICE).schema()
                .getLogicalType();
        assertEquals(64, decimal.getPrecision(), "AvroData's default precision");
        assertNotEquals(normalize(avsc, new TreeSet<>()).toString(true),
                normalize(converted, new TreeSet<>()).toString(true));
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Round trip through Avro binary into the generated class
    // ---------------------------------------------------------------------------------------------------------

    static Stream<ForceOrderEvent> events() {
        return Stream.of(
                // USDS-M symbol stream: no pair, no st.
                new ForceOrderEvent("forceOrder", 1_717_171_717_123L, "ILVUSDT", null, "SELL", "LIMIT", "IOC",
                        "116.5", "3.80300", "3.81650", "FILLED", "116.5", "116.5",
                        1_717_171_717_120L, null),
                // COIN-M: pair present, st absent; a large price with 8 decimals.
                new ForceOrderEvent("forceOrder", 1_700_000_000_001L, "BTCUSD_PERP", "BTCUSD", "BUY", "LIMIT",
                        "IOC", "0.014", "123456789.12345678", "123456789.12345678", "FILLED",
                        "0.014", "0.014", 1_699_999_999_999L, null),
                // All-market stream: pair and st present; 8-decimal values and zero.
                new ForceOrderEvent("forceOrder", 1_735_689_600_000L, "1000PEPEUSDT", "1000PEPEUSDT", "SELL",
                        "LIMIT", "IOC", "1234567", "0.00001234", "0.00001235", "PARTIALLY_FILLED",
                        "0.00000001", "0", 1_735_689_599_999L, 1),
                // All-market COIN-M: st = 2, pair absent; the widest value precision 38 scale 8 holds.
                new ForceOrderEvent("forceOrder", 0L, "ETHUSD_250926", null, "BUY", "MARKET", "GTC",
                        "999999999999999999999999999999.99999999", "2500.10000000", "2500.1",
                        "NEW", "12.34567890", "987654321.87654321", 1L, 2));
    }

    @ParameterizedTest
    @MethodSource("events")
    void recordsRoundTripThroughAvroBinaryIntoTheGeneratedClass(ForceOrderEvent event) throws IOException {
        AvroData avroData = converterAvroData();
        SourceRecord record = new ForceOrderRecords("topic", "usds-m", DecimalHandlingMode.PRECISE)
                .toRecord(event, "ilvusdt@forceOrder", 123L);
        Struct struct = assertInstanceOf(Struct.class, record.value());

        Schema writerSchema = avroData.fromConnectSchema(record.valueSchema());
        GenericRecord written = assertInstanceOf(GenericRecord.class,
                avroData.fromConnectData(record.valueSchema(), struct));
        assertEquals(writerSchema, written.getSchema());

        byte[] bytes = encode(new GenericDatumWriter<>(writerSchema, GenericData.get()), written);

        // What a consumer with the generated class does: resolve the writer schema against the .avsc.
        ForceOrder read = new SpecificDatumReader<ForceOrder>(writerSchema, ForceOrder.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        assertFieldsEqual(event, read);

        // Spelled out for the fields whose types matter most.
        assertEquals(event.symbol(), read.getSymbol());
        assertEquals(Instant.ofEpochMilli(event.eventTime()), read.getEventTime());
        assertEquals(Instant.ofEpochMilli(event.tradeTime()), read.getTradeTime());
        assertEquals(event.pair(), read.getPair());
        assertEquals(event.marketType(), read.getMarketType());
        if (event.pair() == null) {
            assertNull(read.getPair());
        }
        if (event.marketType() == null) {
            assertNull(read.getMarketType());
        }
        assertExact(new BigDecimal(event.price()), read.getPrice(), "price");
        assertExact(new BigDecimal(event.quantity()), read.getQuantity(), "quantity");

        // The generated class, writing with its own .avsc, produces the very same bytes.
        assertArrayEquals(bytes, encode(new SpecificDatumWriter<>(ForceOrder.getClassSchema()), read),
                "generated class re-encodes to different bytes");

        // And back into Connect, as a sink's converter would.
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writerSchema)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        SchemaAndValue back = avroData.toConnectData(writerSchema, decoded);
        assertEquals(record.valueSchema(), back.schema());
        assertEquals(struct, back.value());
    }

    /** Every field of the .avsc against the event component of the same name. */
    private static void assertFieldsEqual(ForceOrderEvent event, ForceOrder read) {
        Map<String, Object> eventValues = new LinkedHashMap<>();
        for (RecordComponent component : ForceOrderEvent.class.getRecordComponents()) {
            try {
                eventValues.put(component.getName(), component.getAccessor().invoke(event));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        for (Schema.Field field : ForceOrder.getClassSchema().getFields()) {
            String name = field.name();
            if (name.equals(ForceOrderSchema.CONTRACT_SIZE)) {
                // Not from the event but from exchangeInfo; these records were built without it.
                assertNull(read.get(name), name);
                continue;
            }
            assertTrue(eventValues.containsKey(name), () -> "ForceOrderEvent has no component " + name);
            Object expected = eventValues.get(name);
            Object actual = read.get(name);
            if (actual instanceof BigDecimal decimal) {
                // The event keeps the exchange's text; the record its exact value at scale 8.
                assertExact(new BigDecimal((String) expected), decimal, name);
            } else if (TIMESTAMP_FIELDS.contains(name)) {
                assertEquals(Instant.ofEpochMilli((Long) expected), assertInstanceOf(Instant.class, actual, name),
                        name);
            } else if (expected == null) {
                assertNull(actual, name);
            } else {
                assertNotNull(actual, name);
                assertEquals(expected, actual, name);
                assertEquals(expected.getClass(), actual.getClass(), name);
            }
        }
    }

    private static void assertExact(BigDecimal expected, BigDecimal actual, String name) {
        assertNotNull(actual, name);
        assertEquals(0, expected.compareTo(actual),
                () -> name + ": expected " + expected.toPlainString() + " but was " + actual.toPlainString());
        assertEquals(ForceOrderSchema.DECIMAL_SCALE, actual.scale(), name + ": scale");
        assertEquals(expected.setScale(ForceOrderSchema.DECIMAL_SCALE), actual, name);
    }

    private static <T> byte[] encode(org.apache.avro.io.DatumWriter<T> writer, T datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }


    private static List<String> fieldNames(Schema record) {
        return record.getFields().stream().map(Schema.Field::name).collect(Collectors.toList());
    }

    // Normalizer: see AvroSchemaNormalizer; kept under these names for the tests of this package.

    static Schema normalize(Schema schema, Set<String> stripped) {
        return AvroSchemaNormalizer.normalize(schema, stripped);
    }

    static Schema normalize(Schema schema, Predicate<String> strip, Set<String> stripped) {
        return AvroSchemaNormalizer.normalize(schema, strip, stripped);
    }

    @Test
    void normalizerStripsOnlyConnectPropertiesAndDocs() {
        Schema withExtras = new Schema.Parser().parse("""
                {"type": "record", "name": "R", "namespace": "n", "doc": "d", "connect.name": "n.R",
                 "fields": [
                   {"name": "a", "type": {"type": "long", "connect.version": 1, "x-keep": "yes"}, "doc": "fd"},
                   {"name": "b", "type": ["null", "string"], "default": null}
                 ]}""");
        Set<String> stripped = new TreeSet<>();
        String normalized = normalize(withExtras, stripped).toString();
        assertEquals(Set.of("connect.name", "connect.version"), stripped);
        assertTrue(normalized.contains("\"x-keep\":\"yes\""), normalized);
        assertTrue(!normalized.contains("\"doc\"") && !normalized.contains("connect."), normalized);
        if (!normalized.contains("\"default\":null")) {
            fail("default lost: " + normalized);
        }
    }
}
