package io.liquidations.connect.binance.stream;

import io.netty.handler.ssl.SslContext;

/**
 * How a task's connections behave.
 *
 * @param sslContext used for {@code wss://} URLs; null is allowed only when the URL is {@code ws://}
 */
public record StreamClientSettings(
        String baseUrl,
        long handshakeTimeoutMs,
        int maxFrameBytes,
        long backoffInitialMs,
        long backoffMaxMs,
        SslContext sslContext,
        String threadNamePrefix) {
}
