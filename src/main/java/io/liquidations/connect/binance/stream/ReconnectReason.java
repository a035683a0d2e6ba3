package io.liquidations.connect.binance.stream;

/** Why a connection is being re-opened, or lost its coverage: the {@code reason} tag of {@code reconnect-total}. */
public enum ReconnectReason {
    /** An open connection ended: closed by the exchange or lost by the network. */
    DROPPED("dropped"),
    /** No connection was established: TCP or TLS failed, or the WebSocket handshake timed out. */
    CONNECT_FAILED("connect-failed"),
    /** The exchange answered the upgrade with an HTTP status that is retried (408, 418, 429, 5xx). */
    HANDSHAKE_REFUSED("handshake-refused"),
    /** A ping went unanswered: the socket was half-open. */
    PING_TIMEOUT("ping-timeout"),
    /** The socket answered pings but data stopped. */
    STALL("stall"),
    /** Replaced on purpose before the exchange's 24-hour cut. */
    ROTATION("rotation"),
    /**
     * Reading was paused by back-pressure for longer than the exchange keeps a socket that leaves its pings
     * unanswered: the socket's coverage is lost, whether or not it is still open.
     */
    READ_PAUSED("read-paused");

    private final String tag;

    ReconnectReason(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code reason} tag. */
    public String tag() {
        return tag;
    }
}
