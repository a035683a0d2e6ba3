package io.liquidations.connect.binance.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run the way a user runs it: {@code bin/quickstart --simulate} in a terminal,
 * liquidations on screen, Ctrl-C, and nothing left running; then a second run on the same data.
 */
class QuickstartIT {
    private static final Pattern LIQUIDATION_LINE = Pattern.compile(
            "^\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\s+[A-Z0-9_]+\\s+(BUY|SELL)\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+$");
    private static final Duration FIRST_RECORDS_WITHIN = Duration.ofSeconds(120);

    @Test
    void simulateShowsLiquidationsStopsOnCtrlCAndASecondRunReusesTheData(@TempDir Path home) throws Exception {
        Run first = Run.start(home);
        try {
            first.awaitLines(line -> LIQUIDATION_LINE.matcher(line).matches(), 3);
            first.awaitLines(line -> line.contains("connector RUNNING, 1/1 tasks RUNNING"), 1);
            System.out.println("quick start: first liquidation on screen " + first.secondsToFirstLiquidation()
                    + " s after the command started");
        } finally {
            first.interruptAndAssertNothingLeft();
        }
        assertTrue(first.output.stream().anyMatch(line -> line.endsWith("[quickstart] stopped")), first.dump());

        Run second = Run.start(home);
        try {
            second.awaitLines(line -> line.contains("[quickstart] reusing "), 1);
            second.awaitLines(line -> LIQUIDATION_LINE.matcher(line).matches(), 1);
        } finally {
            second.interruptAndAssertNothingLeft();
        }
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

        static Run start(Path home) throws IOException {
            ProcessBuilder builder = new ProcessBuilder("bash", "bin/quickstart", "--simulate")
                    .redirectErrorStream(true);
            builder.environment().put("QUICKSTART_HOME", home.toString());
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
        void interruptAndAssertNothingLeft() throws Exception {
            List<ProcessHandle> started = children.isEmpty() ? process.toHandle().descendants().toList() : children;
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "quickstart did not stop:\n" + dump());
            for (ProcessHandle child : started) {
                child.onExit().get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), started.stream().filter(ProcessHandle::isAlive).toList(),
                    "processes left behind");
            assertTrue(started.size() >= 3, "broker, worker and simulator were children: " + started);
        }

        String dump() {
            return String.join("\n", output);
        }
    }
}
