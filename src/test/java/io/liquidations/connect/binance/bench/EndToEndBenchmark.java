package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Throughput and latency through a real worker, with its two baselines in the same run:
 *
 * <ol>
 *   <li>the generator blasting a do-nothing Netty reader (proof that it is not the limit);</li>
 *   <li>the do-nothing task ({@link PrebuiltRecordsConnector}): Connect's own ceiling;</li>
 *   <li>a plain {@code KafkaProducer} ({@link PlainProducerBaseline}): the machine's ceiling;</li>
 *   <li>the connector, deployed over REST with one task and one connection of {@code symbols} streams, blasted with
 *       events as fast as the connection takes them;</li>
 *   <li>the connector again at a paced 1,000 events/s: latency from frame receipt to broker acknowledgement
 *       ({@link AckTimes}), and the plain producer paced the same way for reference.</li>
 * </ol>
 *
 * Each path runs a warm-up round of a quarter of the events first (the JIT warms the worker code they share); the
 * measured round follows. Every record of every path is read back and counted: lost and duplicated must be 0.
 */
final class EndToEndBenchmark {
    record Sizes(int events, int symbols, int pacedPerSecond, int pacedSeconds, int producerPacedSeconds) {
        static final Sizes FULL = new Sizes(300_000, 200, 1000, 30, 15);
        static final Sizes SMOKE = new Sizes(2_000, 20, 1000, 1, 1);
    }

    private static final long START = BenchmarkMain.EVENT_TIME_START;
    private final BenchCluster cluster;
    private final FastExchange exchange;
    private final Sizes sizes;

    EndToEndBenchmark(BenchCluster cluster, FastExchange exchange, Sizes sizes) {
        this.cluster = cluster;
        this.exchange = exchange;
        this.sizes = sizes;
    }

