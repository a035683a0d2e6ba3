package io.liquidations.connect.binance.rest;

import io.liquidations.connect.binance.proxy.ProxySettings;
import io.netty.handler.ssl.SslContext;

/**
 * @param sslContext for {@code https://}; null allowed only when every URL is {@code http://}
 * @param timeoutMs the whole request: connect, proxy tunnel, TLS, request and the complete response
 * @param maxResponseBytes a larger (decompressed) response fails the request instead of exhausting memory
 */
public record RestClientSettings(SslContext sslContext, ProxySettings proxy, long timeoutMs, int maxResponseBytes,
        String threadNamePrefix) {
}
