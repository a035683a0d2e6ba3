package io.liquidations.connect.binance.stream;

import io.liquidations.connect.binance.stream.ReconnectReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReconnectBackoffTest {

    private static List<Long> delays(ReconnectBackoff backoff, int count) {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            delays.add(backoff.nextDelayMs());
        }
        return delays;
    }

    @Test
    void boundDoublesUpToTheCapAndStaysThere() {
        ReconnectBackoff backoff = new ReconnectBackoff(1_000, 60_000, bound -> bound);
        assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L, 60_000L),
                delays(backoff, 9));
        assertEquals(9, backoff.failures());
        for (int i = 0; i < 1_000; i++) {
            assertEquals(60_000L, backoff.nextDelayMs());
        }
    }

    @Test
    void capReachedExactly() {
        ReconnectBackoff backoff = new ReconnectBackoff(250, 1_000, bound -> bound);
        assertEquals(List.of(250L, 500L, 1_000L, 1_000L), delays(backoff, 4));
    }

    @Test
    void initialEqualToMaxNeverGrows() {
        ReconnectBackoff backoff = new ReconnectBackoff(500, 500, bound -> bound);
        assertEquals(List.of(500L, 500L, 500L), delays(backoff, 3));
    }

    @Test
    void largestConfigurableValuesDoNotOverflow() {
        ReconnectBackoff backoff = new ReconnectBackoff(3_600_000, 3_600_000, bound -> bound);
        for (long delay : delays(backoff, 100)) {
            assertEquals(3_600_000L, delay);
        }
        ReconnectBackoff smallStart = new ReconnectBackoff(1, 3_600_000, bound -> bound);
        List<Long> grown = delays(smallStart, 100);
        assertEquals(1L, grown.get(0));
        assertEquals(2_097_152L, grown.get(21));
        assertEquals(3_600_000L, grown.get(22));
        assertEquals(3_600_000L, grown.get(99));
    }

    @Test
    void resetStartsOver() {
        ReconnectBackoff backoff = new ReconnectBackoff(100, 10_000, bound -> bound);
        assertEquals(List.of(100L, 200L, 400L), delays(backoff, 3));
        backoff.reset();
        assertEquals(0, backoff.failures());
        assertEquals(List.of(100L, 200L), delays(backoff, 2));
        assertEquals(2, backoff.failures());
    }

    @Test
    void theRandomSourceIsAskedWithTheCurrentBound() {
        List<Long> bounds = new ArrayList<>();
        ReconnectBackoff backoff = new ReconnectBackoff(10, 50, bound -> {
            bounds.add(bound);
            return 0;
        });
        assertEquals(List.of(0L, 0L, 0L, 0L), delays(backoff, 4));
        assertEquals(List.of(10L, 20L, 40L, 50L), bounds);
    }

    @Test
    void realRandomStaysWithinZeroAndTheBound() {
        // The same source StreamClient gives every connection.
        ReconnectBackoff backoff = new ReconnectBackoff(8, 64, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
        long[] bounds = {8, 16, 32, 64};
        for (int round = 0; round < 500; round++) {
            for (int attempt = 0; attempt < 6; attempt++) {
                long bound = bounds[Math.min(attempt, bounds.length - 1)];
                long delay = backoff.nextDelayMs();
                assertTrue(delay >= 0 && delay <= bound, "attempt " + attempt + ": " + delay + " not in [0, " + bound
                        + "]");
            }
            backoff.reset();
        }
    }

    /** Drives the production wiring: a refused connection is retried with a jittered delay within the bound. */
    @Test
    @Timeout(20)
    void streamClientReportsDelaysWithinTheBound() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        BlockingQueue<Long> retries = new LinkedBlockingQueue<>();
        StreamListener listener = new StreamListener() {
            @Override
            public boolean onText(String group, String text, long receivedAtMillis, long previousFrameAtMillis) {
                return true;
            }

            @Override
            public void onUnreadableMessage(String group, String description, long receivedAtMillis,
                    long previousFrameAtMillis) {
            }

            @Override
            public void onCovered(String group, List<String> streams, Long uncoveredSinceMillis, String reason) {
            }

            @Override
            public void onConnectionDown(String group, String connection, Throwable cause, long retryInMs,
                    ReconnectReason reason) {
                retries.add(retryInMs);
            }

            @Override
            public void onFatal(String connection, Throwable cause) {
                retries.add(-1L);
            }
        };
        StreamClientSettings settings = new StreamClientSettings("ws://127.0.0.1:" + closedPort + "/market", 2_000,
                65_536, 2, 8, 1, 3_600_000, 600_000, null,
                new StreamClientSettings.Liveness(30_000, 10_000, null, 10_000, 3),
                new ConnectionAttemptBudget(1_000, 10_000, System::currentTimeMillis), HostResolver.SYSTEM,
                "backoff-test");
        StreamClient client = new StreamClient(settings, listener);
        try {
            client.start(java.util.Map.of("backoff-test/task-0/group-1", List.of("btcusdt@forceOrder")));
            long[] bounds = {2, 4, 8, 8, 8, 8};
            for (int attempt = 0; attempt < bounds.length; attempt++) {
                Long delay = retries.poll(10, TimeUnit.SECONDS);
                assertTrue(delay != null, "no retry reported for attempt " + attempt);
                long bound = bounds[attempt];
                assertTrue(delay >= 0 && delay <= bound, "attempt " + attempt + ": " + delay + " not in [0, "
                        + bound + "]");
            }
        } finally {
            client.close(Duration.ofSeconds(5));
        }
    }
}
