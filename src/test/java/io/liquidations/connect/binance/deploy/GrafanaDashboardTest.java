package io.liquidations.connect.binance.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.liquidations.connect.binance.metrics.DocumentedMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provisioned Grafana dashboard queries only metrics the exporter really serves: every metric name in every
 * panel's PromQL (and in the dashboard's variable) must be in docs/METRICS.md, the list PrometheusMetricsIT holds
 * the scraped {@code /metrics} to. A panel on a misspelt or not-yet-existing metric fails here, not on a blank graph.
 */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("docker", "grafana", "dashboards", "binance-liquidations.json");
    static final String DATASOURCE_UID = "prometheus";

    /** PromQL words that are not metric names: aggregations, functions (also caught by the '('), keywords. */
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "avg", "min", "max", "count", "by", "without",
            "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private static JsonNode dashboard;

    @BeforeAll
    static void read() throws IOException {
        dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    @Test
    void everyQueryNamesOnlyMetricsTheExporterServes() {
        Set<String> served = DocumentedMetrics.read().keySet();
        Map<String, String> queries = queries();
        assertTrue(queries.size() >= 10, "queries found: " + queries.keySet());
        queries.forEach((where, expr) -> {
            Set<String> names = metricNames(expr);
            assertFalse(names.isEmpty(), where + " queries no metric: " + expr);
            Set<String> unknown = new TreeSet<>(names);
            unknown.removeAll(served);
            assertEquals(Set.of(), unknown, where + " queries metrics the exporter does not serve (not in "
                    + DocumentedMetrics.FILE + "): " + expr);
        });
    }

    @Test
    void theDashboardShowsTheConnectorsCoreSignals() {
        Set<String> shown = new TreeSet<>();
        queries().values().forEach(expr -> shown.addAll(metricNames(expr)));
        assertTrue(shown.containsAll(List.of(
                "kafka_connect_plugins_records_produced_total",
                "kafka_connect_plugins_connections_open",
                "kafka_connect_plugins_reconnect_total",
                "kafka_connect_plugins_gap_total",
                "kafka_connect_plugins_gap_time_ms_total",
                "kafka_connect_plugins_exchange_latency_avg",
                "kafka_connect_plugins_exchange_latency_max",
                "kafka_connect_plugins_queue_fill_ratio",
                "kafka_connect_plugins_leg_up",
                "kafka_connect_plugins_streams_below_redundancy",
                "kafka_connect_plugins_coverage_watermark_lag_ms")), "shown: " + shown);
    }

    @Test
    void everyPanelUsesTheProvisionedDataSourceAndHasAQuery() {
        for (JsonNode panel : panels()) {
            String title = panel.path("title").asText();
            assertEquals(DATASOURCE_UID, panel.path("datasource").path("uid").asText(), title);
            assertTrue(panel.path("targets").size() > 0, title + " has no query");
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("expr").asText().isBlank(), title + " has an empty query");
            }
        }
        assertEquals(panels().size(), panels().stream().map(p -> p.path("id").asInt()).distinct().count(),
                "panel ids are unique");
    }

    /** Proves the extraction can find a wrong name: it reports exactly the metrics of a query. */
    @Test
    void extractionFindsTheMetricNamesAndNothingElse() {
        assertEquals(Set.of("kafka_connect_plugins_gap_total", "no_such_metric"), metricNames(
                "sum by (connector, reason) (increase(kafka_connect_plugins_gap_total{connector=~\"$connector\","
                        + " reason!=\"stall\"}[15m])) / on (connector) group_left max(no_such_metric) > 0"));
        assertEquals(Set.of("kafka_connect_plugins_records_produced_total"),
                metricNames("label_values(kafka_connect_plugins_records_produced_total, connector)"));
    }

    // ---- helpers ----

    /** Every PromQL query of the dashboard, by where it is (panel title and refId, or variable name). */
    private static Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            queries.put("variable $" + variable.path("name").asText(),
                    query.isTextual() ? query.asText() : query.path("query").asText());
        }
        return queries;
    }

    /** Panels, including those nested in collapsed rows. */
    private static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /**
     * The metric names a PromQL expression selects: identifiers outside label matchers ({@code {...}}), range and
     * subquery brackets ({@code [...]}), strings and label lists ({@code by (...)}, {@code on (...)}), that are no
     * function call and no PromQL word. {@code label_values(metric, label)} (a Grafana variable) names its metric.
     */
    static Set<String> metricNames(String expr) {
        String stripped = expr
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,[^)]*\\)", " $1 ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(stripped);
        while (identifier.find()) {
            String word = identifier.group();
            boolean call = stripped.substring(identifier.end()).matches("(?s)\\s*\\(.*");
            boolean number = identifier.start() > 0 && Character.isDigit(stripped.charAt(identifier.start() - 1));
            if (!call && !number && !PROMQL_WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }
}
