package io.liquidations.connect.binance.stream;

import java.io.IOException;

/** The connector closed a connection that was open but no longer alive. */
public final class StreamStalledException extends IOException {
    /** Why the connection was taken for dead. */
    public enum Reason {
        /** A ping went unanswered: the socket is half-open. */
        PONG_TIMEOUT,
        /** Pings are answered but the canary stream stopped: the exchange stopped sending. */
        STALL
    }

    private final Reason reason;

    public StreamStalledException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
