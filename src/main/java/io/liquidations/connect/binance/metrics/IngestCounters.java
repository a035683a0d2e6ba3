package io.liquidations.connect.binance.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** What a task has seen since it started; written on the socket thread, read anywhere. */
public final class IngestCounters {
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong liquidations = new AtomicLong();
    private final AtomicLong otherFrames = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();

    public void frameReceived() {
        frames.incrementAndGet();
    }

    public void liquidationsQueued(int count) {
        liquidations.addAndGet(count);
    }

    public void otherFrameSkipped() {
        otherFrames.incrementAndGet();
    }

    /** @return the count including this one */
    public long malformedFrame() {
        return malformedFrames.incrementAndGet();
    }

    public void connectionOpened() {
        connectionsOpened.incrementAndGet();
    }

    public void disconnected() {
        disconnects.incrementAndGet();
    }

    public long frames() {
        return frames.get();
    }

    public long liquidations() {
        return liquidations.get();
    }

    public long otherFrames() {
        return otherFrames.get();
    }

    public long malformedFrames() {
        return malformedFrames.get();
    }

    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    public long disconnects() {
        return disconnects.get();
    }

    @Override
    public String toString() {
        return "frames=" + frames() + ", liquidations=" + liquidations() + ", other frames=" + otherFrames()
                + ", malformed frames=" + malformedFrames() + ", connections opened=" + connectionsOpened()
                + ", disconnects=" + disconnects();
    }
}
