package io.liquidations.connect.binance.queue;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Carries errors from the socket threads to the next {@code poll()}, where the worker can see them.
 *
 * <p>A fatal error is kept and thrown from every later poll, so the task fails and its status shows why. A
 * retriable one (connection trouble the task is already recovering from) is thrown once: the worker logs it and
 * polls again, and queued records are not lost, because they stay in the queue.
 */
public final class ErrorHandler {
    private final AtomicReference<ConnectException> fatal = new AtomicReference<>();
    private final AtomicReference<RetriableException> retriable = new AtomicReference<>();

    public void fatal(String message, Throwable cause) {
        fatal.compareAndSet(null, new ConnectException(message, cause));
    }

    /** Keeps the first retriable error since the last poll; later ones are logged by their reporters. */
    public void retriable(String message, Throwable cause) {
        retriable.compareAndSet(null, new RetriableException(message, cause));
    }

    public boolean hasFatal() {
        return fatal.get() != null;
    }

    /** Throws a pending retriable error, if any, and clears it; a fatal one waits for {@link #throwIfFailed}. */
    public void throwIfRetriable() {
        RetriableException pending = retriable.getAndSet(null);
        if (pending != null && fatal.get() == null) {
            throw pending;
        }
    }

    public void throwIfFailed() {
        ConnectException failure = fatal.get();
        if (failure != null) {
            throw failure;
        }
        RetriableException pending = retriable.getAndSet(null);
        if (pending != null) {
            throw pending;
        }
    }
}
