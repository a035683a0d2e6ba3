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
        public static final Sizes FULL = new Sizes(2, 5, 5, 1000);
        public static final Sizes SMOKE = new Sizes(0, 1, 1, 200);
    }

    private DecodeBenchmarkRunner() {
    }

    public static BenchReport.Section run(Sizes sizes) throws RunnerException {
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
            byName.put(name, new double[] {primary.getScore(), primary.getScoreError(),
                    alloc == null ? Double.NaN : alloc.getScore()});
        }
        double[] connector = byName.get("connector");
        double[] baseline = byName.get("jacksonTree");
        if (connector == null || baseline == null) {
            throw new IllegalStateException("JMH returned no result for " + (connector == null ? "connector"
                    : "jacksonTree") + ": " + byName.keySet());
        }
        double speedup = baseline[0] / connector[0];
        BenchReport.Section section = new BenchReport.Section("decode",
                "Decode micro-benchmark (JMH): frame text → SourceRecord, per event");
        section.figure("connector ns/event", connector[0], "ns", "≤ 1,000 ns", connector[0] <= 1000)
                .detail("± (99.9 % CI)", connector[1]);
        section.figure("Jackson tree baseline ns/event", baseline[0], "ns", null, null)
                .detail("± (99.9 % CI)", baseline[1]);
        section.figure("speed-up over baseline", speedup, "×", "≥ 3×", speedup >= 3);
        double[] parse = byName.get("connectorParseOnly");
        double[] record = byName.get("connectorRecordOnly");
        if (parse != null && record != null) {
            section.figure("of which parse (frame → event)", parse[0], "ns", null, null)
                    .detail("allocation B", parse[2]);
            section.figure("of which record building (event → SourceRecord)", record[0], "ns", null, null)
                    .detail("allocation B", record[2]);
        }
        section.figure("connector allocation/event", connector[2], "B", null, null);
        section.figure("baseline allocation/event", baseline[2], "B", null, null);
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
