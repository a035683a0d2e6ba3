package io.liquidations.connect.binance.queue;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands records from the socket threads to the worker's {@code poll()} thread without ever dropping one.
 *
 * <p>The producer side is a Netty event loop, which must never block (it also answers pings). So
 * {@link #add} always succeeds and instead tells the caller whether the queue has reached its capacity; the
 * caller then stops reading its socket, and TCP flow control pushes back on the exchange. The queue can therefore
 * exceed its capacity by what was already in flight on each paused socket, which is a handful of frames.
 * Reading resumes once {@link #poll} has drained the queue to half its capacity.
 *
 * <p>The consumer side, {@link #poll}, returns up to a batch as soon as anything is there, and otherwise waits at
 * most the given time, so that the worker can notice a stop request.
 */
public final class RecordQueue<T> {
    private final int capacity;
    private final int resumeBelow;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Runnable onRoom;
    private boolean producersPaused;

    /**
     * @param onRoom run on the {@code poll()} thread after the queue, having been full, drained below half
     *     capacity: the signal to resume reading the sockets
     */
    public RecordQueue(int capacity, Runnable onRoom) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.resumeBelow = Math.max(1, capacity / 2);
        this.onRoom = onRoom;
    }

    /** Never blocks, never drops. @return false when the queue is full and the caller should stop reading */
    public boolean add(T item) {
        lock.lock();
        try {
            items.addLast(item);
            notEmpty.signal();
            if (items.size() >= capacity) {
                producersPaused = true;
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code maxBatch} items, waiting up to {@code maxWait} for the first; empty if none came. */
    public List<T> poll(long maxWait, TimeUnit unit, int maxBatch) throws InterruptedException {
        List<T> batch;
        boolean resume = false;
        lock.lock();
        try {
            long nanos = unit.toNanos(maxWait);
            while (items.isEmpty() && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            int count = Math.min(maxBatch, items.size());
            batch = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batch.add(items.pollFirst());
            }
            if (producersPaused && items.size() < resumeBelow) {
                producersPaused = false;
                resume = true;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            onRoom.run();
        }
        return batch;
    }

    /** The oldest item, left in place; null when empty. */
    public T peek() {
        lock.lock();
        try {
            return items.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Everything left, for a consumer that is shutting down and will not poll again. */
    public List<T> drainAll() {
        lock.lock();
        try {
            List<T> rest = new ArrayList<>(items);
            items.clear();
            return rest;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the queue is at or over capacity: a producer that adds more should stop reading. */
    public boolean isFull() {
        lock.lock();
        try {
            return items.size() >= capacity;
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }
}
