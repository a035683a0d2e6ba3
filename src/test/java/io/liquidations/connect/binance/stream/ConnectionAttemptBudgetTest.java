package io.liquidations.connect.binance.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionAttemptBudgetTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void fivePerSecondThenTheNextWaitsForTheWindow() {
        ConnectionAttemptBudget budget = new ConnectionAttemptBudget(5, 300, now::get);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, budget.reserve(), "attempt " + i);
        }
        assertEquals(1_050, budget.reserve(), "the sixth waits until the first has left the 1 s window");
        assertEquals(1_050, budget.reserve());
        now.addAndGet(1_050);
        // 2 of this second's 5 slots went to the attempts that waited: 3 are left.
        assertEquals(0, budget.reserve());
        assertEquals(0, budget.reserve());
        assertEquals(0, budget.reserve());
        assertEquals(1_050, budget.reserve());
    }

    @Test
    void neverMoreThanTheLimitInAnyWindowUnderAStorm() {
        ConnectionAttemptBudget budget = new ConnectionAttemptBudget(5, 300, now::get);
        List<Long> attempts = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            attempts.add(now.get() + budget.reserve());
        }
        for (int i = 0; i < attempts.size(); i++) {
            long start = attempts.get(i);
            long inSecond = attempts.stream().filter(t -> t >= start && t < start + 1_000).count();
            long inFiveMinutes = attempts.stream().filter(t -> t >= start && t < start + 300_000).count();
            assertTrue(inSecond <= 5, "second from " + start + ": " + inSecond);
            assertTrue(inFiveMinutes <= 300, "5 minutes from " + start + ": " + inFiveMinutes);
        }
        assertEquals(attempts.stream().sorted().toList(), attempts, "first come, first served");
        assertTrue(attempts.get(900) - now.get() >= 3 * 300_000, "the 901st waits for three full 5-minute windows");
    }

    /** Binance's Retry-After is about the IP: every connection on the budget waits, not only the refused one. */
    @Test
    void aHoldFromRetryAfterDelaysEveryAttemptUntilItEnds() {
        ConnectionAttemptBudget budget = new ConnectionAttemptBudget(5, 300, now::get);
        budget.holdUntil(now.get() + 2_000);
        assertEquals(2_000, budget.reserve());
        assertEquals(2_000, budget.reserve(), "the second connection waits too");
        budget.holdUntil(now.get() + 500);
        assertEquals(2_000, budget.reserve(), "a shorter hold does not shorten a longer one");
        now.addAndGet(2_000);
        assertEquals(0, budget.reserve(), "after the hold, the window rules alone: 2 of 5 left");
    }

    @Test
    void tasksWithTheSameLimitsShareOneBudget() {
        assertSame(ConnectionAttemptBudget.shared(7, 301), ConnectionAttemptBudget.shared(7, 301));
    }
}
