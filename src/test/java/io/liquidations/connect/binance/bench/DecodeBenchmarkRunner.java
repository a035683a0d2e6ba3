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
    /** JMH's own sizes: forks, warm-up and measurement iterations of {@code iterationMs} each. */
    public record Sizes(int forks, int warmups, int iterations, int iterationMs) {
        public static final Sizes FULL = new Sizes(3, 3, 5, 1000);
        public static final Sizes SMOKE = new Sizes(0, 1, 1, 200);
    }

    private DecodeBenchmarkRunner() {
    }

    public static BenchReport.Section run(Sizes sizes) throws RunnerException {
        BenchReport.Section section = new BenchReport.Section("decode",
                "Decode micro-benchmark (JMH): frame text → SourceRecord, per event");
        checkSameRecords();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(DecodeBenchmark.class.getName() + "\\.")
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
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            Result<?> primary = result.getPrimaryResult();
            Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            // The median iteration: another build on the machine slows some iterations, not the typical one.
            double[] iterations = result.getBenchmarkResults().stream()
                    .flatMap(b -> b.getIterationResults().stream())
                    .mapToDouble(i -> i.getPrimaryResult().getScore()).sorted().toArray();
            double median = iterations.length == 0 ? primary.getScore() : iterations.length % 2 == 1
                    ? iterations[iterations.length / 2]
                    : (iterations[iterations.length / 2 - 1] + iterations[iterations.length / 2]) / 2;
            byName.put(name, new double[] {median, primary.getScore(), primary.getScoreError(),
                    alloc == null ? Double.NaN : alloc.getScore()});
        }
        double[] connector = byName.get("connector");
        double[] baseline = byName.get("jacksonTree");
        if (connector == null || baseline == null) {
            throw new IllegalStateException("JMH returned no result for " + (connector == null ? "connector"
                    : "jacksonTree") + ": " + byName.keySet());
        }
        double speedup = baseline[0] / connector[0];
        section.figure("connector ns/event", connector[0], "ns", "≤ 1,000 ns", connector[0] <= 1000)
                .detail("mean", connector[1]).detail("± (99.9 % CI)", connector[2]);
        section.figure("Jackson tree baseline ns/event", baseline[0], "ns", null, null)
                .detail("mean", baseline[1]).detail("± (99.9 % CI)", baseline[2]);
        section.figure("speed-up over baseline", speedup, "×", "≥ 3×", speedup >= 3);
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
        section.note("ns/event is the median of all measured iterations of all forks (robust to a disturbed"
                + " iteration); the mean and its 99.9 % confidence interval are in results.json.");
        section.detail("jmh", Map.of("forks", sizes.forks(), "warmups", sizes.warmups(), "iterations",
                sizes.iterations(), "iterationMs", sizes.iterationMs(), "frames", 1024));
        return section;
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
