package io.liquidations.connect.binance.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link DecodeBenchmark} through JMH with its GC profiler and reports ns and bytes allocated per event. */
public final class DecodeBenchmarkRunner {
    /**
     * JMH's own sizes: {@code passes} runs of every benchmark, each with {@code forks} forks of {@code warmups} and
     * {@code iterations} iterations of {@code iterationMs}. Several passes rather than several forks in one pass:
     * JMH runs one benchmark's forks back to back, so a build elsewhere on the machine would slow one benchmark and
     * not the other; pass after pass, it hits them alike.
     */
    public record Sizes(int passes, int forks, int warmups, int iterations, int iterationMs) {
        public static final Sizes FULL = new Sizes(3, 1, 3, 5, 1000);
        public static final Sizes SMOKE = new Sizes(1, 0, 1, 1, 200);
    }

    private DecodeBenchmarkRunner() {
    }

    public static BenchReport.Section run(Sizes sizes) throws RunnerException {
        BenchReport.Section section = new BenchReport.Section("decode",
                "Decode micro-benchmark (JMH): frame text → SourceRecord, per event");
        checkSameRecords();
        String jfrSettings = System.getProperty("bench.jfr", "");
        // Per benchmark, per pass: {median iteration ns, mean ns, 99.9 % CI, allocated B/op}.
        Map<String, List<double[]>> byName = new LinkedHashMap<>();
        for (int pass = 0; pass < sizes.passes(); pass++) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(DecodeBenchmark.class.getName() + (jfrSettings.isEmpty() ? "\\." : "\\.connector$"))
                    .forks(sizes.forks())
                    .warmupIterations(sizes.warmups())
                    .warmupTime(TimeValue.milliseconds(sizes.iterationMs()))
                    .measurementIterations(sizes.iterations())
                    .measurementTime(TimeValue.milliseconds(sizes.iterationMs()))
                    .addProfiler(GCProfiler.class)
                    .shouldFailOnError(true);
            if (sizes.forks() > 0) {
                // The same heap in every fork; the harness JVM's own flags are not inherited.
                options.jvmArgsAppend("-Xmx1g", "-Xms1g");
                if (!jfrSettings.isEmpty()) {
                    // bench/run --profile: the connector's benchmark alone, under the flight recorder.
                    options.jvmArgsAppend("-XX:StartFlightRecording=filename="
                            + java.nio.file.Path.of("target", "bench", "decode.jfr").toAbsolutePath()
                            + ",settings=" + jfrSettings);
                }
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            for (RunResult result : results) {
                String name = result.getParams().getBenchmark();
                name = name.substring(name.lastIndexOf('.') + 1);
                Result<?> primary = result.getPrimaryResult();
                Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
                double[] iterations = result.getBenchmarkResults().stream()
                        .flatMap(b -> b.getIterationResults().stream())
                        .mapToDouble(i -> i.getPrimaryResult().getScore()).toArray();
                byName.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(new double[] {
                        iterations.length == 0 ? primary.getScore() : median(iterations), primary.getScore(),
                        primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()});
            }
            if (!jfrSettings.isEmpty()) {
                section.note("Profiled run (bench/run --profile): the connector's benchmark alone, under JFR.");
                break;
            }
        }
        if (!jfrSettings.isEmpty()) {
            double[] c = byName.get("connector").get(0);
            section.figure("connector ns/event (under the flight recorder)", c[0], "ns", null, null);
            return section;
        }
        return report(section, byName, sizes);
    }

