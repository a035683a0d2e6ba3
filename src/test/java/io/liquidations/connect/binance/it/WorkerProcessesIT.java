package io.liquidations.connect.binance.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange.ConnectionInfo;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.it.ConnectClusterSupport.ReadBack;
import io.liquidations.connect.binance.it.CoverageAnalysis.Interval;
import io.liquidations.connect.binance.record.ForceOrderSchema;
import io.liquidations.connect.binance.record.StreamGapRecords;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product's promise on the topology users run (issue #8): a broker, three Connect worker <em>processes</em>
 * ({@code ConnectDistributed} in child JVMs, from the packaged plugin), one connector of three tasks, and the fake
 * exchange emitting a steady stream on every followed symbol whether or not anybody is connected. Each scenario does
 * to the cluster what production does — a worker killed, stopped, restarted one by one, a worker joining, the
 * connector paused past the exchange's patience, reconfigured, deleted and created again, the broker restarted, the
 * exchange's name not resolving — and is judged against the invariant:
 *
 * <blockquote>every liquidation the exchange published for a followed stream is in the topic exactly once, or inside
 * a gap record of its stream.</blockquote>
 *
 * <p>Scenarios cover contiguous windows of time, so every event emitted during the suite is judged by one of them,
 * recoveries included. Timings are shortened through settings: {@code scheduled.rebalance.max.delay.ms=5000} on the
 * workers (the default 5 minutes would be a 5-minute gap after a crash, reported as such); Connect's group timings
 * are its defaults. The workers resolve the exchange's name through a hosts file the test controls. Each scenario
 * adds a row to {@code target/reliability/RELIABILITY-workers.md}; run it alone with {@value #COMMAND}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerProcessesIT {
    static final String COMMAND =
            "mvn -B verify -Dit.test=WorkerProcessesIT -Dtest=NoUnit -Dsurefire.failIfNoSpecifiedTests=false";
    private static final Path TABLE = Path.of("target", "reliability", "RELIABILITY-workers.md");
    private static final Path HOME = Path.of("target", "worker-processes-it").toAbsolutePath();
    private static final String CONNECTOR = "cluster";
    private static final String TOPIC = "cluster.liquidations";
    private static final String EXCHANGE_HOST = "exchange.test";
    /** An event counts as inside a gap when its emission is within this of the gap's bounds (two clocks' stamps). */
    private static final long INSIDE_GAP_SLACK_MS = 100;
    private static final long EMIT_EVERY_MS = 300;
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    /** The table's rows, in scenario order. */
    private static final List<String> ROWS = Collections.synchronizedList(new ArrayList<>());
    private static EmbeddedKafkaCluster kafka;
    private static FakeBinanceExchange exchange;
    private static Path hostsFile;
    private static final List<WorkerProcess> workers = new ArrayList<>();
    private static Emitter emitter;
    private static long windowStart;
    private static long suiteStartNanos;
    /** The symbols the connector follows now. */
    private static List<String> followed = symbols(1, 12);

    // ---------------------------------------------------------------------------------------------
    // The cluster
    // ---------------------------------------------------------------------------------------------

    @BeforeAll
    static void startCluster() throws Exception {
        suiteStartNanos = System.nanoTime();
        Files.createDirectories(HOME);
        Properties broker = new Properties();
        broker.put("group.initial.rebalance.delay.ms", "0");
        kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
        exchange = FakeBinanceExchange.builder().markPriceInterval(Duration.ofMillis(100))
                .pingInterval(Duration.ofMillis(500)).pongTimeout(Duration.ofSeconds(2)).start();
        hostsFile = HOME.resolve("hosts");
        resolveExchange(true);
        Path security = HOME.resolve("no-dns-cache.security");
        // A name that stops resolving must fail at once, and resolve at once when it is back: no caching either way.
        Files.writeString(security, "networkaddress.cache.ttl=0\nnetworkaddress.cache.negative.ttl=0\n");
        List<String> jvm = workerJvmArgs();
        Map<String, String> props = Map.of("scheduled.rebalance.max.delay.ms", "5000");
        List<Thread> starting = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int i = 1; i <= 3; i++) {
            int index = i;
            int port = freePort();
            Thread t = new Thread(() -> {
                try {
                    WorkerProcess worker = WorkerProcess.start(HOME.resolve("worker-" + index), "workers-it",
                            kafka.bootstrapServers(), port, jvm, props);
                    synchronized (workers) {
                        workers.add(worker);
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            t.start();
            starting.add(t);
        }
        for (Thread t : starting) {
            t.join();
        }
        assertEquals(List.of(), failures, "every worker started");
        emitter = new Emitter();
        emitter.start();
        anyWorker().putConnector(CONNECTOR, connectorConfig(followed));
        anyWorker().awaitRunning(CONNECTOR, 3, RECOVERY);
        awaitDelivering(System.currentTimeMillis());
        windowStart = System.currentTimeMillis();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            String table = table((System.nanoTime() - suiteStartNanos) / 1_000_000);
            Files.createDirectories(TABLE.getParent());
            Files.writeString(TABLE, table);
            System.out.println("Worker-process table written to " + TABLE.toAbsolutePath() + ":\n" + table);
        } finally {
            if (emitter != null) {
                emitter.stop();
            }
            for (WorkerProcess worker : workers) {
                worker.close();
            }
            if (exchange != null) {
                exchange.close();
            }
            if (kafka != null) {
                kafka.stop();
            }
        }
    }

    private static Map<String, String> connectorConfig(List<String> symbols) {
        Map<String, String> config = new HashMap<>(ConnectClusterSupport.deployedConfig(Map.of(
                "binance.ws.url", "ws://" + EXCHANGE_HOST + ":" + exchange.port() + "/market",
                "symbols", String.join(",", symbols),
                "symbols.validation", "none",
                "tasks.max", "3",
                "topic", TOPIC,
                "ping.interval.ms", "500",
                "pong.timeout.ms", "1500",
                "canary.timeout.ms", "1500",
                "reconnect.backoff.initial.ms", "100",
                "reconnect.backoff.max.ms", "1000")));
        // A queue that a paused connector fills within about a second and a half (each task takes ~13 events/s).
        config.putAll(Map.of("queue.capacity", "20", "read.pause.max.ms", "2000"));
        return config;
    }

    // ---------------------------------------------------------------------------------------------
    // Scenarios
    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void sigkillTheWorkerHostingATask() throws Exception {
        long faultAt = now();
        WorkerProcess victim = hostOfTask(0);
        victim.kill();
        // The group notices after session.timeout.ms (10 s), then waits scheduled.rebalance.max.delay.ms (5 s).
        awaitTasksRunningOn(3, workers.stream().filter(w -> w != victim).toList());
        long coveredAgain = awaitDelivering(now());
        victim.launch();
        awaitStable();
        conclude("SIGKILL a worker", "kill -9 of the worker hosting task 0, then the process started again",
                faultAt, coveredAgain);
    }

    @Test
    @Order(2)
    void sigtermAWorker() throws Exception {
        long faultAt = now();
        WorkerProcess victim = hostOfTask(1);
        victim.close();
        awaitTasksRunningOn(3, workers.stream().filter(w -> w != victim).toList());
        long coveredAgain = awaitDelivering(now());
        victim.launch();
        awaitStable();
        conclude("SIGTERM a worker", "graceful stop of the worker hosting task 1 (a rolling restart's step), then"
                + " started again", faultAt, coveredAgain);
    }

    @Test
    @Order(3)
    void rollingRestartOfAllThreeWorkers() throws Exception {
        long faultAt = now();
        for (WorkerProcess worker : List.copyOf(workers)) {
            worker.close();
            awaitTasksRunningOn(3, workers.stream().filter(w -> w != worker).toList());
            worker.launch();
            awaitTasksRunningOn(3, workers);
        }
        long coveredAgain = awaitDelivering(now());
        awaitStable();
        conclude("rolling restart", "each of the three workers stopped (SIGTERM) and started again in turn",
                faultAt, coveredAgain);
    }

    @Test
    @Order(4)
    void aFourthWorkerJoins() throws Exception {
        long faultAt = now();
        WorkerProcess fourth = WorkerProcess.start(HOME.resolve("worker-4"), "workers-it", kafka.bootstrapServers(),
                freePort(), workerJvmArgs(), Map.of("scheduled.rebalance.max.delay.ms", "5000"));
        workers.add(fourth);
        awaitTasksRunningOn(3, workers);
        long coveredAgain = awaitDelivering(now());
        awaitStable();
        conclude("a fourth worker joins", "a new worker process joins the group; the cluster rebalances", faultAt,
                coveredAgain);
    }

    @Test
    @Order(5)
    void pausedPastTheExchangesPongTimeout() throws Exception {
        long faultAt = now();
        anyWorker().pauseConnector(CONNECTOR);
        // The tasks stop polling, their queues fill, the sockets stop reading, the exchange (pong timeout 2 s) drops
        // them unseen.
        sleep(6_000);
        anyWorker().resumeConnector(CONNECTOR);
        long coveredAgain = awaitDelivering(now());
        awaitStable();
        conclude("paused past the pong timeout", "PUT /connectors/cluster/pause for 6 s (queue.capacity=20,"
                + " read.pause.max.ms=2000, the exchange's pong timeout 2 s), then resume", faultAt, coveredAgain,
                () -> assertTrue(closedForNoPongSince(faultAt) > 0, "the exchange never dropped a paused socket for"
                        + " its missing pongs: the scenario did not pause the sockets past the exchange's patience"));
    }

    @Test
    @Order(6)
    void reconfiguredDuringIngestion() throws Exception {
        long faultAt = now();
        List<String> next = new ArrayList<>(symbols(3, 12));
        next.addAll(symbols(13, 14));
        List<String> removed = symbols(1, 2);
        List<String> added = symbols(13, 14);
        for (String symbol : removed) {
            emitter.unfollow(symbol, faultAt);
        }
        for (String symbol : added) {
            emitter.emitAlso(symbol);
        }
        followed = next;
        anyWorker().putConnector(CONNECTOR, connectorConfig(next));
        for (String symbol : added) {
            String stream = ForceOrderEvents.streamOf(symbol);
            waitUntil(() -> exchange.connections().stream().anyMatch(c -> c.open() && c.streams().contains(stream)),
                    RECOVERY, "no connection for the added " + symbol);
            emitter.followFrom(symbol, exchange.connections().stream().filter(c -> c.streams().contains(stream))
                    .mapToLong(c -> c.openedAt().toEpochMilli()).min().orElseThrow());
        }
        anyWorker().awaitRunning(CONNECTOR, 3, RECOVERY);
        long coveredAgain = awaitDelivering(now());
        awaitStable();
        conclude("reconfigured", "symbols changed during ingestion: 2 removed, 2 added (PUT of the config)", faultAt,
                coveredAgain);
    }

    @Test
    @Order(7)
    void deletedAndCreatedAgain() throws Exception {
        long faultAt = now();
        anyWorker().deleteConnector(CONNECTOR);
        waitUntil(() -> exchange.openConnectionCount() == 0, RECOVERY, "connections left after the delete");
        sleep(2_000);
        anyWorker().putConnector(CONNECTOR, connectorConfig(followed));
        anyWorker().awaitRunning(CONNECTOR, 3, RECOVERY);
        long coveredAgain = awaitDelivering(now());
        awaitStable();
        conclude("deleted and created again", "DELETE /connectors/cluster, 2 s, then the same config under the same"
                + " name", faultAt, coveredAgain);
    }

    @Test
    @Order(8)
    void brokerRestartedWithConnectsDefaultGroupTimings() throws Exception {
        long faultAt = now();
        kafka.stopOnlyBrokers();
        sleep(5_000);
        kafka.restartOnlyBrokers();
        anyWorker().awaitRunning(CONNECTOR, 3, RECOVERY);
        long coveredAgain = awaitDelivering(now());
        awaitStable();
        conclude("broker restart", "the only broker stopped for 5 s and restarted; the workers keep Connect's"
                + " default heartbeat and session timings", faultAt, coveredAgain);
    }

    @Test
    @Order(9)
    void theExchangesNameStopsResolvingDuringReconnects() throws Exception {
        long faultAt = now();
        resolveExchange(false);
        exchange.dropAllConnections();
        sleep(3_000);
        boolean noneDuringOutage = exchange.openConnectionCount() == 0;
        resolveExchange(true);
        long coveredAgain = awaitDelivering(now());
        awaitStable();
        conclude("DNS outage", "the exchange's name removed from the workers' hosts file, every connection dropped,"
                + " the name back after 3 s", faultAt, coveredAgain,
                () -> assertTrue(noneDuringOutage, "a connection opened while the name did not resolve"));
    }

    // ---------------------------------------------------------------------------------------------
    // Measurement
    // ---------------------------------------------------------------------------------------------

    private static String table(long suiteWallMs) {
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(COMMAND).append("`  \n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.arch")).append("; suite wall time ")
                .append(String.format("%.1f s", suiteWallMs / 1000.0)).append("\n\n");
        md.append("| scenario | published | in the topic | neither in the topic nor in a gap | duplicates | gap"
                + " records | gap start early / late, end off (ms, worst) | fromPrecision stated | covered again after"
                + " | promise kept? | notes |\n");
        md.append("|---|---:|---:|---:|---:|---|---|---|---:|---|---|\n");
        ROWS.forEach(row -> md.append("| ").append(row).append(" |\n"));
        md.append("\n- Published: every event the exchange emitted for a followed symbol in the scenario's window,"
                + " whether or not a connection was open. Windows are contiguous, recoveries included, so every event"
                + " of the suite is judged once; a symbol added by the reconfiguration counts from its first"
                + " connection, one removed until the PUT.\n");
        md.append("- Gap bounds against the truth (the intervals in which the exchange had no connection of the"
                + " stream open): how much earlier a gap starts (allowed up to its fromPrecision), how much later (a"
                + " late start could hide events; the invariant check catches any), and how far its end is off. A"
                + " gap that spans several hand-overs in a row also spans the short stretches some of them covered;"
                + " what those delivered is in the topic, so its end is off by design, never short.\n");
        return md.toString();
    }

    /** Judges every event of the window since the previous scenario against the invariant, and adds the row. */
    private static void conclude(String title, String fault, long faultAt, long coveredAgain,
            org.junit.jupiter.api.function.Executable... extra) throws Exception {
        long windowEnd = now();
        long started = windowStart;
        windowStart = windowEnd;
        List<Published> inScope = emitter.publishedBetween(started, windowEnd);
        Map<String, Integer> copies = new HashMap<>();
        List<Gap> gaps = new ArrayList<>();
        readUntilAccounted(inScope, copies, gaps);

        int inTopic = 0;
        int duplicates = 0;
        List<Published> outside = new ArrayList<>();
        for (Published event : inScope) {
            int count = copies.getOrDefault(event.id(), 0);
            if (count >= 1) {
                inTopic++;
                duplicates += count - 1;
            } else if (!insideAGap(event, gaps)) {
                outside.add(event);
            }
        }
        List<Gap> ofWindow = gaps.stream().filter(g -> g.to() >= started && g.from() <= windowEnd).toList();
        BoundErrors bounds = boundErrors(started, windowEnd, ofWindow);
        long worstBound = bounds.worst();
        String precisions = ofWindow.stream().map(Gap::precision).distinct().sorted()
                .collect(Collectors.joining(", "));
        boolean met = outside.isEmpty() && duplicates == 0;
        String verdict = met ? "yes" : "**not reached**: " + outside.size() + " published events neither in the"
                + " topic nor inside a gap, " + duplicates + " duplicates";
        String notes = "covered again " + (coveredAgain - faultAt) + " ms after the fault began; gap reasons "
                + reasons(ofWindow) + (precisions.isEmpty() ? "" : "; fromPrecision " + precisions)
                + (ofWindow.isEmpty() ? "" : "; starts early by up to " + bounds.startEarlyMax() + " ms, late by up to "
                        + bounds.startLateMax() + " ms; ends off by up to " + bounds.endOffMax() + " ms")
                + "; connections closed: " + closesByCause(started, windowEnd);
        ROWS.add(String.join(" | ", "**" + title + "**<br>" + fault, Integer.toString(inScope.size()),
                Integer.toString(inTopic), Integer.toString(outside.size()), Integer.toString(duplicates),
                ofWindow.isEmpty() ? "none" : ofWindow.size() + " (" + reasons(ofWindow) + ")",
                ofWindow.isEmpty() ? "–" : bounds.startEarlyMax() + " / " + bounds.startLateMax() + " / "
                        + bounds.endOffMax(),
                precisions.isEmpty() ? "–" : precisions,
                (coveredAgain - faultAt) + " ms", verdict,
                "connections closed: " + closesByCause(started, windowEnd) + "; " + String.format("%.1f s",
                        (windowEnd - started) / 1000.0)));
        System.out.printf("[workers] %s: %d published, %d in the topic, %d outside every gap, %d duplicates, %d gaps"
                + " (%s), worst bound error %d ms; %s%n", title, inScope.size(), inTopic, outside.size(),
                duplicates, ofWindow.size(), reasons(ofWindow), worstBound, notes);
        outside.stream().limit(5).forEach(e -> System.out.printf("[workers]   lost silently: %s emitted at %d%n",
                e.id(), e.emittedAt()));
        int duplicated = duplicates;
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>(List.of(
                () -> assertEquals(List.of(), outside.stream().limit(10).map(Published::id).toList(),
                        outside.size() + " events neither in the topic nor inside a gap record"),
                () -> assertEquals(0, duplicated, "duplicates"),
                () -> assertEquals(List.of(), bounds.unstated(), "gap starts earlier than their fromPrecision says")));
        checks.addAll(List.of(extra));
        assertAll(title, checks);
    }

    private static boolean insideAGap(Published event, List<Gap> gaps) {
        return gaps.stream().anyMatch(g -> g.streams().contains(event.stream())
                && g.from() - INSIDE_GAP_SLACK_MS <= event.emittedAt()
                && event.emittedAt() <= g.to() + INSIDE_GAP_SLACK_MS);
    }

    /**
     * How each gap record's bounds compare with the stream's true uncovered interval (no connection for it open, on
     * the exchange's records) that it overlaps: how much earlier its start is (negative: later, which would hide
     * events), and how far its end is off.
     */
    record BoundErrors(long worst, long startEarlyMax, long startLateMax, long endOffMax, List<String> unstated) {
        static BoundErrors none() {
            return new BoundErrors(-1, 0, 0, 0, List.of());
        }
    }

    private static BoundErrors boundErrors(long from, long to, List<Gap> gaps) {
        long worst = -1;
        long earlyMax = 0;
        long lateMax = 0;
        long endMax = 0;
        List<String> unstated = new ArrayList<>();
        Map<String, List<Interval>> connected = new HashMap<>();
        for (ConnectionInfo c : exchange.connections()) {
            if (c.openedAt().toEpochMilli() > to) {
                continue;
            }
            Interval open = new Interval(c.openedAt().toEpochMilli(),
                    c.closedAt() == null ? to : Math.min(to, c.closedAt().toEpochMilli()));
            c.requestedStreams().forEach(s -> connected.computeIfAbsent(s, k -> new ArrayList<>()).add(open));
        }
        for (Gap gap : gaps) {
            for (String stream : gap.streams()) {
                // Not clipped to the window: a gap that began in the previous scenario's window is judged whole.
                List<Interval> uncovered = CoverageAnalysis.uncovered(connected.getOrDefault(stream, List.of()),
                        List.of(), Math.max(firstConnected(stream, from), gap.from() - 60_000),
                        Math.min(to, gap.to() + 60_000));
                for (Interval truth : uncovered) {
                    if (truth.to() >= gap.from() && truth.from() <= gap.to()) {
                        long early = truth.from() - gap.from();
                        long endOff = Math.abs(truth.to() - gap.to());
                        worst = Math.max(worst, Math.max(Math.abs(early), endOff));
                        earlyMax = Math.max(earlyMax, early);
                        lateMax = Math.max(lateMax, -early);
                        endMax = Math.max(endMax, endOff);
                        long stated = gap.earlyByAtMostMs();
                        if (stated != Long.MAX_VALUE && early > stated + INSIDE_GAP_SLACK_MS) {
                            unstated.add(stream + " gap from " + gap.from() + " starts " + early + " ms early, stated "
                                    + gap.precision() + "; truth " + truth + ", closes there: " + closesAt(stream,
                                    truth.from()));
                        }
                    }
                }
            }
        }
        return new BoundErrors(worst, earlyMax, lateMax, endMax, unstated);
    }

    /** When the stream was first connected: before that it was not followed yet, so not uncovered either. */
    private static long firstConnected(String stream, long otherwise) {
        return exchange.connections().stream().filter(c -> c.requestedStreams().contains(stream))
                .mapToLong(c -> c.openedAt().toEpochMilli()).min().orElse(otherwise);
    }

    /** How the exchange saw connections end in the window: by the client, by its own pong timeout, by the test. */
    private static String closesByCause(long from, long to) {
        Map<String, Long> byCause = exchange.connections().stream()
                .filter(c -> c.closedAt() != null && c.closedAt().toEpochMilli() >= from
                        && c.closedAt().toEpochMilli() < to)
                .collect(Collectors.groupingBy(c -> c.closeCause().replaceAll(" ?[(:].*", ""), TreeMap::new,
                        Collectors.counting()));
        return byCause.isEmpty() ? "none" : byCause.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Connections the exchange closed since {@code from} because they answered no ping in time. */
    private static long closedForNoPongSince(long from) {
        return exchange.connections().stream()
                .filter(c -> c.closedAt() != null && c.closedAt().toEpochMilli() >= from
                        && c.closeCause().contains("no pong"))
                .count();
    }

    private static String closesAt(String stream, long at) {
        return exchange.connections().stream().filter(c -> c.closedAt() != null && c.requestedStreams().contains(stream)
                && Math.abs(c.closedAt().toEpochMilli() - at) < 50).map(ConnectionInfo::closeCause).toList().toString();
    }

    private static String reasons(List<Gap> gaps) {
        Map<String, Long> byReason = gaps.stream()
                .collect(Collectors.groupingBy(Gap::reason, TreeMap::new, Collectors.counting()));
        return byReason.isEmpty() ? "none" : byReason.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /**
     * Reads the topic and its gaps topic from the start until every event of {@code inScope} is accounted for (in
     * the topic or inside a gap) or nothing new arrives for 5 s, then on to the end offsets of that moment.
     */
    private static void readUntilAccounted(List<Published> inScope, Map<String, Integer> copies, List<Gap> gaps)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long lastProgress = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumer(Map.of())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(TOPIC, TOPIC + ".gaps")) {
                if (kafka.describeTopics(topic).get(topic).isPresent()) {
                    consumer.partitionsFor(topic, Duration.ofSeconds(10))
                            .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline) {
                int before = copies.size() + gaps.size();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    ReadBack read = ConnectClusterSupport.decode(List.of(record), record.topic()).get(0);
                    if (record.topic().equals(TOPIC)) {
                        copies.merge(read.symbol() + "@" + ((Date) read.value().get(ForceOrderSchema.TRADE_TIME))
                                .getTime(), 1, Integer::sum);
                    } else {
                        gaps.add(Gap.of(read));
                    }
                }
                if (copies.size() + gaps.size() > before) {
                    lastProgress = System.nanoTime();
                }
                boolean accounted = inScope.stream().allMatch(e -> copies.containsKey(e.id()) || insideAGap(e, gaps));
                if (accounted || System.nanoTime() - lastProgress > Duration.ofSeconds(5).toNanos()) {
                    break;
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long drain = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < drain) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    ReadBack read = ConnectClusterSupport.decode(List.of(record), record.topic()).get(0);
                    if (record.topic().equals(TOPIC)) {
                        copies.merge(read.symbol() + "@" + ((Date) read.value().get(ForceOrderSchema.TRADE_TIME))
                                .getTime(), 1, Integer::sum);
                    } else {
                        gaps.add(Gap.of(read));
                    }
                }
            }
        }
    }

    /** A gap record as read back. */
    record Gap(Set<String> streams, long from, long to, String reason, String precision) {
        static Gap of(ReadBack record) {
            @SuppressWarnings("unchecked")
            List<String> streams = (List<String>) record.value().get(StreamGapRecords.STREAMS);
            return new Gap(Set.copyOf(streams),
                    ((Date) record.value().get(StreamGapRecords.UNCOVERED_FROM)).getTime(),
                    ((Date) record.value().get(StreamGapRecords.UNCOVERED_TO)).getTime(),
                    record.value().getString(StreamGapRecords.REASON),
                    record.value().getString(StreamGapRecords.FROM_PRECISION));
        }

        /**
         * How much earlier than the truth the start may be, as the record states it: N for at-most-N-ms-early;
         * unbounded for exact, whose start is the last evidence of delivery, which the exchange's close follows.
         */
        long earlyByAtMostMs() {
            java.util.regex.Matcher bound = java.util.regex.Pattern.compile("at-most-(\\d+)-ms-early")
                    .matcher(precision);
            return bound.matches() ? Long.parseLong(bound.group(1)) : Long.MAX_VALUE;
        }
    }

    /** One event the exchange published, whether or not a connection received it. */
    record Published(String symbol, long tradeTime, long emittedAt, int connections) {
        String id() {
            return symbol + "@" + tradeTime;
        }

        String stream() {
            return ForceOrderEvents.streamOf(symbol);
        }
    }

    /**
     * Publishes a liquidation on every symbol in turn, steadily, whether anybody listens or not, as Binance does; and
     * knows, per symbol, when the connector follows it.
     */
    private static final class Emitter {
        private final ForceOrderEvents events = new ForceOrderEvents(808, System.currentTimeMillis()
                - Duration.ofHours(2).toMillis());
        private final List<Published> published = Collections.synchronizedList(new ArrayList<>());
        private final List<String> emitting = new java.util.concurrent.CopyOnWriteArrayList<>(followed);
        private final Map<String, Long> followedFrom = new ConcurrentHashMap<>();
        private final Map<String, Long> followedUntil = new ConcurrentHashMap<>();
        private volatile boolean running = true;
        private Thread thread;

        void start() {
            thread = new Thread(() -> {
                try {
                    while (running) {
                        long round = System.nanoTime();
                        for (String symbol : emitting) {
                            SentForceOrder event = events.next(symbol);
                            long at = System.currentTimeMillis();
                            int written = exchange.emit(event.stream(), event.toJson());
                            published.add(new Published(symbol, event.tradeTime(), at, written));
                        }
                        long left = EMIT_EVERY_MS - (System.nanoTime() - round) / 1_000_000;
                        if (left > 0) {
                            Thread.sleep(left);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "workers-it-emitter");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }

        void emitAlso(String symbol) {
            followedFrom.put(symbol, Long.MAX_VALUE);
            emitting.add(symbol);
        }

        void followFrom(String symbol, long at) {
            followedFrom.put(symbol, at);
        }

        void unfollow(String symbol, long at) {
            followedUntil.put(symbol, at);
        }

        /** What was published in {@code [from, to)} for symbols followed at the time. */
        List<Published> publishedBetween(long from, long to) {
            synchronized (published) {
                return published.stream()
                        .filter(e -> e.emittedAt() >= from && e.emittedAt() < to)
                        .filter(e -> e.emittedAt() >= followedFrom.getOrDefault(e.symbol(), Long.MIN_VALUE))
                        .filter(e -> e.emittedAt() < followedUntil.getOrDefault(e.symbol(), Long.MAX_VALUE))
                        .toList();
            }
        }

        /** When an event of {@code symbol} last reached an open connection. */
        long lastDelivered(String symbol) {
            synchronized (published) {
                for (int i = published.size() - 1; i >= 0; i--) {
                    Published e = published.get(i);
                    if (e.symbol().equals(symbol) && e.connections() > 0) {
                        return e.emittedAt();
                    }
                }
            }
            return Long.MIN_VALUE;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    /** Waits until every followed symbol's events reach an open connection again; returns when they all did. */
    private static long awaitDelivering(long since) throws InterruptedException {
        waitUntil(() -> followed.stream().allMatch(symbol -> emitter.lastDelivered(symbol) >= since), RECOVERY,
                "the followed streams are not delivering again");
        return now();
    }

    /** A few seconds for the last gap records and checkpoints to be written and committed. */
    private static void awaitStable() throws InterruptedException {
        sleep(3_000);
    }

    private static WorkerProcess anyWorker() {
        return workers.stream().filter(WorkerProcess::isAlive).findFirst().orElseThrow();
    }

    private static WorkerProcess hostOfTask(int task) throws IOException, InterruptedException {
        JsonNode status = anyWorker().status(CONNECTOR);
        for (JsonNode t : status.path("tasks")) {
            if (t.path("id").asInt() == task) {
                String host = t.path("worker_id").asText();
                return workers.stream().filter(w -> w.workerId().equals(host)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no worker " + host));
            }
        }
        throw new IllegalStateException("no task " + task + " in " + status);
    }

    /** Waits until {@code tasks} tasks run, each on one of {@code on}. */
    private static void awaitTasksRunningOn(int tasks, List<WorkerProcess> on) throws InterruptedException {
        Set<String> hosts = on.stream().map(WorkerProcess::workerId).collect(Collectors.toSet());
        waitUntil(() -> {
            try {
                JsonNode status = on.get(0).status(CONNECTOR);
                if (status == null) {
                    return false;
                }
                int running = 0;
                for (JsonNode t : status.path("tasks")) {
                    if ("RUNNING".equals(t.path("state").asText()) && hosts.contains(t.path("worker_id").asText())) {
                        running++;
                    }
                }
                return running == tasks;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, RECOVERY, tasks + " tasks not RUNNING on " + hosts);
    }

    private static List<String> workerJvmArgs() {
        return List.of("-Djdk.net.hosts.file=" + hostsFile,
                "-Djava.security.properties=" + HOME.resolve("no-dns-cache.security"));
    }

    /** The workers' hosts file: the exchange's name resolves, or not; the machine's own names always do. */
    private static void resolveExchange(boolean resolves) throws IOException {
        String self = InetAddress.getLocalHost().getHostName();
        List<String> lines = new ArrayList<>(List.of("127.0.0.1 localhost", "127.0.0.1 " + self));
        if (resolves) {
            lines.add("127.0.0.1 " + EXCHANGE_HOST);
        }
        Path next = hostsFile.resolveSibling("hosts.next");
        Files.write(next, lines);
        Files.move(next, hostsFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> symbols(int from, int to) {
        List<String> list = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            list.add(String.format("WP%02dUSDT", i));
        }
        return List.copyOf(list);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void waitUntil(BooleanSupplier condition, Duration timeout, String message)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message + " within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }
}
