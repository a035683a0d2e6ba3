package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.util.List;
import java.util.Map;

/**
 * Idle cost: the connector connected to {@code streams} quiet streams (one connection; the mark-price canary ticks
 * once a second, as on Binance) for {@code seconds}; the CPU its threads use, as a share of one core.
 */
final class IdleBenchmark {
    record Sizes(int streams, int seconds, int settleMs) {
        static final Sizes FULL = new Sizes(200, 60, 2_000);
        static final Sizes SMOKE = new Sizes(20, 2, 200);
    }

    private IdleBenchmark() {
    }

    static BenchReport.Section run(BenchCluster cluster, FastExchange exchange, Sizes sizes) throws Exception {
        BenchReport.Section section = new BenchReport.Section("idle",
                "Idle (" + sizes.streams() + " streams, no traffic, " + sizes.seconds() + " s)");
        String name = "bench-idle";
        List<String> symbols = ForceOrderEvents.symbols(sizes.streams());
        List<String> streams = symbols.stream().map(ForceOrderEvents::streamOf).toList();
        cluster.createTopic(name);
        long put = System.currentTimeMillis();
        cluster.deploy(name, cluster.connectorConfig(Map.of("name", name, "tasks.max", "1",
                "binance.ws.url", exchange.baseUrl(), "symbols", String.join(",", symbols), "topic", name)), 1);
        long deadline = System.currentTimeMillis() + 30_000;
        while (exchange.allSubscribedAt(streams, put) < 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        if (exchange.allSubscribedAt(streams, put) < 0) {
            throw new IllegalStateException("idle: only " + exchange.subscribedCount(streams, put) + " of "
                    + streams.size() + " streams subscribed");
        }
        Thread.sleep(sizes.settleMs()); // past the connection's start-up work
        ThreadCpu before = ThreadCpu.snapshot();
        Thread.sleep(sizes.seconds() * 1000L);
        ThreadCpu after = ThreadCpu.snapshot();
        double wall = after.wallSince(before);
        long io = after.cpuSince(before, ThreadCpu.connectorIo());
        long task = after.cpuSince(before, ThreadCpu.taskThreads(name));
        long producer = after.cpuSince(before, ThreadCpu.producerIo("connector-producer-" + name + "-"));
        long process = after.processCpuSince(before);
        cluster.delete(name);

        double share = (io + task) / wall * 100;
        section.figure("task CPU (event loop + task thread)", share, "% of a core", "< 1 %", share < 1)
                .detail("event loop ms", io / 1e6).detail("task thread ms", task / 1e6);
        section.figure("task's producer I/O thread", producer / wall * 100, "% of a core", null, null);
        section.figure("whole JVM (broker + worker + generator)", process / wall * 100, "% of a core", null, null);
        section.note("The canary (btcusdt@markPrice@1s) ticks once a second on the connection, as on Binance; the"
                + " connector pings every 30 s (its default).");
        return section;
    }
}
