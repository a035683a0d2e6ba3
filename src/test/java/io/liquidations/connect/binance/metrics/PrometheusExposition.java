package io.liquidations.connect.binance.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus' text exposition format (what {@code /metrics} answers by default), parsed into samples and the types
 * the {@code # TYPE} lines declare. Enough of the format for tests: names, labels with escapes, values.
 */
public final class PrometheusExposition {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new HashMap<>();

    private PrometheusExposition() {
    }

    public static PrometheusExposition parse(String text) {
        PrometheusExposition exposition = new PrometheusExposition();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).trim().split("\\s+");
                exposition.types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                exposition.samples.add(sample(line));
            }
        }
        return exposition;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int equals = line.indexOf('=', i);
                String label = line.substring(i, equals).trim();
                StringBuilder value = new StringBuilder();
                int j = equals + 2; // past ="
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char escaped = line.charAt(++j);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] valueAndTime = line.substring(rest).trim().split("\\s+");
        return new Sample(name, labels, Double.parseDouble(valueAndTime[0]));
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The type declared for a sample's name: its own {@code # TYPE} line, or its family's (a counter's {@code _total}). */
    public String typeOf(String sampleName) {
        String type = types.get(sampleName);
        if (type == null && sampleName.endsWith("_total")) {
            type = types.get(sampleName.substring(0, sampleName.length() - "_total".length()));
        }
        return type;
    }
}
