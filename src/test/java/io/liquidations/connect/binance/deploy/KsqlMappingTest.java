package io.liquidations.connect.binance.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.liquidations.connect.binance.deploy.KsqlScript.Kind;
import io.liquidations.connect.binance.deploy.KsqlScript.Token;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the ksqlDB side of the contract, without a ksqlDB server: how ksqlDB will type every field of
 * {@code ForceOrder.avsc}, that the field names can be written unquoted, and that {@code config/ksql/liquidations.sql}
 * only references columns that exist (in the Avro contract or defined earlier in the script) and keeps its decimal
 * arithmetic within 38 digits. {@code DockerStackIT} runs the same script on a real ksqlDB where Docker is available.
 */
class KsqlMappingTest {

    private static final Path AVSC = Path.of("src", "main", "avro", "ForceOrder.avsc");
    private static final Path SCRIPT = Path.of("config", "ksql", "liquidations.sql");
    private static final Path COVERAGE_SCRIPT = Path.of("config", "ksql", "coverage.sql");
    private static final Path COVERAGE_AVSC = Path.of("src", "main", "avro", "StreamCoverage.avsc");
    private static final Path GAP_AVSC = Path.of("src", "main", "avro", "StreamGap.avsc");
    private static final Path CONNECTOR_CONFIG = Path.of("config", "binance-liquidations.json");

    /** Largest precision that Avro consumers, Connect JDBC sinks, Spark and most databases accept for a decimal. */
    private static final int MAX_DECIMAL_PRECISION = 38;

    /**
     * Every ksqlDB keyword, reserved or not (from ksqlDB's grammar). Non-reserved ones are legal column names in
     * most positions, but a column named KEY, SIZE or TIMESTAMP invites mistakes, so no name may be any of them.
     */
    static final Set<String> KEYWORDS = Set.of(
            "ADD", "ADVANCE", "ALL", "ALTER", "ANALYZE", "AND", "ARRAY", "AS", "ASSERT", "AT", "BEGINNING", "BETWEEN",
            "BY", "CASE", "CAST", "CATALOG", "CHANGES", "COLUMN", "COLUMNS", "CONNECTOR", "CONNECTORS", "CREATE",
            "DATE", "DAY", "DAYS", "DECIMAL", "DEFINE", "DELETE", "DESCRIBE", "DISTINCT", "DROP", "ELSE", "EMIT", "END",
            "ESCAPE", "EXISTS", "EXPLAIN", "EXPORT", "EXTENDED", "FALSE", "FINAL", "FROM", "FULL", "FUNCTION",
            "FUNCTIONS", "GRACE", "GROUP", "HAVING", "HEADER", "HEADERS", "HOPPING", "HOUR", "HOURS", "ID", "IF", "IN",
            "INNER", "INSERT", "INTEGER", "INTERVAL", "INTO", "IS", "JOIN", "KEY", "LEFT", "LIKE", "LIMIT", "LIST",
            "LOAD", "MAP", "MATERIALIZED", "MILLISECOND", "MILLISECONDS", "MINUTE", "MINUTES", "MONTH", "MONTHS",
            "NAMESPACE", "NOT", "NULL", "ON", "OR", "OUTER", "PARTITION", "PARTITIONS", "PERIOD", "PLUGINS", "PRIMARY",
            "PRINT", "PROPERTIES", "QUERIES", "QUERY", "RENAME", "REPLACE", "RESET", "RETENTION", "RIGHT", "RUN",
            "SAMPLE", "SCHEMA", "SCRIPT", "SECOND", "SECONDS", "SELECT", "SESSION", "SET", "SHOW", "SINK", "SIZE",
            "SOURCE", "STREAM", "STREAMS", "STRING", "STRUCT", "SUBJECT", "SYSTEM", "TABLE", "TABLES", "THEN", "TIME",
            "TIMEOUT", "TIMESTAMP", "TO", "TOPIC", "TOPICS", "TRUE", "TUMBLING", "TYPE", "TYPES", "UNDEFINE", "UNSET",
            "VALUES", "VARIABLES", "VIEW", "WHEN", "WHERE", "WINDOW", "WITH", "WITHIN", "YEAR", "YEARS", "ZONE");