    BenchReport.Section run() throws Exception {
        BenchReport.Section section = new BenchReport.Section("e2e",
                "End to end (1 task, 1 connection, " + sizes.symbols() + " streams)");
        List<String> symbols = ForceOrderEvents.symbols(sizes.symbols());
        FrameSource frames = new FrameSource(symbols, false, START, 11);
        int[] allSymbols = new int[symbols.size()];
        for (int i = 0; i < allSymbols.length; i++) {
            allSymbols[i] = i;
        }
        int warmup = sizes.events() / 4;
        int total = warmup + sizes.events();

        double sinkRate = generatorRate(frames, allSymbols);

        // Connect's ceiling: the do-nothing task.
        String nothing = "bench-e2e-donothing";
        cluster.createTopic(nothing);
        Map<String, String> nothingConfig = new HashMap<>(BenchCluster.CONVERTERS);
        nothingConfig.putAll(Map.of("connector.class", PrebuiltRecordsConnector.class.getName(), "tasks.max", "1",
                PrebuiltRecordsConnector.TOPIC, nothing, PrebuiltRecordsConnector.START, Long.toString(START),
                PrebuiltRecordsConnector.SYMBOLS, Integer.toString(sizes.symbols()),
                PrebuiltRecordsConnector.COUNT, Integer.toString(warmup)));
        AckTimes.TopicAcks nothingWarm = AckTimes.of(nothing);
        cluster.deploy(nothing, nothingConfig, 1);
        await(nothingWarm, warmup, "do-nothing warm-up");
        // The measured round: a new config restarts the task, writing to its own topic from seq 0 under a later start.
        nothingConfig.put(PrebuiltRecordsConnector.COUNT, Integer.toString(sizes.events()));
        nothingConfig.put(PrebuiltRecordsConnector.START, Long.toString(START + total));
        nothingConfig.put(PrebuiltRecordsConnector.TOPIC, nothing + "-measured");
        cluster.createTopic(nothing + "-measured");
        AckTimes.TopicAcks nothingAcks = AckTimes.of(nothing + "-measured");
        ThreadCpu before = ThreadCpu.snapshot();
        cluster.deploy(nothing, nothingConfig, 1);
        await(nothingAcks, sizes.events(), "do-nothing");
        ThreadCpu after = ThreadCpu.snapshot();
        double nothingRate = Stats.sustainedRate(nothingAcks.ackNanos());
        long nothingCpu = after.cpuSince(before, ThreadCpu.taskThreads(nothing)
                .or(ThreadCpu.producerIo("connector-producer-" + nothing + "-")));
        BenchCluster.Delivery nothingDelivery = cluster.readBack(nothing + "-measured", START + total, sizes.events(),
                Duration.ofSeconds(60));
        cluster.delete(nothing);

        // The machine's ceiling: a plain producer.
        String plain = "bench-e2e-producer";
        cluster.createTopic(plain);
        double producerRate;
        long producerCpu;
        BenchCluster.Delivery producerDelivery;
        long[] producerLatency;
        int valueBytes;
        try (PlainProducerBaseline producer = new PlainProducerBaseline(cluster.bootstrapServers(), plain, START,
                sizes.symbols())) {
            valueBytes = producer.valueBytes();
            AckTimes.TopicAcks warm = AckTimes.of(plain);
            producer.blast(plain, START, 0, warmup);
            await(warm, warmup, "plain producer warm-up");
            AckTimes.forget(plain);
            AckTimes.TopicAcks acks = AckTimes.of(plain);
            ThreadCpu b = ThreadCpu.snapshot();
            long threadCpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            producer.blast(plain, START, warmup, sizes.events());
            long threadCpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                    - threadCpu0;
            await(acks, sizes.events(), "plain producer");
            ThreadCpu a = ThreadCpu.snapshot();
            producerRate = Stats.sustainedRate(acks.ackNanos());
            producerCpu = threadCpu + a.cpuSince(b, ThreadCpu.producerIo(PlainProducerBaseline.CLIENT_ID));
            int paced = sizes.pacedPerSecond() * sizes.producerPacedSeconds();
            AckTimes.forget(plain);
            AckTimes.TopicAcks pacedAcks = AckTimes.of(plain);
            producer.paced(plain, START, total, paced, sizes.pacedPerSecond());
            await(pacedAcks, paced, "plain producer paced");
            producerLatency = pacedAcks.latencyMicros();
            producerDelivery = cluster.readBack(plain, START, total + paced, Duration.ofSeconds(60));
        }

        // The connector.
        String name = "bench-e2e";
        String topic = "bench-e2e-connector";
        cluster.createTopic(topic);
        AckTimes.TopicAcks warmAcks = AckTimes.of(topic);
        cluster.deploy(name, BenchCluster.connectorConfig(Map.of(
                "name", name,
                "tasks.max", "1",
                "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", symbols),
                "streams.per.connection", Integer.toString(Math.max(200, sizes.symbols())),
                "topic", topic)), 1);
        String firstStream = ForceOrderEvents.streamOf(symbols.get(0));
        FastExchange.Connection connection = exchange.awaitConnection(c -> c.streams().contains(firstStream), 30_000);
        if (connection == null) {
            throw new IllegalStateException("the connector never connected to the generator");
        }
        blast(connection, frames, allSymbols, 0, warmup);
        await(warmAcks, warmup, "connector warm-up");
        AckTimes.forget(topic);
        AckTimes.TopicAcks acks = AckTimes.of(topic);
        BenchCluster.resetPeakHeap();
        ThreadCpu b = ThreadCpu.snapshot();
        blast(connection, frames, allSymbols, warmup, sizes.events());
        await(acks, sizes.events(), "connector");
        ThreadCpu a = ThreadCpu.snapshot();
        long peakHeap = BenchCluster.peakHeap();
        long rss = BenchCluster.rssBytes();
        double connectorRate = Stats.sustainedRate(acks.ackNanos());
        long wall = a.wallSince(b);
        long ioCpu = a.cpuSince(b, ThreadCpu.connectorIo());
        long taskCpu = a.cpuSince(b, ThreadCpu.taskThreads(name));
        long producerIoCpu = a.cpuSince(b, ThreadCpu.producerIo("connector-producer-" + name + "-"));
        long exchangeCpu = a.cpuSince(b, ThreadCpu.exchange());
        long processCpu = a.processCpuSince(b);
        long connectorBlastLatencyP99 = (long) Stats.percentile(acks.latencyMicros(), 99);

        int paced = sizes.pacedPerSecond() * sizes.pacedSeconds();
        AckTimes.forget(topic);
        AckTimes.TopicAcks pacedAcks = AckTimes.of(topic);
        CountDownLatch pacedDone = new CountDownLatch(1);
        connection.paced(frames, allSymbols, total, paced, sizes.pacedPerSecond(), pacedDone::countDown);
        pacedDone.await(sizes.pacedSeconds() + 60L, TimeUnit.SECONDS);
        await(pacedAcks, paced, "connector paced");
        long[] latency = pacedAcks.latencyMicros();
        BenchCluster.Delivery delivery = cluster.readBack(topic, START, total + paced, Duration.ofSeconds(60));
        long reconnects = exchange.handshakes();
        cluster.delete(name);

