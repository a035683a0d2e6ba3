package io.liquidations.connect.binance.record;

import io.liquidations.connect.binance.decode.ForceOrderEvent;

/**
 * A liquidation as it arrived.
 *
 * @param stream the stream the frame named, or null when it named none
 */
public record ReceivedLiquidation(ForceOrderEvent event, String stream, long receivedAtMillis)
        implements RecordSource {
}
