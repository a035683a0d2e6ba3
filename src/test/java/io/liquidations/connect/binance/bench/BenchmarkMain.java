package io.liquidations.connect.binance.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the benchmarks and writes their report ({@code results.json} and {@code results.md}) into the output
 * directory, rewriting it after each benchmark so that a run cut short keeps what it measured.
 *
 * <pre>
 *   bench/run                                  every benchmark, full sizes (about 12 minutes)
 *   bench/run --only=decode,e2e                some of them: decode, e2e, idle, scale, cascade
 *   bench/run --smoke                          tiny sizes (what BenchmarkSmokeIT runs in mvn verify)
 * </pre>
 *
 * The decode benchmark runs first, in JMH's own forked JVMs, before the broker and worker start in this one.
 */
public final class BenchmarkMain {
    public static final List<String> ALL = List.of("decode", "e2e", "idle", "scale", "cascade");
    /** Event (trade) times of generated liquidations start here: a day old, so that no broker check refuses them. */
    static final long EVENT_TIME_START = (System.currentTimeMillis() - 86_400_000L) / 1000 * 1000;

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Path out = Path.of("target", "bench");
        Set<String> only = new LinkedHashSet<>(ALL);
        for (String arg : args) {
            if (arg.equals("--smoke")) {
                smoke = true;
            } else if (arg.startsWith("--only=")) {
                only = new LinkedHashSet<>(Arrays.asList(arg.substring(7).split(",")));
                if (!ALL.containsAll(only)) {
                    throw new IllegalArgumentException("--only takes some of " + ALL + ", not " + only);
                }
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring(6));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg
                        + "; use --smoke, --only=decode,e2e,idle,scale,cascade, --out=DIR");
            }
        }
        String command = "bench/run" + (args.length == 0 ? "" : " " + String.join(" ", args));
        run(smoke, only, out, command);
        System.exit(0);
    }

    public static BenchReport run(boolean smoke, Set<String> only, Path out, String command) throws Exception {
        BenchReport report = new BenchReport(command);
        long begin = System.nanoTime();
        if (only.contains("decode")) {
            log("decode micro-benchmark (JMH)");
            report.add(DecodeBenchmarkRunner.run(smoke ? DecodeBenchmarkRunner.Sizes.SMOKE
                    : DecodeBenchmarkRunner.Sizes.FULL));
            report.write(out);
        }
        Set<String> needCluster = new LinkedHashSet<>(only);
        needCluster.remove("decode");
        if (!needCluster.isEmpty()) {
            log("starting the broker and the Connect worker");
            Map<String, String> connectorDefaults = smoke
                    ? Map.of("connection.attempts.per.five.minutes", "299") : Map.of();
            try (BenchCluster cluster = new BenchCluster("bench", connectorDefaults);
                    FastExchange exchange = new FastExchange()) {
                if (only.contains("e2e")) {
                    log("end to end");
                    report.add(new EndToEndBenchmark(cluster, exchange, smoke ? EndToEndBenchmark.Sizes.SMOKE
                            : EndToEndBenchmark.Sizes.FULL).run());
                    report.write(out);
                }
                if (only.contains("idle")) {
                    log("idle");
                    report.add(IdleBenchmark.run(cluster, exchange, smoke ? IdleBenchmark.Sizes.SMOKE
                            : IdleBenchmark.Sizes.FULL));
                    report.write(out);
                }
                if (only.contains("scale")) {
                    log("scale");
                    report.add(ScaleBenchmark.run(cluster, exchange, smoke ? ScaleBenchmark.Sizes.SMOKE
                            : ScaleBenchmark.Sizes.FULL));
                    report.write(out);
                }
                if (only.contains("cascade")) {
                    log("cascade");
                    report.add(CascadeBenchmark.run(cluster, exchange, smoke ? CascadeBenchmark.Sizes.SMOKE
                            : CascadeBenchmark.Sizes.FULL));
                    report.write(out);
                }
            }
        }
        log(String.format("done in %.0f s; report in %s", (System.nanoTime() - begin) / 1e9,
                out.resolve("results.md")));
        report.write(out);
        return report;
    }

    private static void log(String what) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + what);
    }
}
