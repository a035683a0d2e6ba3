package io.liquidations.connect.binance.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The metrics table of {@code docs/METRICS.md}: what a user can scrape, by Prometheus name, with its type and
 * labels. One list that the scrape test, the code and the dashboard are each checked against.
 */
public final class DocumentedMetrics {
    public static final Path FILE = Path.of("docs", "METRICS.md");
    private static final Pattern ROW = Pattern.compile(
            "^\\| `([a-z_:][a-z0-9_:]*)` \\| (counter|gauge) \\| ([a-z_, ]+) \\|.*");

    public record Metric(String name, String type, Set<String> labels) {
    }

    private DocumentedMetrics() {
    }

    /** By Prometheus name, in the table's order. */
    public static Map<String, Metric> read() {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(FILE)) {
                Matcher row = ROW.matcher(line);
                if (row.matches()) {
                    Set<String> labels = Arrays.stream(row.group(3).split(",")).map(String::strip)
                            .collect(Collectors.toCollection(TreeSet::new));
                    if (metrics.put(row.group(1), new Metric(row.group(1), row.group(2), labels)) != null) {
                        throw new IllegalStateException(FILE + " lists " + row.group(1) + " twice");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
        if (metrics.isEmpty()) {
            throw new IllegalStateException("no metrics table found in " + FILE);
        }
        return metrics;
    }
}
