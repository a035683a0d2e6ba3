package io.liquidations.connect.binance.discovery;

import java.io.IOException;

/** exchangeInfo could not be had; the message says why and what to check. */
public final class ExchangeInfoException extends IOException {
    private final Long retryAfterMs;

    ExchangeInfoException(String message, Long retryAfterMs, Throwable cause) {
        super(message, cause);
        this.retryAfterMs = retryAfterMs;
    }

    /** How long Binance asked us to wait (429 rate limited, 418 banned), or null. */
    public Long retryAfterMs() {
        return retryAfterMs;
    }
}
