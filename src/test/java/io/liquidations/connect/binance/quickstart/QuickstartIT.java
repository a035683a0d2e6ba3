package io.liquidations.connect.binance.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.registry.ApicurioRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run the way a user runs it: {@code bin/quickstart --simulate} in a terminal,
 * liquidations on screen (Avro through the schema registry, read back into the generated class), the status with
 * coverage and the last minute's longs against shorts, Ctrl-C, and nothing left running; then a second run on the
 * same data (broker and registry), and a third with {@code --json}. Every port is a free one, passed through the
 * {@code QUICKSTART_*_PORT} variables, so a user's quick start or another test run never clashes with it.
 */
class QuickstartIT {
    private static final Pattern LIQUIDATION_LINE = Pattern.compile(
            "^\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\s+[A-Z0-9_]+\\s+(BUY|SELL)\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+$");
    private static final Pattern PULSE_LINE = Pattern.compile(
            "^\\[last 60 s] longs liquidated [0-9,]+\\.\\d{2} \\((\\d+)\\) \\[[LS.]{20}] [0-9,]+\\.\\d{2} \\((\\d+)\\)"
                    + " shorts liquidated$");
    private static final Duration FIRST_RECORDS_WITHIN = Duration.ofSeconds(120);
    private static final String SUBJECT = "binance.futures.liquidations-value";

    @Test
    void simulateShowsAvroLiquidationsStopsOnCtrlCAndLaterRunsReuseTheData(@TempDir Path home) throws Exception {
        Map<String, String> ports = freePorts();
        Run first = Run.start(home, ports);
        try {
            first.awaitLines(line -> LIQUIDATION_LINE.matcher(line).matches(), 3);
            first.awaitLines(line -> line.contains("connector RUNNING, 1/1 tasks RUNNING; coverage: 1/1 streams"), 1);
            // The watermark, read back from the coverage topic through the registry.
            first.awaitLines(line -> line.matches(".*coverage: 1/1 streams, watermark \\d+\\.\\d s behind, .*"), 1);
            first.awaitLines(line -> {
                Matcher pulse = PULSE_LINE.matcher(line);
                return pulse.matches() && Integer.parseInt(pulse.group(1)) + Integer.parseInt(pulse.group(2)) > 0;
            }, 1);
            assertTrue(first.output.stream().anyMatch(line -> line.contains("values are Avro in Confluent's wire"
                    + " format")), first.dump());
            assertTrue(registrySubjects(ports).contains(SUBJECT), "the worker registered the value schema");
            System.out.println("quick start (Avro): first liquidation on screen "
                    + first.secondsToFirstLiquidation() + " s after the command started");
        } finally {
            first.interruptAndAssertNothingLeft(4);
        }
        assertTrue(first.output.stream().anyMatch(line -> line.endsWith("[quickstart] stopped")), first.dump());

        Run second = Run.start(home, ports);
        try {
            second.awaitLines(line -> line.contains("[quickstart] reusing ") && line.endsWith("kafka-data"), 1);
            second.awaitLines(line -> line.contains("[quickstart] reusing ") && line.endsWith("schema-registry"), 1);
            second.awaitLines(line -> LIQUIDATION_LINE.matcher(line).matches(), 1);
            assertTrue(registrySubjects(ports).contains(SUBJECT), "the registry kept its subjects");
        } finally {
            second.interruptAndAssertNothingLeft(4);
        }

        Run json = Run.start(home, ports, "--json");
        try {
            json.awaitLines(line -> LIQUIDATION_LINE.matcher(line).matches(), 1);
            assertTrue(json.output.stream().noneMatch(line -> line.contains("schema registry")), json.dump());
            System.out.println("quick start (--json, data reused): first liquidation on screen "
                    + json.secondsToFirstLiquidation() + " s after the command started");
        } finally {
            json.interruptAndAssertNothingLeft(3);
        }
    }

    private static Map<String, String> freePorts() throws IOException {
        Map<String, String> ports = new HashMap<>();
        for (String variable : Quickstart.Ports.DEFAULTS.keySet()) {
            ports.put(variable, Integer.toString(ApicurioRegistry.freePort()));
        }
        return ports;
    }

    private static String registrySubjects(Map<String, String> ports) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ApicurioRegistry.baseUrl(
                Integer.parseInt(ports.get("QUICKSTART_REGISTRY_PORT"))) + ApicurioRegistry.CONFLUENT_API
                + "/subjects")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One {@code bin/quickstart --simulate} process and what it printed. */
    private static final class Run {
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final long startedNanos = System.nanoTime();
        volatile long firstLiquidationNanos;
        List<ProcessHandle> children = List.of();

        private Run(Process process) {
            this.process = process;
        }

        static Run start(Path home, Map<String, String> ports, String... options) throws IOException {
            List<String> command = new ArrayList<>(List.of("bash", "bin/quickstart", "--simulate"));
            command.addAll(List.of(options));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("QUICKSTART_HOME", home.toString());
            builder.environment().putAll(ports);
            Run run = new Run(builder.start());
            Thread reader = new Thread(run::readOutput, "quickstart-output");
            reader.setDaemon(true);
            reader.start();
            return run;
        }

        private void readOutput() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (firstLiquidationNanos == 0 && LIQUIDATION_LINE.matcher(line).matches()) {
                        firstLiquidationNanos = System.nanoTime();
                    }
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(output ended: " + e + ")");
            }
        }

        void awaitLines(Predicate<String> wanted, int count) throws InterruptedException {
            long deadline = System.nanoTime() + FIRST_RECORDS_WITHIN.toNanos();
            while (output.stream().filter(wanted).count() < count) {
                assertTrue(process.isAlive(), "quickstart exited early:\n" + dump());
                assertTrue(System.nanoTime() < deadline, "not seen in time:\n" + dump());
                Thread.sleep(200);
            }
            children = process.toHandle().descendants().toList();
        }

        long secondsToFirstLiquidation() {
            return TimeUnit.NANOSECONDS.toSeconds(firstLiquidationNanos - startedNanos);
        }

        /** Ctrl-C is SIGINT; the JVM's shutdown hook must stop every process it started. */
        void interruptAndAssertNothingLeft(int expectedChildren) throws Exception {
            List<ProcessHandle> started = children.isEmpty() ? process.toHandle().descendants().toList() : children;
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "quickstart did not stop:\n" + dump());
            for (ProcessHandle child : started) {
                child.onExit().get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), started.stream().filter(ProcessHandle::isAlive).toList(),
                    "processes left behind");
            assertTrue(started.size() >= expectedChildren, "broker, worker, simulator (and registry) were children: "
                    + started);
        }

        String dump() {
            return String.join("\n", output);
        }
    }
}
