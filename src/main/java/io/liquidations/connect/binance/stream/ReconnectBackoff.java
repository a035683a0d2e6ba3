package io.liquidations.connect.binance.stream;

import java.util.function.LongUnaryOperator;

/**
 * Capped exponential backoff with full jitter: the bound doubles after each failed attempt up to a cap, and the
 * wait is drawn uniformly below it, so that connections dropped together do not reconnect together.
 * Not thread-safe: each connection owns one and uses it on its event loop.
 */
public final class ReconnectBackoff {
    private final long initialMs;
    private final long maxMs;
    private final LongUnaryOperator randomBelow;
    private int failures;

    /** @param randomBelow given a bound {@code n}, a uniformly random value in {@code [0, n]} */
    public ReconnectBackoff(long initialMs, long maxMs, LongUnaryOperator randomBelow) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.randomBelow = randomBelow;
    }

    /** The wait before the next attempt, and counts this failure. */
    public long nextDelayMs() {
        long bound = initialMs;
        for (int i = 0; i < failures && bound < maxMs; i++) {
            bound *= 2;
        }
        failures++;
        bound = Math.min(bound, maxMs);
        return randomBelow.applyAsLong(bound);
    }

    /** After a connection is confirmed up, the next drop starts from the initial bound again. */
    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
