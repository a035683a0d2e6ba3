package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A liquidation cascade: {@code symbols} symbols each liquidating at Binance's maximum, one per symbol per second, for
 * {@code seconds}, on the per-symbol streams of one connector (2 tasks, 200 streams per connection) and, the same
 * events again, on the all-market stream of a second connector. Binance pushes at most one forceOrder per symbol per
 * 1000 ms window; the generator sends each second's events in one burst at the start of the second (all symbols at
 * once, the worst case for latency). Measures latency from frame receipt to broker acknowledgement and counts every
 * record of both topics.
 */
final class CascadeBenchmark {
    /** {@code warmupSeconds} of the same bursts first, counted for loss but not for latency: a JVM just started. */
    record Sizes(int symbols, int seconds, int warmupSeconds) {
        static final Sizes FULL = new Sizes(400, 60, 10);
        static final Sizes SMOKE = new Sizes(10, 2, 1);
    }

    private static final long START = BenchmarkMain.EVENT_TIME_START;

    private CascadeBenchmark() {
    }

    static BenchReport.Section run(BenchCluster cluster, FastExchange exchange, Sizes sizes) throws Exception {
        BenchReport.Section section = new BenchReport.Section("cascade", "Cascade (" + sizes.symbols()
                + " symbols × 1/s × " + sizes.seconds() + " s, per-symbol and all-market)");
        List<String> symbols = ForceOrderEvents.symbols(sizes.symbols());
        List<String> streams = symbols.stream().map(ForceOrderEvents::streamOf).toList();
        String perSymbol = "bench-cascade-symbols";
        String allMarket = "bench-cascade-all-market";
        cluster.createTopic(perSymbol);
        cluster.createTopic(allMarket);
        AckTimes.TopicAcks perSymbolAcks = AckTimes.of(perSymbol);
        AckTimes.TopicAcks allMarketAcks = AckTimes.of(allMarket);
        int tasks = Math.min(2, symbols.size());
        long put = System.currentTimeMillis();
        Map<String, String> extra = ScaleBenchmark.extraSettings("bench.cascade.extra");
        Map<String, String> perSymbolConfig = new HashMap<>(Map.of("name", perSymbol,
                "tasks.max", Integer.toString(tasks), "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", symbols), "topic", perSymbol));
        perSymbolConfig.putAll(extra);
        Map<String, String> allMarketConfig = new HashMap<>(Map.of("name", allMarket, "tasks.max", "1",
                "stream.mode", "all-market", "symbols", "", "binance.ws.url", exchange.baseUrl(),
                "topic", allMarket));
        allMarketConfig.putAll(extra);
        cluster.deploy(perSymbol, cluster.connectorConfig(perSymbolConfig), tasks);
        cluster.deploy(allMarket, cluster.connectorConfig(allMarketConfig), 1);
        long deadline = System.currentTimeMillis() + 30_000;
        List<String> all = new ArrayList<>(streams);
        all.add(ForceOrderEvents.ALL_MARKET_STREAM);
        while (exchange.allSubscribedAt(all, put) < 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        if (exchange.allSubscribedAt(all, put) < 0) {
            throw new IllegalStateException("cascade: not every stream was subscribed within 30 s");
        }
        FrameSource perSymbolFrames = new FrameSource(symbols, false, START, 23);
        FrameSource allMarketFrames = new FrameSource(symbols, true, START, 23);
        // Which connection carries which symbol.
        Map<FastExchange.Connection, List<Integer>> bySymbolConnection = new HashMap<>();
        // Every leg of a stream gets its events, as Binance sends them (connections.per.stream, 2 by default).
        List<FastExchange.Connection> allMarketConnections = new ArrayList<>();
        for (FastExchange.Connection c : exchange.connections()) {
            if (c.streams().contains(ForceOrderEvents.ALL_MARKET_STREAM)) {
                allMarketConnections.add(c);
            }
            for (int i = 0; i < streams.size(); i++) {
                if (c.streams().contains(streams.get(i))) {
                    bySymbolConnection.computeIfAbsent(c, k -> new ArrayList<>()).add(i);
                }
            }
        }
        int n = symbols.size();
        bursts(sizes.warmupSeconds(), 0, n, bySymbolConnection, allMarketConnections, perSymbolFrames,
                allMarketFrames);
        int warmupEvents = n * sizes.warmupSeconds();
        EndToEndBenchmark.await(perSymbolAcks, warmupEvents, "cascade warm-up per-symbol");
        EndToEndBenchmark.await(allMarketAcks, warmupEvents, "cascade warm-up all-market");
        AckTimes.forget(perSymbol);
        AckTimes.forget(allMarket);
        perSymbolAcks = AckTimes.of(perSymbol);
        allMarketAcks = AckTimes.of(allMarket);
        bursts(sizes.seconds(), sizes.warmupSeconds(), n, bySymbolConnection, allMarketConnections, perSymbolFrames,
                allMarketFrames);
        EndToEndBenchmark.await(perSymbolAcks, n * sizes.seconds(), "cascade per-symbol");
        EndToEndBenchmark.await(allMarketAcks, n * sizes.seconds(), "cascade all-market");
        int expected = n * (sizes.warmupSeconds() + sizes.seconds());
        BenchCluster.Delivery perSymbolDelivery = cluster.readBack(perSymbol, START, expected, Duration.ofSeconds(60));
        BenchCluster.Delivery allMarketDelivery = cluster.readBack(allMarket, START, expected, Duration.ofSeconds(60));
        cluster.delete(perSymbol);
        cluster.delete(allMarket);

        for (Object[] path : new Object[][] {{"per-symbol", perSymbolAcks, perSymbolDelivery},
                {"all-market", allMarketAcks, allMarketDelivery}}) {
            long[] latency = ((AckTimes.TopicAcks) path[1]).latencyMicros();
            BenchCluster.Delivery delivery = (BenchCluster.Delivery) path[2];
            section.figure(path[0] + " latency p50", Stats.percentile(latency, 50) / 1000, "ms", null, null)
                    .detail("samples", latency.length);
            section.figure(path[0] + " latency p99", Stats.percentile(latency, 99) / 1000, "ms", null, null);
            section.figure(path[0] + " latency max", Stats.max(latency) / 1000, "ms", null, null)
                    .detail("per-second bursts: median of their max ms",
                            Stats.percentile(Stats.windowMax(latency, n), 50) / 1000)
                    .detail("slowest bursts' max ms", Stats.slowest(Stats.windowMax(latency, n), 5));
            section.figure(path[0] + " lost + duplicated", delivery.lost() + delivery.duplicated() + delivery.foreign(),
                    "events", "0", delivery.exact()).detail("delivery", delivery);
        }
        section.detail("events per path (warm-up included)", expected);
        section.detail("warm-up seconds (not in the latency figures)", sizes.warmupSeconds());
        section.detail("extra connector settings", extra.isEmpty() ? "none" : extra);
        section.detail("connections", bySymbolConnection.size() + " per-symbol + " + allMarketConnections.size()
                + " all-market");
        return section;
    }

