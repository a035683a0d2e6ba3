package io.liquidations.connect.binance.exchange;

import io.netty.channel.Channel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake exchange's live record of one accepted WebSocket: what it asked for, what it is
 * subscribed to now, and what happened on it.
 *
 * <p>Test threads read it while the connection's event loop changes it, so every field is either
 * immutable, volatile, atomic, or (the subscription set) guarded by {@code this}. The change
 * listener is always called outside that lock so that a waiting test never deadlocks with the
 * event loop.
 */
final class FakeConnection implements ControlProtocol.Session {

    final long id;
    final Channel channel;
    final String uri;
    final StreamRequest request;
    final boolean tls;
    final Instant openedAt = Instant.now();
    /** Taken at accept time: a closed channel may no longer know its peer. */
    final java.net.InetSocketAddress remoteAddress;
    final java.net.InetSocketAddress localAddress;

    private final Runnable onChange;
    private final Set<String> subscriptions = new LinkedHashSet<>(); // guarded by this
    private final List<String> messagesReceived = new CopyOnWriteArrayList<>();
    private final AtomicInteger pingsSent = new AtomicInteger();
    private final AtomicInteger pongsReceived = new AtomicInteger();
    private final AtomicLong framesSent = new AtomicLong();

    private volatile boolean combined;
    private volatile boolean open = true;
    private volatile Instant closedAt;
    private volatile String closeCause;
    private volatile Integer clientCloseStatus;
    private volatile long lastPongNanos = System.nanoTime();
    /** A stall of this socket alone: it stays open and answers pings, but no market data reaches it. */
    private volatile boolean stalled;

    FakeConnection(long id, Channel channel, String uri, StreamRequest request, boolean tls, Runnable onChange) {
        this.id = id;
        this.channel = channel;
        this.uri = uri;
        this.request = request;
        this.tls = tls;
        this.onChange = onChange;
        this.remoteAddress = (java.net.InetSocketAddress) channel.remoteAddress();
        this.localAddress = (java.net.InetSocketAddress) channel.localAddress();
        this.combined = request.combined();
        synchronized (this) {
            subscriptions.addAll(request.streams());
        }
    }

    boolean isOpen() {
        return open;
    }

    /** Whether market data for {@code stream} is routed to this socket right now. */
    boolean receives(String stream) {
        return open && !stalled && request.live() && isSubscribed(stream);
    }

    void setStalled(boolean stalled) {
        this.stalled = stalled;
    }

    synchronized boolean isSubscribed(String stream) {
        return subscriptions.contains(stream);
    }

    @Override
    public void subscribe(List<String> streams) {
        synchronized (this) {
            subscriptions.addAll(streams);
        }
        onChange.run();
    }

    @Override
    public void unsubscribe(List<String> streams) {
        synchronized (this) {
            streams.forEach(subscriptions::remove);
        }
        onChange.run();
    }

    @Override
    public synchronized List<String> subscriptions() {
        return List.copyOf(subscriptions);
    }

    @Override
    public boolean combined() {
        return combined;
    }

    @Override
    public void setCombined(boolean combined) {
        this.combined = combined;
        onChange.run();
    }

    void recordMessage(String text) {
        messagesReceived.add(text);
        onChange.run();
    }

    void recordPingSent() {
        pingsSent.incrementAndGet();
    }

    void recordPong() {
        lastPongNanos = System.nanoTime();
        pongsReceived.incrementAndGet();
        onChange.run();
    }

    long lastPongNanos() {
        return lastPongNanos;
    }

    void recordFrameSent() {
        framesSent.incrementAndGet();
    }

    void recordClientClose(int statusCode) {
        clientCloseStatus = statusCode;
    }

    /**
     * Names why the server is about to end the connection. The first cause wins, so a later
     * generic "disconnected" never hides the fault a test injected.
     */
    void noteCloseCause(String cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
    }

    /** Whether the server has begun ending this connection (its close frame may be in flight). */
    boolean isClosing() {
        return closeCause != null;
    }

    void markClosed() {
        if (open) {
            noteCloseCause(clientCloseStatus != null ? "closed by client" : "disconnected");
            closedAt = Instant.now();
            open = false;
            onChange.run();
        }
    }

    FakeBinanceExchange.ConnectionInfo snapshot() {
        return new FakeBinanceExchange.ConnectionInfo(
                id,
                uri,
                request.path(),
                request.streams(),
                subscriptions(),
                combined,
                request.live(),
                tls,
                open,
                openedAt,
                closedAt,
                open ? null : closeCause,
                clientCloseStatus,
                pingsSent.get(),
                pongsReceived.get(),
                framesSent.get(),
                new ArrayList<>(messagesReceived),
                remoteAddress,
                localAddress);
    }
}