    private static final Set<String> TYPE_NAMES = Set.of(
            "STRING", "VARCHAR", "INT", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "DECIMAL", "TIMESTAMP", "DATE", "TIME",
            "BYTES", "ARRAY", "MAP", "STRUCT");

    /** Columns every ksqlDB source has without declaring them. */
    private static final Set<String> PSEUDO_COLUMNS = Set.of("ROWTIME", "ROWPARTITION", "ROWOFFSET");
    /** Columns a windowed aggregation adds. */
    private static final Set<String> WINDOW_BOUNDS = Set.of("WINDOWSTART", "WINDOWEND");

    private static final Pattern UNQUOTED_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The ksqlDB column type of one Avro field. */
    record KsqlType(String sql, boolean nullable) {
        static KsqlType of(String sql) {
            return new KsqlType(sql, false);
        }

        static KsqlType nullable(String sql) {
            return new KsqlType(sql, true);
        }
    }

    // ---------------------------------------------------------------- the Avro contract as ksqlDB sees it

    @Test
    void everyForceOrderFieldMapsToTheKsqlTypeUsersQuery() throws IOException {
        Map<String, KsqlType> expected = new LinkedHashMap<>();
        expected.put("eventType", KsqlType.of("STRING"));
        expected.put("eventTime", KsqlType.of("TIMESTAMP"));
        expected.put("symbol", KsqlType.of("STRING"));
        expected.put("pair", KsqlType.nullable("STRING"));
        expected.put("side", KsqlType.of("STRING"));
        expected.put("orderType", KsqlType.of("STRING"));
        expected.put("timeInForce", KsqlType.of("STRING"));
        expected.put("quantity", KsqlType.of("DECIMAL(38, 8)"));
        expected.put("price", KsqlType.of("DECIMAL(38, 8)"));
        expected.put("averagePrice", KsqlType.of("DECIMAL(38, 8)"));
        expected.put("status", KsqlType.of("STRING"));
        expected.put("lastFilledQuantity", KsqlType.of("DECIMAL(38, 8)"));
        expected.put("filledAccumulatedQuantity", KsqlType.of("DECIMAL(38, 8)"));
        expected.put("tradeTime", KsqlType.of("TIMESTAMP"));
        expected.put("marketType", KsqlType.nullable("INTEGER"));
        expected.put("contractSize", KsqlType.nullable("DECIMAL(38, 8)"));

        Map<String, KsqlType> actual = new LinkedHashMap<>();
        for (Schema.Field field : forceOrder().getFields()) {
            actual.put(field.name(), ksqlType(field.schema()));
        }
        assertEquals(expected, actual, "ksqlDB column types of ForceOrder.avsc");
    }

