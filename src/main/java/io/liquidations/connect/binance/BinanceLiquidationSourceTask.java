package io.liquidations.connect.binance;

import io.liquidations.connect.binance.LiquidationPipeline.Queued;
import io.liquidations.connect.binance.config.CrossFieldValidation;
import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.config.StreamMode;
import io.liquidations.connect.binance.coverage.CoverageCheckpoints;
import io.liquidations.connect.binance.coverage.CoverageLedger;
import io.liquidations.connect.binance.coverage.FirstCheckpointGate;
import io.liquidations.connect.binance.coverage.PreviousCoverage;
import io.liquidations.connect.binance.coverage.StreamEnd;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.filter.LiquidationFilter;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.GapInterval;
import io.liquidations.connect.binance.record.ReceivedLiquidation;
import io.liquidations.connect.binance.record.RecordSource;
import io.liquidations.connect.binance.record.StreamCoverageRecords;
import io.liquidations.connect.binance.record.StreamGapRecords;
import io.liquidations.connect.binance.stream.ConnectionAttemptBudget;
import io.liquidations.connect.binance.stream.HostResolver;
import io.liquidations.connect.binance.stream.StreamClient;
import io.liquidations.connect.binance.stream.StreamClientSettings;
import io.liquidations.connect.binance.stream.StreamNames;
import io.liquidations.connect.binance.stream.TlsContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this task's WebSocket connections open and hands their liquidations to the worker. The socket side
 * ({@link StreamClient} → {@link LiquidationPipeline}) fills a {@link RecordQueue}; {@link #poll()} drains it.
 */
public class BinanceLiquidationSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(BinanceLiquidationSourceTask.class);
    /** Short enough for the worker to notice a stop request promptly. */
    private static final long POLL_WAIT_MS = 1_000;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final HostResolver resolver;
    private final IngestCounters counters = new IngestCounters();
    private final ErrorHandler errors = new ErrorHandler();
    /** Records returned by poll() that Kafka has not acknowledged yet, with what each was built from. */
    private final HandedOver handedOver = new HandedOver();
    private RecordQueue<Queued> queue;
    private StreamClient client;
    private ConnectorMetrics metrics;
    private LiquidationDeduplicator deduplicator;
    private LiquidationPipeline pipeline;
    private CoverageLedger ledger;
    private CoverageCheckpoints checkpoints;
    private FirstCheckpointGate firstCheckpoints;
    private int maxBatchSize;

    public BinanceLiquidationSourceTask() {
        this(HostResolver.SYSTEM);
    }

    /** With the host names looked up by {@code resolver}: for tests that make DNS fail and recover. */
    BinanceLiquidationSourceTask(HostResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        LiquidationTaskConfig config = new LiquidationTaskConfig(props);
        CrossFieldValidation.ensureValid(config);
        maxBatchSize = config.maxBatchSize();
        queue = new RecordQueue<>(config.queueCapacity(), () -> client.resumeReading());
        String connector = props.getOrDefault("name", "binance-liquidations");
        String taskId = config.taskId();
        metrics = ConnectorMetrics.forTask(context, connector, taskId, counters);
        metrics.watchQueue(queue::size, queue.capacity());
        deduplicator = new LiquidationDeduplicator();
        pipeline = new LiquidationPipeline(
                new ForceOrderRecords(config.topic(), config.market(), config.decimalHandlingMode(),
                        config.contracts()),
                new StreamGapRecords(config.gapsTopic(), config.market()), queue, errors,
                config.behaviorOnMalformedEvent(), metrics, deduplicator);
        ledger = CoverageLedger.forConnector(connector);
        pipeline.filterWith(liquidationFilter(config, metrics));
        Map<String, List<String>> groups = streamGroups(config, connector + "/task-" + taskId);
        groups.forEach(pipeline::follow);
        List<String> streams = groups.values().stream().flatMap(List::stream).toList();
        long followedSince = System.currentTimeMillis();
        OffsetStorageReader offsets = context == null ? null : context.offsetStorageReader();
        Map<String, StreamEnd> previousEnds = PreviousCoverage.of(streams, config.market(), offsets, ledger);
        pipeline.expectPreviousEnds(previousEnds);
        checkpoints = new CoverageCheckpoints(new StreamCoverageRecords(config.coverageTopic(), connector,
                config.market()), config.coverageIntervalMs(), previousEnds, followedSince);
        metrics.watchCoverage(checkpoints::oldestWatermark);
        takeOverWhatAStoppedTaskLeft(config, groups);
        client = new StreamClient(clientSettings(config, resolver), pipeline);
        firstCheckpoints = new FirstCheckpointGate(config.market(), offsets, previousEnds.keySet());
        Map<String, List<String>> connectNow = firstCheckpoints.admit(groups, followedSince);
        log.info("Following {} streams over {} groups of {} connections each to {}",
                groups.values().stream().mapToInt(List::size).sum(), groups.size(), config.connectionsPerStream(),
                config.webSocketUrl());
        metrics.watchLegs(client.start(connectNow), client::streamsBelowRedundancy);
    }

    /**
     * Delivers, rebuilt under this task's config, what a stopped task of the connector in this worker received but
     * never handed to the worker: the records of this task's streams, and task 0 also those of streams the
     * connector no longer follows (they were received while it did).
     */
    private void takeOverWhatAStoppedTaskLeft(LiquidationTaskConfig config, Map<String, List<String>> groups) {
        Set<String> mine = new HashSet<>();
        groups.values().forEach(mine::addAll);
        Set<String> followed = new HashSet<>(connectorStreams(config));
        boolean orphansToo = "0".equals(config.taskId());
        List<RecordSource> leftOver = ledger.takeHandedOver(streams -> streams.stream().anyMatch(mine::contains)
                || (orphansToo && streams.stream().noneMatch(followed::contains)));
        if (!leftOver.isEmpty()) {
            log.info("Delivering {} records a stopped task of this connector received but could not deliver",
                    leftOver.size());
            leftOver.forEach(pipeline::deliverLeftOver);
        }
    }

    /** Kafka has the record: it no longer bounds the coverage a stop would lose. */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        HandedOver.acknowledged(record);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        // Connection trouble is reported at once; the queue keeps its records for the next poll.
        errors.throwIfRetriable();
        long wait = Math.min(POLL_WAIT_MS, checkpoints.dueInMs(System.currentTimeMillis()));
        List<Queued> batch = queue.poll(wait, TimeUnit.MILLISECONDS, maxBatchSize);
        List<SourceRecord> records = new ArrayList<>(batch.size());
        handedOver.handOver(batch, records);
        if (records.isEmpty()) {
            // What arrived before a fatal failure is delivered before the failure is reported.
            errors.throwIfFailed();
        }
        connectWhatIsNoLongerHeld();
        long now = System.currentTimeMillis();
        if (!errors.hasFatal() && checkpoints.dueInMs(now) == 0) {
            // Once failed, coverage is not proved any further: what failed the task must stay after the watermark.
            // The coverage is computed only when checkpoints are due: it walks every record not yet in Kafka.
            List<SourceRecord> due = checkpoints.due(now, groupCoverage(), handedOver.notYetInKafka(),
                    oldestQueued());
            metrics.coverageRecords(due.size());
            records.addAll(due);
        }
        return records.isEmpty() ? null : records;
    }

    /** Streams followed for the first time connect once their first checkpoint is committed. */
    private void connectWhatIsNoLongerHeld() {
        if (firstCheckpoints.holding()) {
            Map<String, List<String>> released = firstCheckpoints.released(System.currentTimeMillis());
            if (!released.isEmpty()) {
                log.info("The first coverage checkpoints of {} groups are committed: connecting them", released.size());
                metrics.watchLegs(client.start(released));
            }
        }
    }

    /** The worker committed offsets: how often it does bounds how stale the coverage a crash leaves can be. */
    @Override
    public void commit() {
        if (checkpoints != null) {
            checkpoints.committed(System.currentTimeMillis());
        }
    }

    /** The coverage of every group: connected ones as the stream layer sees them, held ones not covered yet. */
    private List<CoverageCheckpoints.Group> groupCoverage() {
        List<CoverageCheckpoints.Group> coverage = new ArrayList<>();
        client.coverage(System.currentTimeMillis()).values().forEach(
                g -> coverage.add(new CoverageCheckpoints.Group(g.streams(), g.receivedUntil(), g.covered())));
        firstCheckpoints.held().values().forEach(
                streams -> coverage.add(new CoverageCheckpoints.Group(streams, Long.MIN_VALUE, false)));
        return coverage;
    }

    private long oldestQueued() {
        Queued oldest = queue.peek();
        return oldest == null ? Long.MAX_VALUE : receivedAt(oldest.source());
    }

    /**
     * Closes the sockets, then leaves what this task cannot finish to its successor in this worker: when each stream's
     * coverage ended, and what was received but never handed to the worker, to be rebuilt under the successor's
     * config. Records handed to the worker but never acknowledged are not left: one of them may be what failed the
     * task, and any of them may yet be written by the closing producer; the coverage end of their streams is moved
     * back before them, so that the successor's gap covers them instead.
     */
    @Override
    public void stop() {
        long now = System.currentTimeMillis();
        // Taken before the sockets close: a socket paused by back-pressure has not been read since the pause, and
        // what the exchange wrote into it since dies with it, so coverage ends at its frontier, not now.
        Map<String, Long> received = new HashMap<>();
        if (client != null) {
            client.coverage(now).values().stream().filter(g -> g.receivedUntil() != Long.MIN_VALUE)
                    .forEach(g -> g.streams().forEach(stream -> received.put(stream, g.receivedUntil())));
            client.close(STOP_TIMEOUT);
        }
        if (pipeline != null && ledger != null) {
            Map<String, Long> ends = new HashMap<>(pipeline.coverageEndTimes(now));
            received.forEach((stream, until) -> ends.computeIfPresent(stream, (s, end) -> Math.min(end, until)));
            handedOver.notYetInKafka().forEach((stream, at) -> ends.merge(stream, at, Math::min));
            handedOver.clear();
            ledger.coverageEnded(ends);
            List<Queued> undelivered = queue.drainAll();
            undelivered.forEach(queued -> ledger.handOver(queued.source(), streamsOf(queued.source())));
            if (!undelivered.isEmpty()) {
                log.warn("Stopping with {} received records never handed to the worker; they are left to the task"
                        + " that takes these streams over in this worker", undelivered.size());
            }
        }
        log.info("Stopped: {}, duplicates dropped={}", counters, metrics == null ? 0 : metrics.duplicatesDropped());
        if (deduplicator != null && deduplicator.evictedByCap() > 0) {
            log.warn("The de-duplication window was cut short {} times by its cap of {} entries",
                    deduplicator.evictedByCap(), deduplicator.maxEntries());
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** A liquidation's receive time; a gap's start, where coverage ended. */
    private static long receivedAt(RecordSource source) {
        return source instanceof ReceivedLiquidation liquidation ? liquidation.receivedAtMillis()
                : ((GapInterval) source).fromMillis();
    }

    private static Set<String> streamsOf(RecordSource source) {
        if (source instanceof ReceivedLiquidation liquidation) {
            return liquidation.stream() == null ? Set.of() : Set.of(liquidation.stream());
        }
        return Set.copyOf(((GapInterval) source).streams());
    }

    IngestCounters counters() {
        return counters;
    }

    ConnectorMetrics metrics() {
        return metrics;
    }

    private static StreamClientSettings clientSettings(LiquidationTaskConfig config, HostResolver resolver) {
        String url = config.webSocketUrl();
        Password password = config.trustStorePassword();
        boolean tls = url.regionMatches(true, 0, "wss:", 0, 4);
        return new StreamClientSettings(url, config.handshakeTimeoutMs(), config.maxFrameBytes(),
                config.reconnectBackoffInitialMs(), config.reconnectBackoffMaxMs(), config.connectionsPerStream(),
                config.connectionMaxAgeMs(), config.readPauseMaxMs(),
                tls ? TlsContexts.client(config.trustStorePath(),
                        password == null ? null : password.value().toCharArray(), config.trustStoreType()) : null,
                new StreamClientSettings.Liveness(config.pingIntervalMs(), config.pongTimeoutMs(),
                        config.canaryStream(), config.canaryTimeoutMs(), config.canaryMaxSilentConnections()),
                ConnectionAttemptBudget.shared(config.attemptsPerSecond(), config.attemptsPerFiveMinutes()),
                resolver, "binance-liquidations-io", config.proxy());
    }

    /** All-market only: the connector's own market (unless both are asked for), then include/exclude. */
    private static LiquidationFilter liquidationFilter(LiquidationTaskConfig config, ConnectorMetrics metrics) {
        if (config.streamMode() != StreamMode.ALL_MARKET) {
            return LiquidationFilter.NONE;
        }
        return new LiquidationFilter(config.symbolPatterns(),
                config.writesBothMarkets() ? null : config.binanceMarket().marketType(),
                reason -> metrics.liquidationFiltered(reason.tag()));
    }

    /** The streams of the whole connector (every task's), from the connector's own config. */
    private static List<String> connectorStreams(LiquidationTaskConfig config) {
        return config.streamMode() == StreamMode.ALL_MARKET ? List.of(StreamNames.ALL_MARKET_STREAM)
                : config.symbols().stream().map(StreamNames::forceOrderStream).toList();
    }

    /**
     * This task's stream names, cut into groups of at most {@code streams.per.connection}, each named
     * {@code <prefix>/group-<n>}: unique in the worker, and saying which connector and task it belongs to.
     */
    static Map<String, List<String>> streamGroups(LiquidationTaskConfig config, String prefix) {
        List<String> streams = config.streamMode() == StreamMode.ALL_MARKET
                ? List.of(StreamNames.ALL_MARKET_STREAM)
                : config.taskSymbols().stream().map(StreamNames::forceOrderStream).toList();
        int perConnection = config.streamsPerConnection();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (int from = 0; from < streams.size(); from += perConnection) {
            groups.put(prefix + "/group-" + (groups.size() + 1),
                    List.copyOf(streams.subList(from, Math.min(streams.size(), from + perConnection))));
        }
        return groups;
    }
}
