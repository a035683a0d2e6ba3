package io.liquidations.connect.binance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.junit.jupiter.api.Test;

class SymbolMonitorTest {
    private final AtomicInteger reconfigurations = new AtomicInteger();
    private final ConnectorContext context = new ConnectorContext() {
        @Override
        public void requestTaskReconfiguration() {
            reconfigurations.incrementAndGet();
        }

        @Override
        public void raiseError(Exception e) {
            throw new AssertionError("the monitor never fails the connector", e);
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }
    };

    private static SymbolMonitor.Snapshot snapshot(String... symbols) {
        return new SymbolMonitor.Snapshot(List.of(symbols), ContractCatalog.EMPTY);
    }

    /** Answers from a script: a snapshot, or null for a failure. */
    private static SymbolMonitor.Source scripted(Deque<SymbolMonitor.Snapshot> answers) {
        return () -> {
            SymbolMonitor.Snapshot next = answers.poll();
            if (next == null) {
                throw new ExchangeInfoException("exchangeInfo is down", 50L, null);
            }
            return next;
        };
    }

    @Test
    void reconfiguresOnlyWhenTheListChangesAndKeepsTheLastGoodListOnFailure() throws Exception {
        Deque<SymbolMonitor.Snapshot> answers = new ArrayDeque<>(List.of(snapshot("BTCUSDT", "ETHUSDT"),
                snapshot("BTCUSDT", "ETHUSDT", "SOLUSDT"), snapshot("BTCUSDT", "SOLUSDT")));
        SymbolMonitor monitor = new SymbolMonitor(scripted(answers), snapshot("BTCUSDT", "ETHUSDT"), context, 60_000,
                "test-monitor");
        monitor.refresh();
        assertEquals(0, reconfigurations.get(), "unchanged: no reconfiguration");
        monitor.refresh();
        assertEquals(1, reconfigurations.get(), "a listing");
        assertEquals(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT"), monitor.current().symbols());
        monitor.refresh();
        assertEquals(2, reconfigurations.get(), "a delisting");
        assertThrows(ExchangeInfoException.class, monitor::refresh);
        assertEquals(List.of("BTCUSDT", "SOLUSDT"), monitor.current().symbols(), "the last good list stays");
        assertEquals(2, reconfigurations.get());
    }

    @Test
    void theThreadRetriesFailuresSoonerThanTheIntervalAndCountsThem() throws Exception {
        Deque<SymbolMonitor.Snapshot> answers = new ArrayDeque<>();
        AtomicInteger calls = new AtomicInteger();
        SymbolMonitor.Source source = () -> {
            if (calls.incrementAndGet() < 3) {
                throw new ExchangeInfoException("down", null, null);
            }
            SymbolMonitor.Snapshot next = answers.poll();
            return next == null ? snapshot("BTCUSDT", "XRPUSDT") : next;
        };
        // An interval far longer than the test: only retries after failures can explain a third call.
        try (SymbolMonitor monitor = new SymbolMonitor(source, snapshot("BTCUSDT"), context, 500, "test-monitor")) {
            monitor.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (reconfigurations.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, reconfigurations.get(), "the list changed once the exchange answered");
            assertEquals(2, monitor.failedRefreshes(), "each failure counted");
            assertEquals(List.of("BTCUSDT", "XRPUSDT"), monitor.current().symbols());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("test-monitor")
                && t.isAlive()), "close() ends the thread");
    }
}
