package io.liquidations.connect.binance.stream;

import io.liquidations.connect.binance.metrics.ReconnectReason;
import java.util.List;

/** What the socket side reports. Called on a Netty event loop: implementations must not block. */
public interface StreamListener {

    /**
     * A text message arrived.
     *
     * @return false to stop reading this connection until {@link StreamClient#resumeReading()}
     */
    boolean onText(String connection, String text, long receivedAtMillis);

    /** A message that cannot be text (binary or oversized) arrived and was discarded. */
    void onUnreadableMessage(String connection, String description);

    /** The WebSocket handshake completed: the connection now receives its streams. */
    void onConnected(String connection, List<String> streams);

    /** An attempt to open the connection begins (the first one included). */
    default void onConnecting(String connection) {
    }

    /** A planned rotation completed: the new connection delivers and the old one is closing. No gap. */
    default void onRotated(String connection) {
    }

    /**
     * The connection is down, or an attempt failed; it will be retried after {@code retryInMs}.
     *
     * @param coveredUntilMillis until when the connection delivered its streams: where a gap begins
     */
    void onDisconnected(String connection, Throwable cause, long retryInMs, ReconnectReason reason,
            long coveredUntilMillis);

    /** The exchange refused the connection in a way retrying cannot fix (a bad URL, a refused stream name). */
    void onFatal(String connection, Throwable cause);
}
