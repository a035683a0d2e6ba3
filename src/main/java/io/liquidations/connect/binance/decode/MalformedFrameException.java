package io.liquidations.connect.binance.decode;

/** A frame that is not valid JSON, or a liquidation event with a field missing or of the wrong type. */
public class MalformedFrameException extends Exception {
    public MalformedFrameException(String message) {
        super(message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