        double n = sizes.events();
        section.figure("connector sustained rate", connectorRate, "records/s", null, null);
        section.figure("do-nothing task sustained rate", nothingRate, "records/s", null, null);
        section.figure("plain KafkaProducer sustained rate", producerRate, "records/s", null, null);
        section.figure("connector / do-nothing task", connectorRate / nothingRate, "×", "≥ 0.9×",
                connectorRate / nothingRate >= 0.9);
        section.figure("connector / plain producer", connectorRate / producerRate, "×", "≥ 0.8×",
                connectorRate / producerRate >= 0.8);
        section.figure("generator → do-nothing Netty reader", sinkRate, "frames/s", "> connector rate",
                sinkRate > connectorRate);
        section.figure("connector lost", delivery.lost(), "events", "0", delivery.lost() == 0)
                .detail("delivery", delivery);
        section.figure("connector duplicated", delivery.duplicated() + delivery.foreign(), "events", "0",
                delivery.duplicated() + delivery.foreign() == 0);
        section.figure("baselines lost + duplicated", nothingDelivery.lost() + nothingDelivery.duplicated()
                + producerDelivery.lost() + producerDelivery.duplicated(), "events", "0",
                nothingDelivery.exact() && producerDelivery.exact())
                .detail("do-nothing", nothingDelivery).detail("plain producer", producerDelivery);
        section.figure("latency p50 at " + sizes.pacedPerSecond() + "/s", Stats.percentile(latency, 50) / 1000,
                "ms", null, null).detail("samples", latency.length);
        double p99 = Stats.percentile(latency, 99) / 1000;
        section.figure("latency p99 at " + sizes.pacedPerSecond() + "/s", p99, "ms", "≤ 20 ms", p99 <= 20);
        section.figure("latency max at " + sizes.pacedPerSecond() + "/s", Stats.max(latency) / 1000, "ms", null,
                null);
        section.figure("plain producer latency p50 / p99 / max at " + sizes.pacedPerSecond() + "/s",
                Stats.percentile(producerLatency, 50) / 1000, "ms", null, null)
                .detail("p99 ms", Stats.percentile(producerLatency, 99) / 1000)
                .detail("max ms", Stats.max(producerLatency) / 1000);
        section.figure("connector CPU per event (event loop + task thread + producer I/O)",
                (ioCpu + taskCpu + producerIoCpu) / n, "ns", null, null)
                .detail("event loop ns", ioCpu / n).detail("task thread ns", taskCpu / n)
                .detail("producer I/O ns", producerIoCpu / n);
        section.figure("do-nothing CPU per event (task thread + producer I/O)", nothingCpu / n, "ns", null, null);
        section.figure("plain producer CPU per event (sender + producer I/O)", producerCpu / n, "ns", null, null);
        section.figure("whole JVM CPU per event during the connector blast", processCpu / n, "ns", null, null)
                .detail("generator ns", exchangeCpu / n)
                .detail("cores busy", processCpu / (double) wall);
        section.figure("peak heap during the connector blast (JVM: broker + worker + generator)",
                peakHeap / 1048576.0, "MiB", null, null);
        section.figure("RSS after the connector blast (same JVM)", rss / 1048576.0, "MiB", null, null);
        section.detail("events per measured round", sizes.events());
        section.detail("warm-up events per path", warmup);
        section.detail("value size (JSON, schemaless, numeric decimals)", valueBytes + " B");
        section.detail("connector p99 latency while blasted (queueing, not a goal)",
                connectorBlastLatencyP99 / 1000.0 + " ms");
        section.detail("WebSocket handshakes the generator saw so far", reconnects);
        section.note("Rates are the steady part of each measured round: records acknowledged between the 10th and"
                + " the 90th percentile ack, over the time between them.");
        section.note("Latency = ack time (producer interceptor, right before Connect's commitRecord) minus the"
                + " record's binance.received.at header (ms resolution: each figure is 0-1 ms high).");
        return section;
    }

    private double generatorRate(FrameSource frames, int[] symbolOf) throws Exception {
        int events = Math.max(1000, sizes.events());
        try (SinkClient sink = new SinkClient(exchange.baseUrl(), "sink@forceOrder")) {
            FastExchange.Connection c = exchange.awaitConnection(x -> x.streams().contains("sink@forceOrder"), 10_000);
            blast(c, frames, symbolOf, 0, events);
            long deadline = System.currentTimeMillis() + 60_000;
            while (sink.frames() < events && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            return sink.rate();
        }
    }

    private static void blast(FastExchange.Connection c, FrameSource frames, int[] symbolOf, long from, long count)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        c.blast(frames, symbolOf, from, count, done::countDown);
        if (!done.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the generator could not write " + count + " events in 300 s");
        }
    }

    static void await(AckTimes.TopicAcks acks, int expected, String what) throws InterruptedException {
        if (!acks.await(expected, 300_000)) {
            throw new IllegalStateException(what + ": only " + acks.count() + " of " + expected
                    + " records acknowledged within 300 s");
        }
    }
}
