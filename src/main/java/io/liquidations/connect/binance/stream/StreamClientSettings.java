package io.liquidations.connect.binance.stream;

import io.liquidations.connect.binance.proxy.ProxySettings;
import io.netty.handler.ssl.SslContext;

/**
 * How a task's connections behave.
 *
 * @param connectionMaxAgeMs when a connection is replaced, at the latest (jittered up to 10 % earlier)
 * @param sslContext used for {@code wss://} URLs; null is allowed only when the URL is {@code ws://}
 * @param liveness when a connection counts as dead although its socket is open
 * @param attemptBudget connection attempts shared with every other task of the JVM
 * @param proxy how connections reach the exchange ({@link ProxySettings#NONE}: directly)
 */
public record StreamClientSettings(
        String baseUrl,
        long handshakeTimeoutMs,
        int maxFrameBytes,
        long backoffInitialMs,
        long backoffMaxMs,
        long connectionMaxAgeMs,
        SslContext sslContext,
        Liveness liveness,
        ConnectionAttemptBudget attemptBudget,
        String threadNamePrefix,
        ProxySettings proxy) {

    /** Direct connections, no proxy. */
    public StreamClientSettings(String baseUrl, long handshakeTimeoutMs, int maxFrameBytes, long backoffInitialMs,
            long backoffMaxMs, long connectionMaxAgeMs, SslContext sslContext, Liveness liveness,
            ConnectionAttemptBudget attemptBudget, String threadNamePrefix) {
        this(baseUrl, handshakeTimeoutMs, maxFrameBytes, backoffInitialMs, backoffMaxMs, connectionMaxAgeMs,
                sslContext, liveness, attemptBudget, threadNamePrefix, ProxySettings.NONE);
    }

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
