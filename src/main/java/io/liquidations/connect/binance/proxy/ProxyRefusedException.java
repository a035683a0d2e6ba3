package io.liquidations.connect.binance.proxy;

import java.io.IOException;

/**
 * The proxy, not the exchange, stopped the connection: it could not be reached, or it refused the tunnel. The
 * message names the proxy and the settings to check.
 */
public final class ProxyRefusedException extends IOException {
    private final boolean permanent;

    ProxyRefusedException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    /**
     * Whether trying again cannot help: the proxy refused the credentials (HTTP 407, SOCKS authentication), or
     * forbids the destination (HTTP 403, SOCKS "not allowed by ruleset"). Unreachable proxies and timeouts may
     * recover.
     */
    public boolean permanent() {
        return permanent;
    }
}
