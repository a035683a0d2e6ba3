package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange.ConnectionInfo;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange.RefusedHandshake;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Being a good citizen towards the exchange: Retry-After is honoured, and many tasks share one attempt budget. */
class ReconnectDisciplineTest {
    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 418})
    void aRateLimitedHandshakeWaitsAtLeastItsRetryAfter(int status) throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        harness.start(exchange, Map.of("symbols", "BTCUSDT", "reconnect.backoff.initial.ms", "10",
                "reconnect.backoff.max.ms", "50"));
        assertTrue(exchange.awaitOpenConnections(1, TaskHarness.WAIT));
        exchange.refuseNextHandshakes(1, status, 2);
        exchange.dropAllConnections();
        assertTrue(exchange.await(() -> exchange.openConnectionCount() == 1 && exchange.connectionsAccepted() == 2,
                TaskHarness.WAIT), "reconnected after the refusal");
        List<RefusedHandshake> refused = exchange.refusedHandshakes();
        assertEquals(1, refused.size());
        assertEquals(status, refused.get(0).httpStatus());
        Instant retried = exchange.connections().get(1).openedAt();
        long waitedMs = Duration.between(refused.get(0).at(), retried).toMillis();
        // Backoff alone would have retried within 50 ms; Retry-After: 2 says two seconds.
        assertTrue(waitedMs >= 1_900, "retried " + waitedMs + " ms after HTTP " + status);
        assertEquals(3, exchange.handshakesAttempted(), "first, refused, retried: nothing in between");
    }

    @Test
    void tasksReconnectingTogetherShareTheAttemptBudget() throws Exception {
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        List<String> symbols = ForceOrderEvents.symbols(20);
        // Limits of their own, so that no other test's attempts share this budget.
        for (List<String> half : List.of(symbols.subList(0, 10), symbols.subList(10, 20))) {
            harness.start(exchange, Map.of("symbols", String.join(",", half), "streams.per.connection", "1",
                    "connection.attempts.per.second", "5", "connection.attempts.per.five.minutes", "297"));
        }
        assertTrue(exchange.awaitOpenConnections(20, TaskHarness.WAIT));
        exchange.dropAllConnections();
        assertTrue(exchange.await(() -> exchange.openConnectionCount() == 20 && exchange.connectionsAccepted() == 40,
                TaskHarness.WAIT), "all reconnected");

        // The reconnect storm only: the first connections are slowed unevenly by class loading.
        List<Instant> attempts = new ArrayList<>(exchange.connections().stream().map(ConnectionInfo::openedAt)
                .sorted().toList().subList(20, 40));
        for (int i = 0; i < attempts.size(); i++) {
            Instant start = attempts.get(i);
            long inWindow = attempts.stream()
                    .filter(t -> !t.isBefore(start) && t.isBefore(start.plusMillis(1_000))).count();
            assertTrue(inWindow <= 5, inWindow + " attempts within a second from " + start + ": " + attempts);
        }
        Duration span = Duration.between(attempts.get(0), attempts.get(attempts.size() - 1));
        assertTrue(span.toMillis() >= 2_500, "20 reconnects at 5/s take about 4 s, took " + span);
    }
}
