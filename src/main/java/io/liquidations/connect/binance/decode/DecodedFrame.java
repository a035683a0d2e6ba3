package io.liquidations.connect.binance.decode;

import java.util.List;

/** What one WebSocket text frame turned out to be. */
public sealed interface DecodedFrame {

    /** The stream the frame arrived on, or null when the frame did not say (raw form, control replies). */
    String stream();

    /** One or more liquidations (the all-market stream may batch them in an array). */
    record Liquidations(String stream, List<ForceOrderEvent> events) implements DecodedFrame {
    }

    /** A well-formed frame that carries no liquidation: a subscription reply or another event type. */
    record NotLiquidation(String stream, String kind) implements DecodedFrame {
    }
}
