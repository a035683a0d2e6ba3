package io.liquidations.connect.binance.stream;

import java.util.List;

/**
 * What the socket side reports. Called on a Netty event loop: implementations must not block.
 *
 * <p>Two levels. A <em>group</em> is a set of streams, read by one or more <em>connections</em> (legs) at once; data
 * and coverage are reported per group (any leg may deliver a frame, the group is covered while any leg is up), the
 * life of each socket per connection.
 */
public interface StreamListener {

    /**
     * A text message arrived on one of the group's connections.
     *
     * @param previousFrameAtMillis when the frame before it arrived on the same socket (or the socket opened): the
     *     earliest a liquidation in this frame can have been sent, since a socket delivers in order
     * @return false to stop reading that socket until {@link StreamClient#resumeReading()}
     */
    boolean onText(String group, String text, long receivedAtMillis, long previousFrameAtMillis);

    /**
     * A text message that is not valid UTF-8 arrived on one of the group's connections; the socket stays open.
     *
     * @param lossyText its text with a replacement character for each bad sequence: to report it, never to read it
     */
    default void onInvalidText(String group, String lossyText, long receivedAtMillis, long previousFrameAtMillis) {
        onUnreadableMessage(group, "a text frame that is not valid UTF-8", receivedAtMillis, previousFrameAtMillis);
    }

    /** A message that cannot be text (binary, oversized, corrupted) arrived on one of the group's connections. */
    void onUnreadableMessage(String group, String description, long receivedAtMillis, long previousFrameAtMillis);

    /** An attempt to open a connection begins (the first one included). */
    default void onConnecting(String connection) {
    }

    /** A connection delivers: its first frame arrived. */
    default void onConnectionUp(String connection) {
    }

    /**
     * A connection's socket, or an attempt to open one, ended; it is retried after {@code retryInMs}. Whether its
     * streams are still covered is told by {@link #onUncovered}.
     */
    void onConnectionDown(String group, String connection, Throwable cause, long retryInMs, ReconnectReason reason);

    /** A planned rotation completed: the connection's new socket delivers and the old one is closing. No gap. */
    default void onRotated(String connection) {
    }

    /**
     * The group's streams are covered again: a connection delivers where none did.
     *
     * @param uncoveredSinceMillis since when they were not, or null on the group's first coverage after a start (the
     *     caller knows best whether a start is a gap)
     * @param reason why coverage was lost (a {@link ReconnectReason} tag), or null with a null {@code uncoveredSince}
     */
    void onCovered(String group, List<String> streams, Long uncoveredSinceMillis, String reason);

    /** No connection of the group covers its streams any more; coverage ended at {@code coveredUntilMillis}. */
    default void onUncovered(String group, List<String> streams, long coveredUntilMillis, String reason) {
    }

    /** The exchange refused a connection in a way retrying cannot fix (a bad URL, a refused stream name). */
    void onFatal(String connection, Throwable cause);
}
