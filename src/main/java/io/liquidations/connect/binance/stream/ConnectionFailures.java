package io.liquidations.connect.binance.stream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * Tells failures that reconnecting cannot fix from those it can, for one connection. Some are certain at once (an
 * HTTP 4xx or a redirect on the upgrade); some are only likely (an untrusted certificate, which a captive network could
 * cause for a moment; a host name that has never resolved, which a DNS outage at start could cause), so they fail the
 * task only after a few in a row. Either way the diagnosis names the setting to change, instead of warning forever.
 */
final class ConnectionFailures {
    /** Likely-permanent failures in a row before the task is failed. */
    static final int LIKELY_PERMANENT_BEFORE_FAILING = 3;

    private final URI uri;
    private int likelyPermanentInARow;

    ConnectionFailures(URI uri) {
        this.uri = uri;
    }

    /** A socket delivered: the count of likely-permanent failures starts again. */
    void reset() {
        likelyPermanentInARow = 0;
    }

    /** @return why retrying cannot help, naming the setting to change; null when retrying may */
    String diagnose(Throwable cause, boolean hostEverResolved) {
        HttpResponse response = handshakeResponse(cause);
        if (response != null) {
            int status = response.status().code();
            if (status >= 300 && status < 400) {
                return "The exchange answered the WebSocket upgrade of " + uri + " with HTTP " + status
                        + ", a redirect to " + response.headers().get(HttpHeaderNames.LOCATION, "(no Location)")
                        + "; WebSocket clients do not follow redirects: set binance.ws.url to the right URL";
            }
            if (isPermanentRefusal(status)) {
                return "The exchange refused the WebSocket upgrade of " + uri + " with HTTP " + status
                        + "; check binance.ws.url and the symbols";
            }
        }
        String likely = likelyPermanent(cause, hostEverResolved);
        if (likely == null) {
            likelyPermanentInARow = 0;
            return null;
        }
        if (++likelyPermanentInARow < LIKELY_PERMANENT_BEFORE_FAILING) {
            return null;
        }
        return likely + " (" + likelyPermanentInARow + " attempts in a row)";
    }

    private String likelyPermanent(Throwable cause, boolean hostEverResolved) {
        if (cause instanceof UnknownHostException && !hostEverResolved) {
            return "The host " + uri.getHost() + " of binance.ws.url does not resolve: check binance.ws.url for a"
                    + " typo, and the worker's DNS";
        }
        Throwable certificate = certificateFailure(cause);
        if (certificate != null) {
            return "TLS to " + uri.getHost() + " failed: the exchange's certificate is not trusted or does not match"
                    + " the host name (" + certificate.getMessage() + "). The JVM's default trust store trusts"
                    + " Binance; if a proxy or a private CA intercepts TLS, set binance.ws.truststore.path (and"
                    + " .password, .type) to a trust store holding its CA certificate. Host names are always verified";
        }
        return null;
    }

    private static Throwable certificateFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    static ReconnectReason reconnectReason(Throwable cause, boolean opened) {
        if (cause instanceof StreamStalledException stalled) {
            return stalled.reason() == StreamStalledException.Reason.PONG_TIMEOUT ? ReconnectReason.PING_TIMEOUT
                    : ReconnectReason.STALL;
        }
        if (handshakeResponse(cause) != null) {
            return ReconnectReason.HANDSHAKE_REFUSED;
        }
        return opened ? ReconnectReason.DROPPED : ReconnectReason.CONNECT_FAILED;
    }

    /** 4xx answers other than "slow down" (429), "banned for now" (418) and "timeout" (408) will not change. */
    private static boolean isPermanentRefusal(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 418 && status != 429;
    }

    static Long retryAfterMs(Throwable cause) {
        HttpResponse response = handshakeResponse(cause);
        String retryAfter = response == null ? null : response.headers().get(HttpHeaderNames.RETRY_AFTER);
        if (retryAfter == null) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim())) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static HttpResponse handshakeResponse(Throwable cause) {
        return cause instanceof WebSocketClientHandshakeException handshake ? handshake.response() : null;
    }
}
