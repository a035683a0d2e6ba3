package io.liquidations.connect.binance;

import io.liquidations.connect.binance.config.CrossFieldValidation;
import io.liquidations.connect.binance.config.LiquidationTaskConfig;
import io.liquidations.connect.binance.config.StreamMode;
import io.liquidations.connect.binance.coverage.CoverageLedger;
import io.liquidations.connect.binance.dedup.LiquidationDeduplicator;
import io.liquidations.connect.binance.filter.LiquidationFilter;
import io.liquidations.connect.binance.metrics.ConnectorMetrics;
import io.liquidations.connect.binance.metrics.IngestCounters;
import io.liquidations.connect.binance.queue.ErrorHandler;
import io.liquidations.connect.binance.queue.RecordQueue;
import io.liquidations.connect.binance.record.ForceOrderRecords;
import io.liquidations.connect.binance.record.StreamGapRecords;
import io.liquidations.connect.binance.stream.ConnectionAttemptBudget;
import io.liquidations.connect.binance.stream.StreamClient;
import io.liquidations.connect.binance.stream.StreamClientSettings;
import io.liquidations.connect.binance.stream.StreamNames;
import io.liquidations.connect.binance.stream.TlsContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
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

    private final IngestCounters counters = new IngestCounters();
    private final ErrorHandler errors = new ErrorHandler();
    /** Records returned by poll() that Kafka has not acknowledged yet (identity: equal records are distinct). */
    private final Set<SourceRecord> handedOver = Collections.newSetFromMap(new IdentityHashMap<>());
    private RecordQueue<SourceRecord> queue;
    private StreamClient client;
    private ConnectorMetrics metrics;
    private LiquidationDeduplicator deduplicator;
    private LiquidationPipeline pipeline;
    private CoverageLedger ledger;
    private int maxBatchSize;

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
        ForceOrderRecords records = new ForceOrderRecords(config.topic(), config.market(),
                config.decimalHandlingMode(), config.contracts());
        String connector = props.getOrDefault("name", "binance-liquidations");
        metrics = ConnectorMetrics.forTask(context, connector, props.getOrDefault(LiquidationTaskConfig.TASK_ID, "0"),
                counters);
        metrics.watchQueue(queue::size, queue.capacity());
        deduplicator = new LiquidationDeduplicator();
        pipeline = new LiquidationPipeline(records,
                new StreamGapRecords(config.gapsTopic(), config.market()), queue, errors,
                config.behaviorOnMalformedEvent(), metrics, deduplicator);
        ledger = CoverageLedger.forConnector(connector);
        pipeline.trackRestartsIn(ledger);
        pipeline.filterWith(liquidationFilter(config, metrics));
        client = new StreamClient(clientSettings(config), pipeline);
        List<List<String>> groups = streamGroups(config);
        List<SourceRecord> leftOver = ledger.takeHandedOver(groups.stream().flatMap(List::stream).toList());
        if (!leftOver.isEmpty()) {
            log.info("Delivering {} records a stopped task of this connector received but could not deliver",
                    leftOver.size());
            leftOver.forEach(queue::add);
        }
        log.info("Following {} streams over {} connections to {}", groups.stream().mapToInt(List::size).sum(),
                groups.size(), config.webSocketUrl());
        client.start(groups);
    }

    /** Kafka has the record: it no longer bounds the coverage a stop would lose. */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        synchronized (handedOver) {
            handedOver.remove(record);
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        // Connection trouble is reported at once; the queue keeps its records for the next poll.
        errors.throwIfRetriable();
        List<SourceRecord> batch = queue.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS, maxBatchSize);
        if (!batch.isEmpty()) {
            synchronized (handedOver) {
                handedOver.addAll(batch);
            }
            // What arrived before a fatal failure is delivered before the failure is reported.
            return batch;
        }
        errors.throwIfFailed();
        return null;
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close(STOP_TIMEOUT);
        }
        // Still queued, or handed to the worker but never acknowledged by Kafka: left to the successor.
        List<SourceRecord> undelivered = new ArrayList<>(queue == null ? List.of() : queue.drainAll());
        synchronized (handedOver) {
            undelivered.addAll(handedOver);
            handedOver.clear();
        }
        // In the order they were received, so that each symbol's liquidations stay in order.
        undelivered.sort(java.util.Comparator.comparingLong(BinanceLiquidationSourceTask::receivedAt));
        if (pipeline != null && ledger != null) {
            ledger.coverageEnded(pipeline.coverageEndTimes(System.currentTimeMillis()));
            undelivered.forEach(record -> ledger.handOver(record, streamsOf(record)));
            if (!undelivered.isEmpty()) {
                log.warn("Stopping with {} received records that Kafka has not acknowledged; they are left to the"
                        + " task that takes these streams over in this worker", undelivered.size());
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

    /** A liquidation's receive time is in its header; a gap record was made when its gap ended. */
    private static long receivedAt(SourceRecord record) {
        org.apache.kafka.connect.header.Header header =
                record.headers().lastWithName(ForceOrderRecords.HEADER_RECEIVED_AT);
        return header == null ? record.timestamp() : (Long) header.value();
    }

    /** A liquidation's stream is in its header; a gap record lists its streams. */
    private static Set<String> streamsOf(SourceRecord record) {
        if (record.value() instanceof org.apache.kafka.connect.data.Struct value
                && StreamGapRecords.NAME.equals(value.schema().name())) {
            return Set.copyOf(value.<String>getArray(StreamGapRecords.STREAMS));
        }
        org.apache.kafka.connect.header.Header stream = record.headers().lastWithName(ForceOrderRecords.HEADER_STREAM);
        return stream == null ? Set.of() : Set.of(stream.value().toString());
    }

    IngestCounters counters() {
        return counters;
    }

    ConnectorMetrics metrics() {
        return metrics;
    }

    private static StreamClientSettings clientSettings(LiquidationTaskConfig config) {
        String url = config.webSocketUrl();
        Password password = config.trustStorePassword();
        boolean tls = url.regionMatches(true, 0, "wss:", 0, 4);
        return new StreamClientSettings(url, config.handshakeTimeoutMs(), config.maxFrameBytes(),
                config.reconnectBackoffInitialMs(), config.reconnectBackoffMaxMs(), config.connectionMaxAgeMs(),
                tls ? TlsContexts.client(config.trustStorePath(),
                        password == null ? null : password.value().toCharArray(), config.trustStoreType()) : null,
                new StreamClientSettings.Liveness(config.pingIntervalMs(), config.pongTimeoutMs(),
                        config.canaryStream(), config.canaryTimeoutMs(), config.canaryMaxSilentConnections()),
                ConnectionAttemptBudget.shared(config.attemptsPerSecond(), config.attemptsPerFiveMinutes()),
                "binance-liquidations-io", config.proxy());
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

    /** Stream names of this task, cut into connections of at most {@code streams.per.connection}. */
    static List<List<String>> streamGroups(LiquidationTaskConfig config) {
        List<String> streams = config.streamMode() == StreamMode.ALL_MARKET
                ? List.of(StreamNames.ALL_MARKET_STREAM)
                : config.taskSymbols().stream().map(StreamNames::forceOrderStream).toList();
        int perConnection = config.streamsPerConnection();
        List<List<String>> groups = new ArrayList<>();
        for (int from = 0; from < streams.size(); from += perConnection) {
            groups.add(streams.subList(from, Math.min(streams.size(), from + perConnection)));
        }
        return groups;
    }
}
