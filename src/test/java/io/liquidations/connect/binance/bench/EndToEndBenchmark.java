package io.liquidations.connect.binance.bench;

import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
    record Sizes(int events, int rounds, int symbols, int pacedPerSecond, int pacedSeconds, int producerPacedSeconds) {
        static final Sizes FULL = new Sizes(200_000, 3, 200, 1000, 30, 15);
        static final Sizes SMOKE = new Sizes(2_000, 1, 20, 1000, 1, 1);
    }

    private static final long START = BenchmarkMain.EVENT_TIME_START;
    static final long QUIET_MS = 15_000;
    private final BenchCluster cluster;
    private final FastExchange exchange;
    private final Sizes sizes;

    EndToEndBenchmark(BenchCluster cluster, FastExchange exchange, Sizes sizes) {
        this.cluster = cluster;
        this.exchange = exchange;
        this.sizes = sizes;
    }

    /** One measured round of one path: its steady rate and the CPU its threads used per event. */
    record Round(double rate, double cpuPerEvent, Map<String, Double> cpuBreakdown, long gcCount, long gcMillis) {
    }

    /** A way of getting the same records into Kafka: warmed up once, then measured round after round. */
    private abstract class Path {
        final String topic;
        final List<Round> rounds = new ArrayList<>();
        long nextSeq;

        Path(String topic) {
            this(topic, true);
        }

        Path(String topic, boolean create) {
            this.topic = topic;
            if (create) {
                cluster.createTopic(topic);
            }
        }

        abstract void send(long from, long count) throws Exception;

        abstract Map<String, Predicate<String>> threads();

        void warmUp(int events) throws Exception {
            AckTimes.forget(topic);
            AckTimes.TopicAcks acks = AckTimes.of(topic);
            send(nextSeq, events);
            nextSeq += events;
            await(acks, events, topic + " warm-up");
        }

        void measure(int events) throws Exception {
            AckTimes.forget(topic);
            AckTimes.TopicAcks acks = AckTimes.of(topic);
            long[] gcBefore = gc();
            ThreadCpu before = ThreadCpu.snapshot();
            send(nextSeq, events);
            nextSeq += events;
            await(acks, events, topic);
            ThreadCpu after = ThreadCpu.snapshot();
            long[] gcAfter = gc();
            Map<String, Double> breakdown = new LinkedHashMap<>();
            long cpu = 0;
            for (Map.Entry<String, Predicate<String>> group : threads().entrySet()) {
                long used = after.cpuSince(before, group.getValue());
                cpu += used;
                breakdown.put(group.getKey() + " ns/event", used / (double) events);
            }
            breakdown.put("whole JVM ns/event", after.processCpuSince(before) / (double) events);
            breakdown.put("generator ns/event", after.cpuSince(before, ThreadCpu.exchange()) / (double) events);
            rounds.add(new Round(Stats.sustainedRate(acks.ackNanos()), cpu / (double) events, breakdown,
                    gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]));
        }

        Round best() {
            return rounds.stream().max(java.util.Comparator.comparingDouble(Round::rate)).orElseThrow();
        }

        BenchCluster.Delivery delivery() {
            return cluster.readBack(topic, START, (int) nextSeq, Duration.ofSeconds(60));
        }
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
        double sinkRate = generatorRate(frames, allSymbols);

        // Connect's ceiling: the do-nothing task, redeployed for each round with the count and first event time.
        String nothingName = "bench-e2e-donothing";
        Path nothing = new Path(nothingName) {
            @Override
            void send(long from, long count) throws Exception {
                Map<String, String> config = new HashMap<>(BenchCluster.CONVERTERS);
                config.putAll(Map.of("connector.class", PrebuiltRecordsConnector.class.getName(), "tasks.max", "1",
                        PrebuiltRecordsConnector.TOPIC, topic, PrebuiltRecordsConnector.START,
                        Long.toString(START + from), PrebuiltRecordsConnector.SYMBOLS,
                        Integer.toString(sizes.symbols()), PrebuiltRecordsConnector.COUNT, Long.toString(count)));
                cluster.deploy(nothingName, config, 1);
            }

            @Override
            Map<String, Predicate<String>> threads() {
                return Map.of("task thread", ThreadCpu.taskThreads(nothingName),
                        "producer I/O", ThreadCpu.producerIo("connector-producer-" + nothingName + "-"));
            }
        };

        // The machine's ceiling: a plain producer.
        PlainProducerBaseline producer = new PlainProducerBaseline(cluster.bootstrapServers(), "bench-e2e-producer",
                START, sizes.symbols());
        Path plain = new Path("bench-e2e-producer") {
            @Override
            void send(long from, long count) {
                producer.blast(topic, START, from, count);
            }

            @Override
            Map<String, Predicate<String>> threads() {
                // The sending thread is this one (it sleeps while waiting for the acks).
                String me = Thread.currentThread().getName();
                return Map.of("sender (this thread)", n -> n.equals(me),
                        "producer I/O", ThreadCpu.producerIo(PlainProducerBaseline.CLIENT_ID));
            }
        };

        // The connector, deployed over REST like users do, fed by the generator on its one connection.
        String name = "bench-e2e";
        long put = System.currentTimeMillis();
        String connectorTopic = "bench-e2e-connector";
        cluster.createTopic(connectorTopic);
        cluster.deploy(name, cluster.connectorConfig(Map.of(
                "name", name,
                "tasks.max", "1",
                "binance.ws.url", exchange.baseUrl(),
                "symbols", String.join(",", symbols),
                "streams.per.connection", Integer.toString(Math.max(200, sizes.symbols())),
                // One connection, as measured here; the default second leg would read every event again.
                "connections.per.stream", "1",
                "topic", connectorTopic)), 1);
        String firstStream = ForceOrderEvents.streamOf(symbols.get(0));
        FastExchange.Connection connection = exchange.awaitConnection(
                c -> c.streams().contains(firstStream) && c.openedAtMillis() >= put, 30_000);
        if (connection == null) {
            throw new IllegalStateException("the connector never connected to the generator");
        }
        Path connector = new Path(connectorTopic, false) {
            @Override
            void send(long from, long count) throws Exception {
                blast(connection, frames, allSymbols, from, count);
            }

            @Override
            Map<String, Predicate<String>> threads() {
                Map<String, Predicate<String>> groups = new LinkedHashMap<>();
                groups.put("event loop", ThreadCpu.connectorIo());
                groups.put("task thread", ThreadCpu.taskThreads(name));
                groups.put("producer I/O", ThreadCpu.producerIo("connector-producer-" + name + "-"));
                return groups;
            }
        };

        List<Path> paths = List.of(nothing, plain, connector);
        for (Path path : paths) {
            path.warmUp(warmup);
        }
        // Interleaved rounds, so that a disturbance from outside (another build) hits the paths alike.
        long retainedBefore = BenchCluster.retainedHeap();
        for (int round = 0; round < sizes.rounds(); round++) {
            for (Path path : paths) {
                path.measure(sizes.events());
            }
        }
        long retainedAfter = BenchCluster.retainedHeap();
        long rss = BenchCluster.rssBytes();
        long committed = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();

        // Latency at a paced rate: the connector, then the plain producer for reference.
        int paced = sizes.pacedPerSecond() * sizes.pacedSeconds();
        AckTimes.forget(connectorTopic);
        AckTimes.TopicAcks pacedAcks = AckTimes.of(connectorTopic);
        CountDownLatch pacedDone = new CountDownLatch(1);
        long[] pacedGcBefore = gc();
        connection.paced(frames, allSymbols, connector.nextSeq, paced, sizes.pacedPerSecond(), pacedDone::countDown);
        pacedDone.await(sizes.pacedSeconds() + 60L, TimeUnit.SECONDS);
        connector.nextSeq += paced;
        await(pacedAcks, paced, "connector paced");
        long[] latency = pacedAcks.latencyMicros();
        long[] pacedGc = gc();
        int producerPaced = sizes.pacedPerSecond() * sizes.producerPacedSeconds();
        AckTimes.forget(plain.topic);
        AckTimes.TopicAcks producerPacedAcks = AckTimes.of(plain.topic);
        producer.paced(plain.topic, START, plain.nextSeq, producerPaced, sizes.pacedPerSecond());
        plain.nextSeq += producerPaced;
        await(producerPacedAcks, producerPaced, "plain producer paced");
        long[] producerLatency = producerPacedAcks.latencyMicros();
        producer.close();

        BenchCluster.Delivery delivery = connector.delivery();
        BenchCluster.Delivery nothingDelivery = nothing.delivery();
        BenchCluster.Delivery producerDelivery = plain.delivery();
        long handshakes = exchange.handshakes();
        cluster.delete(name);
        cluster.delete(nothingName);

        Round c = connector.best();
        Round d = nothing.best();
        Round p = plain.best();
        section.figure("connector sustained rate", c.rate(), "records/s", null, null).detail("rounds", rates(connector));
        section.figure("do-nothing task sustained rate", d.rate(), "records/s", null, null)
                .detail("rounds", rates(nothing));
        section.figure("plain KafkaProducer sustained rate", p.rate(), "records/s", null, null)
                .detail("rounds", rates(plain));
        section.figure("connector / do-nothing task", c.rate() / d.rate(), "×", "≥ 0.9×", c.rate() / d.rate() >= 0.9);
        section.figure("connector / plain producer", c.rate() / p.rate(), "×", "≥ 0.8×", c.rate() / p.rate() >= 0.8);
        section.figure("generator → do-nothing Netty reader", sinkRate, "frames/s", "> connector rate",
                sinkRate > c.rate());
        section.figure("connector lost", delivery.lost(), "events", "0", delivery.lost() == 0)
                .detail("delivery", delivery);
        section.figure("connector duplicated", delivery.duplicated() + delivery.foreign(), "events", "0",
                delivery.duplicated() + delivery.foreign() == 0);
        section.figure("baselines lost + duplicated", nothingDelivery.lost() + nothingDelivery.duplicated()
                + nothingDelivery.foreign() + producerDelivery.lost() + producerDelivery.duplicated()
                + producerDelivery.foreign(), "events", "0", nothingDelivery.exact() && producerDelivery.exact())
                .detail("do-nothing", nothingDelivery).detail("plain producer", producerDelivery);
        section.figure("latency p50 at " + sizes.pacedPerSecond() + "/s", Stats.percentile(latency, 50) / 1000,
                "ms", null, null).detail("samples", latency.length);
        double p99 = Stats.percentile(latency, 99) / 1000;
        section.figure("latency p99 at " + sizes.pacedPerSecond() + "/s", p99, "ms", "≤ 20 ms", p99 <= 20);
        long[] perSecondMax = Stats.windowMax(latency, sizes.pacedPerSecond());
        section.figure("latency max at " + sizes.pacedPerSecond() + "/s", Stats.max(latency) / 1000, "ms", null,
                null).detail("slowest seconds' max ms", Stats.slowest(perSecondMax, 5))
                .detail("median second's max ms", Stats.percentile(perSecondMax, 50) / 1000)
                .detail("GC during the paced run", (pacedGc[0] - pacedGcBefore[0]) + " collections, "
                        + (pacedGc[1] - pacedGcBefore[1]) + " ms");
        section.figure("plain producer latency p50 at " + sizes.pacedPerSecond() + "/s",
                Stats.percentile(producerLatency, 50) / 1000, "ms", null, null)
                .detail("p99 ms", Stats.percentile(producerLatency, 99) / 1000)
                .detail("max ms", Stats.max(producerLatency) / 1000);
        section.figure("connector CPU per event (event loop + task thread + producer I/O)", c.cpuPerEvent(), "ns",
                null, null).detail("breakdown", c.cpuBreakdown());
        section.figure("do-nothing CPU per event (task thread + producer I/O)", d.cpuPerEvent(), "ns", null, null)
                .detail("breakdown", d.cpuBreakdown());
        section.figure("plain producer CPU per event (sender + producer I/O)", p.cpuPerEvent(), "ns", null, null)
                .detail("breakdown", p.cpuBreakdown());
        section.figure("retained heap after the rounds − before (JVM: broker + worker + generator)",
                (retainedAfter - retainedBefore) / 1048576.0, "MiB", null, null)
                .detail("retained before MiB", retainedBefore / 1048576.0)
                .detail("heap committed MiB", committed / 1048576.0);
        section.figure("RSS after the rounds (same JVM)", rss / 1048576.0, "MiB", null, null);
        section.figure("GC during the connector's best round", c.gcMillis(), "ms", null, null)
                .detail("collections", c.gcCount());
        section.detail("events per measured round", sizes.events());
        section.detail("measured rounds per path (interleaved; the best is reported)", sizes.rounds());
        section.detail("warm-up events per path", warmup);
        section.detail("value size (JSON, schemaless, numeric decimals)", producer.valueBytes() + " B");
        section.detail("WebSocket handshakes the generator saw", handshakes);
        section.note("Rates are the steady part of each measured round: records acknowledged between the 10th and"
                + " the 90th percentile ack, over the time between them.");
        section.note("Latency = ack time (producer interceptor, right before Connect's commitRecord) minus the"
                + " record's binance.received.at header (ms resolution: each figure is 0-1 ms high).");
        return section;
    }

    private static List<Long> rates(Path path) {
        return path.rounds.stream().map(r -> Math.round(r.rate())).toList();
    }

    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
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

    /**
     * Waits for {@code expected} acks, or until none came for {@link #QUIET_MS}: then something was lost, which the
     * read-back counts and the report shows, rather than the run failing without figures.
     */
    static void await(AckTimes.TopicAcks acks, int expected, String what) throws InterruptedException {
        int last = -1;
        long lastProgress = System.currentTimeMillis();
        while (acks.count() < expected) {
            int now = acks.count();
            if (now != last) {
                last = now;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > QUIET_MS) {
                System.out.println("[bench] " + what + ": " + now + " of " + expected + " records acknowledged, none"
                        + " for " + QUIET_MS / 1000 + " s; going on with what arrived");
                return;
            }
            Thread.sleep(20);
        }
    }
}