    private static BenchReport.Section report(BenchReport.Section section, Map<String, List<double[]>> perPass,
            Sizes sizes) {
        // Across passes: the median of the per-pass medians; the speed-up is the median of the per-pass ratios.
        Map<String, double[]> byName = new LinkedHashMap<>();
        perPass.forEach((name, passes) -> byName.put(name, new double[] {
                median(passes.stream().mapToDouble(p -> p[0]).toArray()),
                median(passes.stream().mapToDouble(p -> p[1]).toArray()),
                passes.stream().mapToDouble(p -> p[2]).max().orElse(Double.NaN),
                median(passes.stream().mapToDouble(p -> p[3]).toArray())}));
        double[] connector = byName.get("connector");
        double[] baseline = byName.get("jacksonTree");
        if (connector == null || baseline == null) {
            throw new IllegalStateException("JMH returned no result for " + (connector == null ? "connector"
                    : "jacksonTree") + ": " + byName.keySet());
        }
        List<double[]> connectorPasses = perPass.get("connector");
        List<double[]> baselinePasses = perPass.get("jacksonTree");
        double[] ratios = new double[Math.min(connectorPasses.size(), baselinePasses.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = baselinePasses.get(i)[0] / connectorPasses.get(i)[0];
        }
        double speedup = median(ratios);
        section.figure("connector ns/event", connector[0], "ns", "≤ 1,000 ns", connector[0] <= 1000)
                .detail("per pass", perPassMedians(connectorPasses)).detail("mean", connector[1])
                .detail("largest ± (99.9 % CI) of a pass", connector[2]);
        section.figure("Jackson tree baseline ns/event", baseline[0], "ns", null, null)
                .detail("per pass", perPassMedians(baselinePasses)).detail("mean", baseline[1])
                .detail("largest ± (99.9 % CI) of a pass", baseline[2]);
        section.figure("speed-up over baseline", speedup, "×", "≥ 3×", speedup >= 3)
                .detail("per pass", java.util.Arrays.stream(ratios).map(r -> Math.round(r * 100) / 100.0).boxed()
                        .toList());
        double[] parse = byName.get("connectorParseOnly");
        double[] record = byName.get("connectorRecordOnly");
        if (parse != null && record != null) {
            section.figure("of which parse (frame → event)", parse[0], "ns", null, null)
                    .detail("allocation B", parse[3]);
            section.figure("of which record building (event → SourceRecord)", record[0], "ns", null, null)
                    .detail("allocation B", record[3]);
        }
        section.figure("connector allocation/event", connector[3], "B", null, null);
        section.figure("baseline allocation/event", baseline[3], "B", null, null);
        double[] scanString = byName.get("jacksonScanFromString");
        double[] scanBytes = byName.get("jacksonScanFromBytes");
        if (scanString != null && scanBytes != null) {
            section.figure("Jackson token scan of a frame from String (profile evidence)", scanString[0], "ns", null,
                    null).detail("allocation B", scanString[3]);
            section.figure("Jackson token scan of a frame from UTF-8 bytes (profile evidence)", scanBytes[0], "ns",
                    null, null).detail("allocation B", scanBytes[3]);
        }
        section.note("ns/event: per pass, the median measured iteration; then the median over the passes. The"
                + " speed-up is the median of the per-pass ratios. Means and confidence intervals are in"
                + " results.json.");
        section.detail("jmh", Map.of("passes", sizes.passes(), "forks per pass", sizes.forks(), "warmups",
                sizes.warmups(), "iterations", sizes.iterations(), "iterationMs", sizes.iterationMs(),
                "frames", 1024));
        return section;
    }

    private static List<Long> perPassMedians(List<double[]> passes) {
        return passes.stream().map(p -> Math.round(p[0])).toList();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The baseline must build the very record the connector builds, or the comparison means nothing. */
    static void checkSameRecords() {
        ConnectorEntryPoints connector = new ConnectorEntryPoints("bench");
        JacksonTreeMapping baseline = new JacksonTreeMapping("bench");
        List<String> frames = BenchFrames.realistic(1024, 42);
        for (String frame : frames) {
            List<SourceRecord> expected = connector.toRecords(frame, 1L);
            SourceRecord actual;
            try {
                actual = baseline.toRecord(frame, 1L);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            if (expected.size() != 1 || !expected.get(0).equals(actual)
                    || !expected.get(0).headers().equals(actual.headers())) {
                throw new IllegalStateException("The Jackson-tree baseline and the connector disagree on " + frame
                        + ":\n connector " + expected + "\n baseline  " + actual);
            }
        }
    }
}
