package io.liquidations.connect.binance.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a benchmark run found: the machine, then one section per benchmark with its figures (each with its goal and
 * whether it was met, where the issue sets one) and details. Written as {@code results.json} (read back by
 * {@code BenchmarkSmokeIT}) and {@code results.md} (the table that goes into docs/BENCHMARKS.md).
 */
public final class BenchReport {
    private final Map<String, Object> machine = machine();
    private final List<Section> sections = new ArrayList<>();
    private final String command;
    private final Instant started = Instant.now();

    public BenchReport(String command) {
        this.command = command;
    }

    public synchronized void add(Section section) {
        sections.add(section.finished());
    }

    public synchronized List<Section> sections() {
        return List.copyOf(sections);
    }

    /** One figure: a number with its unit, the goal it is held against (or null) and whether it met it. */
    public record Figure(String name, double value, String unit, String goal, Boolean met, Map<String, Object> details) {
        public Figure detail(String key, Object value) {
            details.put(key, value);
            return this;
        }
    }

    public static final class Section {
        private final String id;
        private final String title;
        private final List<Figure> figures = new ArrayList<>();
        private final Map<String, Object> details = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();

        public Section(String id, String title) {
            this.id = id;
            this.title = title;
            details.put("load average when it started", loadAverage());
        }

        /** Call when the benchmark is done: with the load at its start, it says how busy the machine was. */
        public Section finished() {
            details.put("load average when it ended", loadAverage());
            return this;
        }

        public Figure figure(String name, double value, String unit, String goal, Boolean met) {
            Figure figure = new Figure(name, value, unit, goal, met, new LinkedHashMap<>());
            figures.add(figure);
            return figure;
        }

        public Section detail(String key, Object value) {
            details.put(key, value);
            return this;
        }

        public Section note(String text) {
            notes.add(text);
            return this;
        }

        public String id() {
            return id;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("title", title);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Figure f : figures) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f.name());
                m.put("value", Double.isFinite(f.value()) ? f.value() : null);
                m.put("unit", f.unit());
                m.put("goal", f.goal());
                m.put("met", f.met());
                if (!f.details().isEmpty()) {
                    m.put("details", f.details());
                }
                list.add(m);
            }
            out.put("figures", list);
            out.put("details", details);
            out.put("notes", notes);
            return out;
        }
    }

    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", command);
            json.put("started", started.toString());
            json.put("finished", Instant.now().toString());
            json.put("machine", machine);
            json.put("sections", sections().stream().map(Section::toMap).toList());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(directory.resolve("results.json").toFile(), json);
            Files.writeString(directory.resolve("results.md"), markdown());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(started).append(" with `").append(command).append("`\n\n");
        md.append("Machine: ").append(machine.get("cpu")).append(", ").append(machine.get("cores")).append(" cores, ")
                .append(machine.get("memory")).append(", ").append(machine.get("jdk")).append(", load average at start ")
                .append(machine.get("loadAverage")).append("\n\n");
        md.append("| benchmark | figure | value | goal | met |\n|---|---|---|---|---|\n");
        for (Section section : sections()) {
            for (Figure f : section.figures) {
                md.append("| ").append(section.title).append(" | ").append(f.name()).append(" | ")
                        .append(format(f.value())).append(' ').append(f.unit()).append(" | ")
                        .append(f.goal() == null ? "" : f.goal()).append(" | ")
                        .append(f.met() == null ? "" : f.met() ? "yes" : "**no**").append(" |\n");
            }
        }
        for (Section section : sections()) {
            if (!section.notes.isEmpty() || !section.details.isEmpty()) {
                md.append("\n**").append(section.title).append("**\n\n");
                section.notes.forEach(n -> md.append("- ").append(n).append('\n'));
                section.details.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
            }
        }
        return md.toString();
    }

    static String format(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 10 ? "%.1f" : "%.2f", value);
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", readFirst("/proc/cpuinfo", "model name"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        String mem = readFirst("/proc/meminfo", "MemTotal");
        m.put("memory", mem == null ? "?" : String.format(Locale.ROOT, "%.1f GiB",
                Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("loadAverage", String.format(Locale.ROOT, "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return m;
    }

    /** 1-, 5- and 15-minute load averages: other builds on the machine show up here. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String readFirst(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
