package io.liquidations.connect.binance.decode;

import java.util.List;

/** What one WebSocket text frame turned out to be. */
public sealed interface DecodedFrame {

    /** The stream the frame arrived on, or null when the frame did not say (raw form, control replies). */
    String stream();

    /**
     * One or more liquidations (the all-market stream may batch them in an array). Events are judged one by one: an
     * element that cannot be read is {@code rejected} without costing the others of its frame.
     */
    record Liquidations(String stream, List<ForceOrderEvent> events, List<RejectedEvent> rejected)
            implements DecodedFrame {
    }

    /** A well-formed frame that carries no liquidation: a subscription reply or another event type. */
    record NotLiquidation(String stream, String kind) implements DecodedFrame {
    }

    /**
     * An element that is, or may be, a liquidation but cannot become one: a field missing, of the wrong type or out of
     * range. Nothing it carried is written, so whoever reads the topic must be told.
     *
     * @param symbol the contract it was for, when that much could be read; null otherwise
     */
    record RejectedEvent(String symbol, String reason) {
    }
}