    /** One burst per second for {@code seconds}: every symbol's next event on its connections and on all-market's. */
    private static void bursts(int seconds, int firstSecond, int n,
            Map<FastExchange.Connection, List<Integer>> bySymbolConnection,
            List<FastExchange.Connection> allMarketConnections,
            FrameSource perSymbolFrames, FrameSource allMarketFrames) throws InterruptedException {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < seconds; i++) {
                long base = (long) (firstSecond + i) * n;
                ticker.schedule(() -> {
                    bySymbolConnection.forEach((c, indexes) -> {
                        int[] idx = indexes.stream().mapToInt(Integer::intValue).toArray();
                        long[] seqs = indexes.stream().mapToLong(k -> base + k).toArray();
                        c.send(perSymbolFrames, idx, seqs);
                    });
                    int[] idx = new int[n];
                    long[] seqs = new long[n];
                    for (int k = 0; k < n; k++) {
                        idx[k] = k;
                        seqs[k] = base + k;
                    }
                    allMarketConnections.forEach(c -> c.send(allMarketFrames, idx, seqs));
                }, i * 1000L, TimeUnit.MILLISECONDS);
            }
            ticker.shutdown();
            ticker.awaitTermination(seconds + 10L, TimeUnit.SECONDS);
        } finally {
            ticker.shutdownNow();
        }
    }
}
