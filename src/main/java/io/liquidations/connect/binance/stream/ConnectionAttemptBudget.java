package io.liquidations.connect.binance.stream;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Connection attempts allowed per time window, shared by every task in the worker JVM: Binance counts attempts
 * per IP (about 300 per 5 minutes) and bans repeat offenders, so many tasks reconnecting together must queue up
 * instead of storming. Each attempt reserves the earliest slot that keeps every window within its limit; slots
 * are handed out first come, first served.
 */
public final class ConnectionAttemptBudget {
    private static final Map<Limits, ConnectionAttemptBudget> SHARED = new ConcurrentHashMap<>();
    static final long SHORT_WINDOW_MS = 1_000;
    static final long LONG_WINDOW_MS = 5 * 60_000;
    /**
     * Attempts reach the exchange a few milliseconds after their slot, unevenly; slots a window plus this apart
     * keep the exchange's own count within the limit too.
     */
    static final long MARGIN_MS = 50;

    private record Limits(int perSecond, int perFiveMinutes) {
    }

    private final int perSecond;
    private final int perFiveMinutes;
    private final LongSupplier clock;
    /** Reserved attempt times, non-decreasing; only the last {@code perFiveMinutes} matter. */
    private final ArrayDeque<Long> reserved = new ArrayDeque<>();
    /** No attempt before this time: the exchange said so (Retry-After on a 429 or 418). */
    private long heldUntil = Long.MIN_VALUE;

    ConnectionAttemptBudget(int perSecond, int perFiveMinutes, LongSupplier clock) {
        this.perSecond = perSecond;
        this.perFiveMinutes = perFiveMinutes;
        this.clock = clock;
    }

    /** The budget of this JVM for these limits: tasks configured alike share one. */
    public static ConnectionAttemptBudget shared(int perSecond, int perFiveMinutes) {
        return SHARED.computeIfAbsent(new Limits(perSecond, perFiveMinutes),
                limits -> new ConnectionAttemptBudget(perSecond, perFiveMinutes, System::currentTimeMillis));
    }

    /** Reserves a slot for one attempt. @return milliseconds to wait before making it (0: now) */
    public synchronized long reserve() {
        long now = clock.getAsLong();
        long slot = reserved.isEmpty() ? now : Math.max(now, reserved.peekLast());
        slot = Math.max(slot, earliestWithin(perSecond, SHORT_WINDOW_MS));
        slot = Math.max(slot, earliestWithin(perFiveMinutes, LONG_WINDOW_MS));
        slot = Math.max(slot, heldUntil);
        reserved.addLast(slot);
        while (reserved.size() > Math.max(perSecond, perFiveMinutes)) {
            reserved.pollFirst();
        }
        return slot - now;
    }

    /**
     * A 429 or 418 with Retry-After: Binance limits attempts per IP, so the wait applies to every connection that
     * shares this budget, not only to the one that was refused.
     */
    public synchronized void holdUntil(long epochMillis) {
        heldUntil = Math.max(heldUntil, epochMillis);
    }

    /** With {@code limit} attempts per {@code window}, the next may not start before the limit-th last + window. */
    private long earliestWithin(int limit, long window) {
        if (reserved.size() < limit) {
            return Long.MIN_VALUE;
        }
        int skip = reserved.size() - limit;
        var iterator = reserved.iterator();
        for (int i = 0; i < skip; i++) {
            iterator.next();
        }
        return iterator.next() + window + MARGIN_MS;
    }
}