    @Test
    void decimalsFitKsqlAndEveryDownstreamDecimal() throws IOException {
        for (Schema.Field field : forceOrder().getFields()) {
            Schema schema = nonNull(field.schema());
            if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
                assertTrue(decimal.getPrecision() <= MAX_DECIMAL_PRECISION,
                        field.name() + ": precision " + decimal.getPrecision() + " > " + MAX_DECIMAL_PRECISION);
                assertTrue(decimal.getScale() >= 0 && decimal.getScale() <= decimal.getPrecision(),
                        field.name() + ": scale " + decimal.getScale() + " outside 0.." + decimal.getPrecision());
            }
        }
    }

    @Test
    void fieldNamesNeedNoQuotingInKsql() throws IOException {
        List<String> bad = forceOrder().getFields().stream()
                .map(Schema.Field::name)
                .filter(name -> !needsNoQuoting(name))
                .toList();
        assertEquals(List.of(), bad, "field names that ksqlDB would need quoted (or that are keywords)");
    }

    @Test
    void coverageFieldNamesNeedNoQuotingInKsql() throws IOException {
        // StreamGap.avsc keeps "streams" (a keyword) for compatibility; coverage.sql does not reference it.
        List<String> bad = new Schema.Parser().parse(COVERAGE_AVSC.toFile()).getFields().stream()
                .map(Schema.Field::name)
                .filter(name -> !needsNoQuoting(name))
                .toList();
        assertEquals(List.of(), bad, "StreamCoverage field names that ksqlDB would need quoted (or that are keywords)");
    }

    /** coverage.sql reads the coverage and gaps topics of the shipped config, and only their contracts' columns. */
    @Test
    void everyColumnTheCoverageScriptReferencesExistsInItsTopicsContract() throws IOException {
        String topic = new ObjectMapper().readTree(CONNECTOR_CONFIG.toFile()).path("config").path("topic").asText();
        Map<String, Set<String>> contracts = Map.of(
                topic, avroColumns(),
                topic + ".coverage", columnsOf(COVERAGE_AVSC),
                topic + ".gaps", columnsOf(GAP_AVSC));
        ScriptCheck check = new ScriptCheck(contracts);
        assertEquals(List.of(), check.check(Files.readString(COVERAGE_SCRIPT)), "problems in " + COVERAGE_SCRIPT);
        Set<String> read = check.created.stream().filter(c -> !c.derived()).map(c -> c.property("KAFKA_TOPIC"))
                .collect(Collectors.toSet());
        assertEquals(Set.of(topic + ".coverage", topic + ".gaps"), read);
        check.created.stream().filter(c -> !c.derived()).forEach(raw -> {
            assertEquals("KAFKA", raw.property("KEY_FORMAT").toUpperCase(Locale.ROOT), raw.name());
            assertEquals(1, raw.elements().size(), raw.name() + " declares only its key");
            assertTrue(raw.elements().get(0).key(), raw.name());
        });
        assertFalse(String.join("\n", KsqlScript.statements(Files.readString(COVERAGE_SCRIPT)))
                .toUpperCase(Locale.ROOT).contains("VALUE_SCHEMA_ID"), "VALUE_SCHEMA_ID in " + COVERAGE_SCRIPT);
    }

    @Test
    void theColumnCheckRefusesARawStreamOverATopicTheConnectorDoesNotWrite() {
        ScriptCheck check = new ScriptCheck(Map.of("t", Set.of("SYMBOL")));
        List<String> problems = check.check("""
                CREATE STREAM s (k STRING KEY) WITH (KAFKA_TOPIC='elsewhere', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO');
                """);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("elsewhere"), problems.get(0));
    }

    private static Set<String> columnsOf(Path avsc) throws IOException {
        return new Schema.Parser().parse(avsc.toFile()).getFields().stream()
                .map(f -> f.name().toUpperCase(Locale.ROOT))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Test
    void theMappingAndNameRulesRejectWhatKsqlCannotTakeAsIs() {
        assertFalse(needsNoQuoting("window"));
        assertFalse(needsNoQuoting("Timestamp"));
        assertFalse(needsNoQuoting("size"));
        assertFalse(needsNoQuoting("trade time"));
        assertFalse(needsNoQuoting("1stFill"));
        assertTrue(needsNoQuoting("tradeTime"));

        Schema stringOrInt = SchemaBuilder.unionOf().stringType().and().intType().endUnion();
        assertThrows(AssertionError.class, () -> ksqlType(stringOrInt));
        Schema array = SchemaBuilder.array().items().stringType();
        assertThrows(AssertionError.class, () -> ksqlType(array));
        assertEquals(KsqlType.nullable("BIGINT"), ksqlType(SchemaBuilder.unionOf().nullType().and().longType().endUnion()));
    }

    // ---------------------------------------------------------------- config/ksql/liquidations.sql

    @Test
    void everyColumnTheScriptReferencesExists() throws IOException {
        ScriptCheck check = new ScriptCheck(avroColumns());
        List<String> problems = check.check(Files.readString(SCRIPT));
        assertEquals(List.of(), problems, "problems in " + SCRIPT);
        assertFalse(check.created.isEmpty(), "the script creates no stream or table");
    }

    @Test
    void theRawStreamReadsTheConnectorTopicWithAStringKeyAndTradeTimeAsRowtime() throws IOException {
        ScriptCheck check = new ScriptCheck(avroColumns());
        check.check(Files.readString(SCRIPT));
        Created raw = check.created.get(0);
        assertEquals("STREAM", raw.kind());
        assertFalse(raw.derived(), "the first statement must declare the stream over the connector's topic");

        String topic = new ObjectMapper().readTree(CONNECTOR_CONFIG.toFile()).path("config").path("topic").asText();
        assertEquals(topic, raw.property("KAFKA_TOPIC"));
        assertEquals("KAFKA", raw.property("KEY_FORMAT").toUpperCase(Locale.ROOT));
        assertEquals("AVRO", raw.property("VALUE_FORMAT").toUpperCase(Locale.ROOT));

        // Only the key is declared (value columns are inferred); the StringConverter key is a KAFKA-format STRING.
        assertEquals(1, raw.elements().size(), "declared columns: " + raw.elements());
        Element key = raw.elements().get(0);
        assertTrue(key.key(), "the one declared column must be the KEY");
        assertEquals("STRING", key.type());
        assertFalse(avroColumns().contains(key.name().toUpperCase(Locale.ROOT)),
                "the key column must not shadow a value field: " + key.name());

        String timestampColumn = raw.property("TIMESTAMP");
        Schema.Field field = forceOrder().getFields().stream()
                .filter(f -> f.name().equalsIgnoreCase(timestampColumn))
                .findFirst()
                .orElseThrow(() -> new AssertionError("TIMESTAMP names no ForceOrder field: " + timestampColumn));
        assertEquals(LogicalTypes.timestampMillis(), nonNull(field.schema()).getLogicalType());
        assertEquals("tradeTime", field.name(), "ROWTIME should be the trade time, as the Kafka timestamp is");
    }

    @Test
    void theScriptKeepsCamelCaseFieldsReachableUnquoted() throws IOException {
        // With VALUE_SCHEMA_ID ksqlDB keeps the Avro names' case, and unquoted (upper-cased) references miss.
        String script = String.join("\n", KsqlScript.statements(Files.readString(SCRIPT)));
        assertFalse(script.toUpperCase(Locale.ROOT).contains("VALUE_SCHEMA_ID"), "VALUE_SCHEMA_ID in " + SCRIPT);
    }

    @Test
    void decimalProductsAreCastSoTheirTypeStaysWithin38Digits() throws IOException {
        Map<String, int[]> decimals = avroDecimals();
        List<String> statements = KsqlScript.statements(Files.readString(SCRIPT));
        Pattern product = Pattern.compile(
                "CAST \\( (\\w+) AS DECIMAL \\( (\\d+) , (\\d+) \\) \\) \\* CAST \\( (\\w+) AS DECIMAL \\( (\\d+) , (\\d+) \\) \\)");
        Pattern zero = Pattern.compile("CAST \\( 0 AS DECIMAL \\( (\\d+) , (\\d+) \\) \\)");
        Set<List<Integer>> productTypes = new LinkedHashSet<>();
        List<List<Integer>> zeros = new ArrayList<>();
        for (String statement : statements) {
            List<Token> tokens = KsqlScript.tokens(statement);
            String normalized = tokens.stream().map(t -> t.kind() == Kind.STRING ? "'" + t.text() + "'" : t.upper())
                    .collect(Collectors.joining(" "));
            Matcher m = product.matcher(normalized);
            int matched = 0;
            while (m.find()) {
                matched++;
                int[] result = castProduct(decimals, m);
                assertTrue(result[0] <= MAX_DECIMAL_PRECISION, "product typed DECIMAL(" + result[0] + ", " + result[1]
                        + ") in: " + statement);
                // A difference or sum of two such products (the long-minus-short imbalance) must fit too.
                int[] sum = add(result, result);
                assertTrue(sum[0] <= MAX_DECIMAL_PRECISION, "sum of products typed DECIMAL(" + sum[0] + ", " + sum[1] + ")");
                productTypes.add(List.of(result[0], result[1]));
            }
            assertEquals(multiplications(tokens), matched,
                    "every multiplication must multiply two CASTs to DECIMAL(p, s), in: " + statement);
            // ksqlDB wants one type across a CASE's branches; a bare literal (INTEGER, DECIMAL(n, 0)) is not the notional's.
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if ((tokens.get(i).is("THEN") || tokens.get(i).is("ELSE")) && tokens.get(i + 1).kind() == Kind.NUMBER) {
                    fail("a CASE branch is the bare literal " + tokens.get(i + 1) + "; CAST it to the other branches' type: "
                            + statement);
                }
            }
            Matcher z = zero.matcher(normalized);
            while (z.find()) {
                zeros.add(List.of(Integer.parseInt(z.group(1)), Integer.parseInt(z.group(2))));
            }
        }
        assertEquals(1, productTypes.size(), "one notional type throughout the script: " + productTypes);
        for (List<Integer> zeroType : zeros) {
            assertEquals(productTypes.iterator().next(), zeroType,
                    "a CAST(0 AS DECIMAL(p, s)) beside the notional in a CASE must have exactly its type");
        }
        // Why the casts: the raw columns would give DECIMAL(77, 16).
        assertEquals(77, multiply(new int[] {38, 8}, new int[] {38, 8})[0]);
    }

    @Test
    void theColumnCheckFindsWhatIsWrong() {
        ScriptCheck check = new ScriptCheck(Set.of("SYMBOL", "SIDE", "PRICE"));
        List<String> problems = check.check("""
                CREATE STREAM s (k STRING KEY) WITH (KAFKA_TOPIC='t', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO',
                  TIMESTAMP='nope');
                CREATE STREAM d AS SELECT k, symbol, price * 2 AS doubled FROM s EMIT CHANGES;
                SELECT doubled FROM s EMIT CHANGES;
                SELECT symbol, price + 1 FROM d EMIT CHANGES;
                SELECT `symbol` FROM d EMIT CHANGES;
                SELECT missing FROM d WHERE side = 'SELL' EMIT CHANGES;
                SELECT symbol FROM nowhere EMIT CHANGES;
                CREATE TABLE window WITH (KAFKA_TOPIC='w') AS SELECT k, COUNT(*) AS size FROM d GROUP BY k EMIT CHANGES;
                """);
        String all = String.join("\n", problems);
        for (String expected : List.of("TIMESTAMP 'nope'", "DOUBLED", "needs an alias", "quoted identifier `symbol`",
                "MISSING", "SIDE", "unknown source NOWHERE", "name window", "name size")) {
            assertTrue(all.contains(expected), "expected a problem mentioning " + expected + " in:\n" + all);
        }
    }

    // ---------------------------------------------------------------- helpers

    static boolean needsNoQuoting(String name) {
        return UNQUOTED_IDENTIFIER.matcher(name).matches() && !KEYWORDS.contains(name.toUpperCase(Locale.ROOT));
    }

    /** How ksqlDB types an Avro schema read from the Schema Registry; fails for anything the contract should not use. */
    static KsqlType ksqlType(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            List<Schema> branches = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
            boolean hasNull = branches.size() < schema.getTypes().size();
            if (branches.size() != 1 || !hasNull) {
                throw new AssertionError("ksqlDB reads only [null, T] unions as a column, not " + schema);
            }
            return KsqlType.nullable(ksqlType(branches.get(0)).sql());
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case STRING:
            case ENUM:
                return KsqlType.of("STRING");
            case BOOLEAN:
                return KsqlType.of("BOOLEAN");
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return KsqlType.of("DATE");
                }
                if (logical instanceof LogicalTypes.TimeMillis) {
                    return KsqlType.of("TIME");
                }
                return KsqlType.of("INTEGER");
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis) {
                    return KsqlType.of("TIMESTAMP");
                }
                if (logical != null) {
                    throw new AssertionError("no exact ksqlDB type for long " + logical.getName());
                }
                return KsqlType.of("BIGINT");
            case FLOAT:
            case DOUBLE:
                return KsqlType.of("DOUBLE");
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return KsqlType.of("DECIMAL(" + decimal.getPrecision() + ", " + decimal.getScale() + ")");
                }
                return KsqlType.of("BYTES");
            default:
                throw new AssertionError("the flat contract should not carry a " + schema.getType() + ": " + schema);
        }
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }

    private static Schema forceOrder() throws IOException {
        return new Schema.Parser().parse(AVSC.toFile());
    }

    private static Set<String> avroColumns() throws IOException {
        return forceOrder().getFields().stream().map(f -> f.name().toUpperCase(Locale.ROOT))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Upper-cased name to {precision, scale} of each decimal field. */
    private static Map<String, int[]> avroDecimals() throws IOException {
        Map<String, int[]> decimals = new LinkedHashMap<>();
        for (Schema.Field field : forceOrder().getFields()) {
            if (nonNull(field.schema()).getLogicalType() instanceof LogicalTypes.Decimal d) {
                decimals.put(field.name().toUpperCase(Locale.ROOT), new int[] {d.getPrecision(), d.getScale()});
            }
        }
        return decimals;
    }

    private static int[] castProduct(Map<String, int[]> decimals, Matcher m) {
        int[] left = castOperand(decimals, m.group(1), m.group(2), m.group(3));
        int[] right = castOperand(decimals, m.group(4), m.group(5), m.group(6));
        return multiply(left, right);
    }

    /** The cast target of a decimal field, checked to lose none of the field's scale. */
    private static int[] castOperand(Map<String, int[]> decimals, String column, String precision, String scale) {
        int[] source = decimals.get(column);
        if (source == null) {
            fail(column + " is not a decimal field of ForceOrder.avsc");
        }
        int p = Integer.parseInt(precision);
        int s = Integer.parseInt(scale);
        assertTrue(s >= source[1], "CAST of " + column + " to scale " + s + " would round its scale " + source[1]);
        assertTrue(s <= p, "DECIMAL(" + p + ", " + s + ")");
        return new int[] {p, s};
    }

    /** ksqlDB's result type of DECIMAL(p1, s1) * DECIMAL(p2, s2). */
    static int[] multiply(int[] left, int[] right) {
        return new int[] {left[0] + right[0] + 1, left[1] + right[1]};
    }

    /** ksqlDB's result type of DECIMAL(p1, s1) + or - DECIMAL(p2, s2). */
    static int[] add(int[] left, int[] right) {
        int scale = Math.max(left[1], right[1]);
        return new int[] {scale + Math.max(left[0] - left[1], right[0] - right[1]) + 1, scale};
    }

    /** Binary {@code *} tokens: not the one of {@code COUNT(*)} nor of {@code SELECT *} / {@code , *}. */
    private static int multiplications(List<Token> tokens) {
        int count = 0;
        for (int i = 1; i < tokens.size(); i++) {
            Token previous = tokens.get(i - 1);
            if (tokens.get(i).is("*") && !previous.is("(") && !previous.is(",") && !previous.is("SELECT")) {
                count++;
            }
        }
        return count;
    }

    // ---------------------------------------------------------------- the column check

    record Element(String name, String type, boolean key) {
    }

    record Created(String kind, String name, List<Element> elements, Map<String, String> properties, boolean derived) {
        String property(String key) {
            String value = properties.get(key);
            if (value == null) {
                throw new AssertionError(name + " has no " + key + " property: " + properties);
            }
            return value;
        }
    }

    /**
     * Walks a script statement by statement and tracks the columns of every stream and table it creates: the raw
     * stream has its declared columns plus the Avro fields (its value schema is inferred), a derived one has its
     * projection. Every identifier in a query's projection, WHERE, GROUP BY, PARTITION BY or HAVING must then be a
     * column of its FROM source, a pseudo column, a keyword, a type or a function name.
     */
    static final class ScriptCheck {
        /** Topic → the columns of its value contract; a raw stream over any other topic is a problem. */
        private final java.util.function.Function<String, Set<String>> contractOfTopic;
        private final Map<String, Set<String>> sources = new LinkedHashMap<>();
        final List<Created> created = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        /** Every raw stream reads ForceOrder, whatever its topic. */
        ScriptCheck(Set<String> avroColumns) {
            this.contractOfTopic = topic -> avroColumns;
        }

        ScriptCheck(Map<String, Set<String>> contractsByTopic) {
            this.contractOfTopic = contractsByTopic::get;
        }

        List<String> check(String script) {
            int number = 0;
            for (String statement : KsqlScript.statements(script)) {
                number++;
                String flat = statement.replaceAll("\\s+", " ");
                String where = "statement " + number + " (" + flat.substring(0, Math.min(60, flat.length())) + "...)";
                List<Token> tokens = KsqlScript.tokens(statement);
                for (Token token : tokens) {
                    if (token.kind() == Kind.QUOTED_IDENTIFIER) {
                        problems.add(where + ": quoted identifier `" + token.text() + "`; names must work unquoted");
                    }
                }
                Token first = tokens.get(0);
                if (first.is("SET") || first.is("UNSET")) {
                    continue;
                }
                if (first.is("CREATE")) {
                    create(tokens, where);
                } else if (first.is("SELECT")) {
                    query(tokens, 0, where);
                } else {
                    problems.add(where + ": not a SET, CREATE or SELECT statement");
                }
            }
            return problems;
        }

        private void create(List<Token> tokens, String where) {
            int i = 1;
            if (tokens.get(i).is("OR")) {
                i += 2;
            }
            if (tokens.get(i).is("SOURCE")) {
                i++;
            }
            String kind = tokens.get(i++).upper();
            if (tokens.get(i).is("IF")) {
                i += 3;
            }
            String name = tokens.get(i++).text();
            checkName(name, where);

            List<Element> elements = new ArrayList<>();
            if (i < tokens.size() && tokens.get(i).is("(")) {
                int close = matching(tokens, i);
                for (List<Token> element : splitTopLevel(tokens.subList(i + 1, close))) {
                    String column = element.get(0).text();
                    checkName(column, where);
                    boolean key = element.stream().anyMatch(t -> t.is("KEY"));
                    String type = element.subList(1, element.size()).stream()
                            .filter(t -> !t.is("KEY") && !t.is("PRIMARY"))
                            .map(Token::upper).collect(Collectors.joining(" "));
                    elements.add(new Element(column, type, key));
                }
                i = close + 1;
            }

            Map<String, String> properties = new LinkedHashMap<>();
            if (i < tokens.size() && tokens.get(i).is("WITH")) {
                int close = matching(tokens, i + 1);
                for (List<Token> property : splitTopLevel(tokens.subList(i + 2, close))) {
                    properties.put(property.get(0).upper(), property.get(property.size() - 1).text());
                }
                i = close + 1;
            }

            Set<String> columns = new LinkedHashSet<>();
            boolean derived = i < tokens.size() && tokens.get(i).is("AS");
            if (derived) {
                columns.addAll(query(tokens, i + 1, where));
            } else {
                elements.forEach(e -> columns.add(e.name().toUpperCase(Locale.ROOT)));
                String valueFormat = properties.getOrDefault("VALUE_FORMAT", properties.getOrDefault("FORMAT", ""));
                if (Set.of("AVRO", "PROTOBUF", "JSON_SR").contains(valueFormat.toUpperCase(Locale.ROOT))) {
                    String topic = properties.get("KAFKA_TOPIC");
                    Set<String> contract = contractOfTopic.apply(topic);
                    if (contract == null) {
                        problems.add(where + ": " + name + " reads " + topic + ", which is not a topic the connector"
                                + " writes");
                    } else {
                        columns.addAll(contract);
                    }
                }
            }
            String timestamp = properties.get("TIMESTAMP");
            if (timestamp != null && !columns.contains(timestamp.toUpperCase(Locale.ROOT))) {
                problems.add(where + ": TIMESTAMP '" + timestamp + "' is not a column of " + name);
            }
            sources.put(name.toUpperCase(Locale.ROOT), columns);
            created.add(new Created(kind, name, elements, properties, derived));
        }

        /** Checks the query starting at {@code select} and returns its output column names, upper-cased. */
        private Set<String> query(List<Token> tokens, int select, String where) {
            int from = indexAtTopLevel(tokens, select, "FROM");
            if (from < 0) {
                problems.add(where + ": SELECT without FROM");
                return Set.of();
            }
            String sourceName = tokens.get(from + 1).upper();
            Set<String> sourceColumns = sources.get(sourceName);
            if (sourceColumns == null) {
                problems.add(where + ": unknown source " + sourceName + " (not created earlier in the script)");
                sourceColumns = Set.of();
            }
            boolean windowed = indexAtTopLevel(tokens, from, "WINDOW") >= 0;
            Set<String> visible = new HashSet<>(sourceColumns);
            visible.addAll(PSEUDO_COLUMNS);
            if (windowed) {
                visible.addAll(WINDOW_BOUNDS);
            }

            Set<String> outputs = new LinkedHashSet<>();
            for (List<Token> item : splitTopLevel(tokens.subList(select + 1, from))) {
                if (item.size() == 1 && item.get(0).is("*")) {
                    outputs.addAll(sourceColumns);
                    continue;
                }
                String alias = null;
                List<Token> expression = item;
                int n = item.size();
                if (n >= 3 && item.get(n - 2).is("AS") && item.get(n - 1).kind() == Kind.WORD) {
                    alias = item.get(n - 1).text();
                    expression = item.subList(0, n - 2);
                } else if (n == 1 && item.get(0).kind() == Kind.WORD) {
                    alias = item.get(0).text();
                } else {
                    problems.add(where + ": the expression " + item + " needs an alias (AS name)");
                }
                checkIdentifiers(expression, visible, sourceName, where);
                if (alias != null) {
                    checkName(alias, where);
                    outputs.add(alias.toUpperCase(Locale.ROOT));
                }
            }

            // The clauses after FROM <source>: identifiers in all but WINDOW, EMIT and LIMIT are column references.
            List<String> clauses = List.of("WINDOW", "WHERE", "GROUP", "PARTITION", "HAVING", "EMIT", "LIMIT");
            String clause = "";
            List<Token> clauseTokens = new ArrayList<>();
            int depth = 0;
            for (int i = from + 2; i <= tokens.size(); i++) {
                Token token = i < tokens.size() ? tokens.get(i) : null;
                boolean boundary = token == null || (depth == 0 && clauses.contains(token.upper()) && token.kind() == Kind.WORD);
                if (boundary) {
                    if (Set.of("WHERE", "GROUP", "PARTITION", "HAVING").contains(clause)) {
                        checkIdentifiers(clauseTokens, visible, sourceName, where);
                    }
                    if (token != null) {
                        clause = token.upper();
                        clauseTokens = new ArrayList<>();
                    }
                    continue;
                }
                if (token.is("(")) {
                    depth++;
                } else if (token.is(")")) {
                    depth--;
                }
                clauseTokens.add(token);
            }
            return outputs;
        }

        private void checkIdentifiers(List<Token> expression, Set<String> visible, String source, String where) {
            for (int i = 0; i < expression.size(); i++) {
                Token token = expression.get(i);
                if (token.kind() != Kind.WORD) {
                    continue;
                }
                String upper = token.upper();
                boolean call = i + 1 < expression.size() && expression.get(i + 1).is("(");
                if (call || KEYWORDS.contains(upper) || TYPE_NAMES.contains(upper)) {
                    continue;
                }
                if (!visible.contains(upper)) {
                    problems.add(where + ": column " + upper + " is neither a field of the topic's contract nor defined"
                            + " in the script for " + source);
                }
            }
        }

        private void checkName(String name, String where) {
            if (!needsNoQuoting(name)) {
                problems.add(where + ": the name " + name + " would need quoting in ksqlDB (or is a keyword)");
            }
        }

        private static int indexAtTopLevel(List<Token> tokens, int start, String word) {
            int depth = 0;
            for (int i = start; i < tokens.size(); i++) {
                Token token = tokens.get(i);
                if (token.is("(")) {
                    depth++;
                } else if (token.is(")")) {
                    depth--;
                } else if (depth == 0 && token.kind() == Kind.WORD && token.is(word)) {
                    return i;
                }
            }
            return -1;
        }

        private static int matching(List<Token> tokens, int open) {
            int depth = 0;
            for (int i = open; i < tokens.size(); i++) {
                if (tokens.get(i).is("(")) {
                    depth++;
                } else if (tokens.get(i).is(")") && --depth == 0) {
                    return i;
                }
            }
            throw new AssertionError("unbalanced parentheses");
        }

        private static List<List<Token>> splitTopLevel(List<Token> tokens) {
            List<List<Token>> parts = new ArrayList<>();
            List<Token> current = new ArrayList<>();
            int depth = 0;
            for (Token token : tokens) {
                if (token.is("(")) {
                    depth++;
                } else if (token.is(")")) {
                    depth--;
                } else if (depth == 0 && token.is(",")) {
                    parts.add(current);
                    current = new ArrayList<>();
                    continue;
                }
                current.add(token);
            }
            if (!current.isEmpty()) {
                parts.add(current);
            }
            return parts;
        }
    }
}
