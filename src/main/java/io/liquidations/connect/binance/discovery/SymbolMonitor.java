package io.liquidations.connect.binance.discovery;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows listings and delistings: re-reads exchangeInfo every refresh interval on a thread of its own (the
 * pattern of kafka-connect-jdbc's table monitor) and asks the worker to reconfigure the tasks only when the
 * selected symbols changed. A failed refresh keeps the last good list, is logged and counted, and is retried sooner,
 * with capped exponential backoff and full jitter, never sooner than a Retry-After Binance asked for.
 */
public final class SymbolMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SymbolMonitor.class);
    static final long FIRST_RETRY_MS = 1_000;

    /** What the monitor reads: exchangeInfo, selected. */
    @FunctionalInterface
    public interface Source {
        Snapshot fetch() throws ExchangeInfoException;
    }

    /** The selected symbols and what the tasks need to know about them. */
    public record Snapshot(List<String> symbols, ContractCatalog catalog) {
    }

    private final Source source;
    private final ConnectorContext context;
    private final long refreshIntervalMs;
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final AtomicLong failedRefreshes = new AtomicLong();
    private final AtomicLong reconfigurations = new AtomicLong();
    private final Thread thread;
    private volatile Snapshot current;

    /** @param first the snapshot fetched at start, which the tasks are configured from */
    public SymbolMonitor(Source source, Snapshot first, ConnectorContext context, long refreshIntervalMs,
            String threadName) {
        this.source = source;
        this.current = first;
        this.context = context;
        this.refreshIntervalMs = refreshIntervalMs;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public Snapshot current() {
        return current;
    }

    /** Refreshes that failed since the connector started. */
    public long failedRefreshes() {
        return failedRefreshes.get();
    }

    /** Task reconfigurations requested because the list changed. */
    public long reconfigurations() {
        return reconfigurations.get();
    }

    private void run() {
        long waitMs = refreshIntervalMs;
        long retryBound = FIRST_RETRY_MS;
        while (!awaitShutdown(waitMs)) {
            try {
                refresh();
                waitMs = refreshIntervalMs;
                retryBound = FIRST_RETRY_MS;
            } catch (ExchangeInfoException e) {
                long failures = failedRefreshes.incrementAndGet();
                long backoff = ThreadLocalRandom.current().nextLong(retryBound + 1);
                Long retryAfter = e.retryAfterMs();
                // Binance's Retry-After wins even over the refresh interval: asking sooner extends a ban.
                waitMs = Math.max(Math.min(backoff, refreshIntervalMs), retryAfter == null ? 0 : retryAfter);
                retryBound = Math.min(refreshIntervalMs, retryBound * 2);
                log.warn("Refreshing the symbol list failed ({} failures so far); keeping the {} symbols of the last"
                        + " good list, retrying in {} ms: {}", failures, current.symbols().size(), waitMs,
                        e.getMessage());
            } catch (RuntimeException e) {
                failedRefreshes.incrementAndGet();
                log.error("Unexpected failure refreshing the symbol list; keeping the last good list", e);
                waitMs = refreshIntervalMs;
            }
        }
    }

    /** One refresh, on the monitor's thread. */
    void refresh() throws ExchangeInfoException {
        Snapshot fresh = source.fetch();
        Snapshot previous = current;
        if (fresh.symbols().equals(previous.symbols()) && sameCatalog(fresh, previous)) {
            log.debug("Symbol list unchanged: {} symbols", fresh.symbols().size());
            return;
        }
        List<String> added = fresh.symbols().stream().filter(s -> !previous.symbols().contains(s)).toList();
        List<String> removed = previous.symbols().stream().filter(s -> !fresh.symbols().contains(s)).toList();
        current = fresh;
        reconfigurations.incrementAndGet();
        log.info("The symbol list changed: {} added {}, {} removed {}; {} symbols now. Reconfiguring the tasks",
                added.size(), added, removed.size(), removed, fresh.symbols().size());
        context.requestTaskReconfiguration();
    }

    private static boolean sameCatalog(Snapshot a, Snapshot b) {
        return a.catalog().encode().equals(b.catalog().encode());
    }

    private boolean awaitShutdown(long waitMs) {
        try {
            return shutdown.await(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Stops the thread and waits for it, at most a few seconds (a refresh in flight has its own timeout). */
    @Override
    public void close() {
        shutdown.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
