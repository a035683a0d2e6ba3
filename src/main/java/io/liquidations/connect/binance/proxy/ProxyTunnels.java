package io.liquidations.connect.binance.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a proxy in front of a Netty client connection. The handler goes first in the pipeline, before the
 * {@code SslHandler}: TLS (and host-name verification) then runs end to end through the tunnel, and the proxy
 * sees only the destination's host name and port.
 *
 * <p>The destination is handed to the proxy unresolved: with {@link #resolver} the client does no DNS look-up of
 * the exchange, which networks that only allow egress through a proxy often cannot do anyway. The proxy itself is
 * resolved here, at each attempt, so a proxy that moves is followed.
 */
public final class ProxyTunnels {
    private static final Pattern HTTP_STATUS = Pattern.compile("status: (\\d{3})");

    private ProxyTunnels() {
    }

    /**
     * The handler to add first to a new channel's pipeline, or null when connections go direct. Resolves the proxy's
     * host on the calling thread: for callers that may block.
     */
    public static ChannelHandler firstHandler(ProxySettings proxy, long connectTimeoutMs) {
        return proxy.enabled() ? firstHandler(proxy, new InetSocketAddress(proxy.host(), proxy.port()),
                connectTimeoutMs) : null;
    }

    /** As above, with the proxy's address already looked up (off the event loop, by the caller). */
    public static ChannelHandler firstHandler(ProxySettings proxy, InetSocketAddress address, long connectTimeoutMs) {
        if (!proxy.enabled()) {
            return null;
        }
        ProxyHandler handler = switch (proxy.type()) {
            case HTTP -> proxy.authenticates()
                    ? new HttpProxyHandler(address, proxy.username(), proxy.passwordValue())
                    : new HttpProxyHandler(address);
            case SOCKS5 -> proxy.authenticates()
                    ? new Socks5ProxyHandler(address, proxy.username(), proxy.passwordValue())
                    : new Socks5ProxyHandler(address);
            case NONE -> throw new IllegalStateException("no proxy");
        };
        handler.setConnectTimeoutMillis(connectTimeoutMs);
        return handler;
    }

    /**
     * The bootstrap's resolver: none with a proxy, so that the destination reaches the proxy handler unresolved
     * and the proxy resolves it; the JDK's otherwise.
     */
    public static AddressResolverGroup<?> resolver(ProxySettings proxy) {
        return proxy.enabled() ? NoopAddressResolverGroup.INSTANCE : DefaultAddressResolverGroup.INSTANCE;
    }

    /**
     * With a proxy, every failure to connect is the proxy's (the only TCP connection goes to it) and a refused
     * tunnel is reported by Netty as a {@link ProxyConnectException}: both become a {@link ProxyRefusedException}
     * that names the proxy and the settings to check. Anything else is returned unchanged.
     */
    public static Throwable explain(ProxySettings proxy, Throwable cause) {
        if (!proxy.enabled() || cause == null || cause instanceof ProxyRefusedException) {
            return cause;
        }
        if (cause instanceof ProxyConnectException refused) {
            return refusal(proxy, refused);
        }
        if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException
                || cause instanceof NoRouteToHostException || cause instanceof UnresolvedAddressException
                || cause instanceof java.net.UnknownHostException) {
            String why = cause instanceof UnresolvedAddressException || cause instanceof java.net.UnknownHostException
                    ? "its host name does not resolve"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return new ProxyRefusedException("Cannot reach the " + proxy.describe() + ": " + why
                    + ". Check proxy.host and proxy.port, and that the proxy runs and accepts this worker", false,
                    cause);
        }
        return cause;
    }

    private static ProxyRefusedException refusal(ProxySettings proxy, ProxyConnectException refused) {
        String detail = refused.getMessage() == null ? "" : refused.getMessage();
        Matcher status = HTTP_STATUS.matcher(detail);
        boolean badCredentials = detail.contains("authStatus") || detail.contains("unexpected authMethod")
                || (status.find() && status.group(1).equals("407"));
        boolean forbidden = detail.contains("status: 403") || detail.contains("status: FORBIDDEN");
        String advice;
        if (badCredentials) {
            advice = proxy.authenticates()
                    ? "it did not accept the credentials of proxy.username '" + proxy.username()
                            + "'; check proxy.username and proxy.password"
                    : "it requires authentication; set proxy.username and proxy.password";
        } else if (forbidden) {
            advice = "it does not allow this destination; ask for the exchange's host and port 443 to be allowed";
        } else if (detail.contains("timed out")) {
            advice = "it did not open the tunnel in time";
        } else {
            advice = "it could not open the tunnel";
        }
        return new ProxyRefusedException("The " + proxy.describe() + " refused the connection: " + advice
                + " (" + detail + ")", badCredentials || forbidden, refused);
    }
}
