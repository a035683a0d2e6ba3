package io.liquidations.connect.binance.stream;

import io.netty.handler.ssl.SslContext;

/**
 * How a task's connections behave.
 *
 * @param connectionsPerStream sockets reading each group of streams at once (1 to 3): a stream stays covered while
 *     any of them is up
 * @param connectionMaxAgeMs when a connection is replaced, at the latest (earlier by up to 10 %, staggered per leg)
 * @param readPauseMaxMs reading paused by back-pressure for longer than this loses the socket, as far as coverage is
 *     concerned: the exchange drops connections that leave its pings unanswered
 * @param sslContext used for {@code wss://} URLs; null is allowed only when the URL is {@code ws://}
 * @param liveness when a connection counts as dead although its socket is open
 * @param attemptBudget connection attempts shared with every other task of the JVM
 * @param resolver host name lookups, run off the event loop
 */
public record StreamClientSettings(
        String baseUrl,
        long handshakeTimeoutMs,
        int maxFrameBytes,
        long backoffInitialMs,
        long backoffMaxMs,
        int connectionsPerStream,
        long connectionMaxAgeMs,
        long readPauseMaxMs,
        SslContext sslContext,
        Liveness liveness,
        ConnectionAttemptBudget attemptBudget,
        HostResolver resolver,
        String threadNamePrefix) {

    /**
     * Liquidation streams are silent for hours, so their silence proves nothing. Liveness is judged by pongs to
     * the client's pings (the socket is up) and by a canary stream that always ticks (data is flowing).
     *
     * @param canaryStream a stream added to every connection and never written out, or null for none
     * @param maxSilentConnections consecutive connections without a single canary frame after which the URL is
     *     taken to serve no data at all, which retrying cannot fix
     */
    public record Liveness(long pingIntervalMs, long pongTimeoutMs, String canaryStream, long canaryTimeoutMs,
            int maxSilentConnections) {

        /** How often the deadlines are checked: a tenth of the shortest, so each is kept within 10 %. */
        long checkEveryMs() {
            long shortest = Math.min(pingIntervalMs, pongTimeoutMs);
            if (canaryStream != null) {
                shortest = Math.min(shortest, canaryTimeoutMs);
            }
            return Math.max(10, Math.min(1_000, shortest / 10));
        }
    }
}
