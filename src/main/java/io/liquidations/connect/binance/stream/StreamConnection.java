package io.liquidations.connect.binance.stream;

import io.liquidations.connect.binance.proxy.ProxyRefusedException;
import io.liquidations.connect.binance.proxy.ProxySettings;
import io.liquidations.connect.binance.proxy.ProxyTunnels;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leg of a {@link StreamGroup}: a WebSocket connection to the group's combined-stream URL, re-opened after every
 * drop and replaced before the exchange's 24-hour cut. All state is touched on its event loop only, which is what
 * makes "at most one attempt in flight" hold without locks: a reconnect is only ever scheduled by the end of the
 * previous socket or attempt (the pattern of Netty's uptime client).
 *
 * <p>Each attempt is an {@link Attempt} object that its socket's handler reports back with, so that the end of an
 * attempt is always matched to the attempt it ended, including one that fails before {@code connect()} returns.
 */
final class StreamConnection {
    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);
    private static final int HANDSHAKE_RESPONSE_MAX_BYTES = 64 * 1024;
    /** How often a rotation that may not start yet (paused socket, another leg not up) asks again. */
    private static final long ROTATION_RETRY_MS = 1_000;

    /** One attempt to open a socket, and that socket while it lives. */
    static final class Attempt {
        Channel channel;

        StreamFrameHandler handler() {
            return channel == null ? null : channel.pipeline().get(StreamFrameHandler.class);
        }
    }

    private final String name;
    private final int index;
    private final StreamGroup group;
    private final URI uri;
    private final StreamClientSettings settings;
    private final EventLoop eventLoop;
    private final ReconnectBackoff backoff;
    private final Resolution resolution;
    private final ConnectionFailures failures;
    private final StreamListener listener;

    private volatile boolean closed;
    /** The attempt serving this leg (or trying to), or null between a failed attempt and the next. */
    private Attempt current;
    /** The socket opened to take over from {@link #current} during a rotation, until it delivers. */
    private Attempt replacement;
    /** Sockets rotated out, reading until their close handshake completes. */
    private final java.util.Set<Attempt> closing = new java.util.HashSet<>();
    private ScheduledFuture<?> rotation;
    private long currentOpenedAtNanos;
    /** Whether {@link #current} delivers its streams: live, and not lost to a pause that lasted too long. */
    private volatile boolean covering;
    /**
     * Since when what this leg delivers is uncertain: the earliest pause not yet caught up on, of its current socket
     * or of one rotated out and still being read; 0 when certain. Read by the watermark, on another thread.
     */
    private volatile long uncertainSince;
    /** Until when the leg delivered, when it last stopped covering. */
    private volatile long coveredUntilMillis = Long.MIN_VALUE;
    /**
     * When the current socket last proved it delivers: its last text frame (data or canary), or without a canary its
     * last frame of any kind (a pong). A socket delivers in order, so what was sent before it has arrived.
     */
    private volatile long deliveredUntil = Long.MIN_VALUE;
    /** Consecutive sockets that opened but never delivered a frame. */
    private int silentConnections;
    /** Whether any socket of this leg has ever delivered a frame. */
    private boolean everDelivered;

    StreamConnection(String name, int index, StreamGroup group, URI uri, StreamClientSettings settings,
            EventLoop eventLoop, ReconnectBackoff backoff, Resolution resolution, StreamListener listener) {
        this.name = name;
        this.index = index;
        this.group = group;
        this.uri = uri;
        this.settings = settings;
        this.eventLoop = eventLoop;
        this.backoff = backoff;
        this.resolution = resolution;
        this.failures = new ConnectionFailures(uri);
        this.listener = listener;
    }

    String name() {
        return name;
    }

    /** Whether this leg delivers its group's streams now; read from any thread (metrics). */
    boolean isCovering() {
        return covering;
    }

    boolean isRotating() {
        return replacement != null;
    }

    /**
     * Until when this leg has delivered everything its streams carried: the last frame that proved delivery while it
     * covers (no later than the start of a pause not yet caught up on), or where its coverage ended;
     * {@code Long.MIN_VALUE} before it ever covered. Safe from any thread.
     */
    long frontier(long nowMillis) {
        if (!covering) {
            return coveredUntilMillis;
        }
        long uncertain = uncertainSince;
        long delivered = Math.min(deliveredUntil, nowMillis);
        return uncertain == 0 ? delivered : Math.min(uncertain, delivered);
    }

    /** A frame arrived on a socket of this leg: the current socket's delivery frontier moves. */
    void frameArrived(Attempt on, long receivedAt, boolean text) {
        if (on == current && (text || settings.liveness().canaryStream() == null)) {
            deliveredUntil = receivedAt;
        }
    }

    /** A socket of this leg paused, caught up, or left: the leg's uncertainty is the earliest of its sockets'. */
    void uncertaintyChanged() {
        long earliest = 0;
        for (Attempt attempt : allAttempts()) {
            StreamFrameHandler handler = attempt == replacement ? null : attempt.handler();
            long since = handler == null ? 0 : handler.uncertainSinceMillis();
            if (since != 0 && (earliest == 0 || since < earliest)) {
                earliest = since;
            }
        }
        uncertainSince = earliest;
    }

    void open() {
        eventLoop.execute(this::connect);
    }

    /** For a stopping task: every socket ends now, nothing is reconnected. */
    void close() {
        closed = true;
        eventLoop.execute(() -> {
            if (rotation != null) {
                rotation.cancel(false);
            }
            for (Attempt attempt : allAttempts()) {
                StreamFrameHandler handler = attempt.handler();
                if (handler != null) {
                    handler.closeNow("connector stopping");
                } else if (attempt.channel != null) {
                    attempt.channel.close();
                }
            }
        });
    }

    private List<Attempt> allAttempts() {
        List<Attempt> all = new java.util.ArrayList<>(closing);
        if (current != null) {
            all.add(current);
        }
        if (replacement != null) {
            all.add(replacement);
        }
        return all;
    }

    /** After the consumer drained its queue: read again from every socket paused by back-pressure. */
    void resumeReading() {
        eventLoop.execute(() -> {
            for (Attempt attempt : allAttempts()) {
                StreamFrameHandler handler = attempt.handler();
                if (handler != null) {
                    handler.resumeReading();
                }
            }
        });
    }

    private void connect() {
        reserveAttempt(false);
    }

    /** Every attempt first takes a slot of the JVM-wide budget, waiting for it if the budget is spent. */
    private void reserveAttempt(boolean asReplacement) {
        if (closed) {
            return;
        }
        Attempt attempt = new Attempt();
        if (asReplacement) {
            replacement = attempt;
        } else {
            current = attempt;
        }
        long wait = settings.attemptBudget().reserve();
        if (wait > 0) {
            log.info("{}: connection attempts budget spent, attempting in {} ms", name, wait);
            eventLoop.schedule(() -> resolve(attempt), wait, TimeUnit.MILLISECONDS);
        } else {
            resolve(attempt);
        }
    }

    /**
     * Looks the host up off the event loop, then connects on it; a lookup that fails ends the attempt. Through a proxy
     * the host looked up is the proxy's: the exchange's name goes to the proxy unresolved, since networks that only
     * allow egress through a proxy often cannot resolve outside names at all.
     */
    private void resolve(Attempt attempt) {
        if (closed || !isLive(attempt)) {
            return;
        }
        listener.onConnecting(name);
        ProxySettings proxy = settings.proxy();
        resolution.resolve(proxy.enabled() ? proxy.host() : uri.getHost(), eventLoop, (addresses, failure) -> {
            if (failure != null) {
                onAttemptEnded(attempt, failure, false, false, System.currentTimeMillis());
            } else {
                connectTo(attempt, addresses);
            }
        });
    }

    private boolean isLive(Attempt attempt) {
        return attempt == current || attempt == replacement;
    }

    private void connectTo(Attempt attempt, List<InetAddress> addresses) {
        if (closed || !isLive(attempt)) {
            return;
        }
        boolean tls = "wss".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        // Legs of a group spread over the host's addresses, and a leg that keeps failing moves on to the next one.
        InetAddress address = addresses.get((index + backoff.failures()) % addresses.size());
        ProxySettings proxy = settings.proxy();
        InetSocketAddress destination = proxy.enabled() ? InetSocketAddress.createUnresolved(uri.getHost(), port)
                : new InetSocketAddress(address, port);
        ChannelHandler tunnel = proxy.enabled()
                ? ProxyTunnels.firstHandler(proxy, new InetSocketAddress(address, proxy.port()),
                        settings.handshakeTimeoutMs())
                : null;
        Bootstrap bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(NioSocketChannel.class)
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.handshakeTimeoutMs())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        if (tunnel != null) {
                            // First, so that TLS and host-name verification run end to end through the tunnel.
                            pipeline.addLast(tunnel);
                        }
                        if (tls) {
                            // The name, not the address: certificates and SNI are about the host name.
                            SslHandler ssl = settings.sslContext().newHandler(ch.alloc(), uri.getHost(), port);
                            ssl.setHandshakeTimeoutMillis(settings.handshakeTimeoutMs());
                            pipeline.addLast(ssl);
                        }
                        pipeline.addLast(new HttpClientCodec());
                        pipeline.addLast(new HttpObjectAggregator(HANDSHAKE_RESPONSE_MAX_BYTES));
                        pipeline.addLast(new WebSocketClientProtocolHandler(protocolConfig()));
                        pipeline.addLast(new WebSocketFrameAggregator(settings.maxFrameBytes()));
                        pipeline.addLast(new StreamFrameHandler(StreamConnection.this, attempt, settings));
                    }
                });
        ChannelFuture connecting = bootstrap.connect(destination);
        // The attempt knows its channel before the listener can run: a connect that fails at once (registration)
        // completes the future before connect() returns, and the listener then runs right here.
        attempt.channel = connecting.channel();
        connecting.addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                onAttemptEnded(attempt, future.cause(), false, false, System.currentTimeMillis());
            }
        });
    }

    private WebSocketClientProtocolConfig protocolConfig() {
        return WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .maxFramePayloadLength(settings.maxFrameBytes())
                .handshakeTimeoutMillis(settings.handshakeTimeoutMs())
                // Close frames and pongs are handled by StreamFrameHandler: it runs the close handshake, logs the
                // exchange's close status and times the pongs.
                .handleCloseFrames(false)
                .dropPongFrames(false)
                // StreamFrameHandler checks UTF-8 as it decodes (FrameText): one pass instead of two, and bad UTF-8 is
                // one malformed frame instead of a closed socket.
                .withUTF8Validator(false)
                .build();
    }

    // ---- rotation ----

    /**
     * Planned rotation before the exchange's 24-hour cut: open the replacement first, switch to it once it delivers,
     * then close the old socket with a close handshake. Both deliver during the overlap; the de-duplication window
     * writes each liquidation once. If the replacement fails, the old socket keeps serving and rotation is tried
     * again. A rotation waits while the socket is paused by back-pressure, and while another leg of the group is not
     * up or rotating itself, so that legs never rotate together: up to a tenth of the lifetime, past which it goes
     * ahead regardless, since the exchange's cut would end the socket anyway.
     */
    private void rotate() {
        if (closed || replacement != null || current == null || current.channel == null) {
            return;
        }
        StreamFrameHandler handler = current.handler();
        long age = System.nanoTime() - currentOpenedAtNanos;
        boolean overdue = age > TimeUnit.MILLISECONDS.toNanos(settings.connectionMaxAgeMs()
                + settings.connectionMaxAgeMs() / 10);
        if (!overdue && ((handler != null && handler.isPaused()) || !group.mayRotate(this))) {
            rotation = eventLoop.schedule(this::rotate, Math.min(ROTATION_RETRY_MS,
                    Math.max(10, settings.connectionMaxAgeMs() / 20)), TimeUnit.MILLISECONDS);
            return;
        }
        log.info("{}: rotating before the exchange's connection lifetime ends", name);
        reserveAttempt(true);
    }

    /**
     * Up to 10 % before the maximum age, in a slice of that window of its own for each leg, at random within it: legs
     * opened together do not rotate together, and neither do connections opened together.
     */
    private void scheduleRotation() {
        currentOpenedAtNanos = System.nanoTime();
        long maxAge = settings.connectionMaxAgeMs();
        int legs = Math.max(1, settings.connectionsPerStream());
        long slice = maxAge / 10 / legs;
        long earlier = index * slice + ThreadLocalRandom.current().nextLong(slice + 1);
        if (rotation != null) {
            rotation.cancel(false);
        }
        rotation = eventLoop.schedule(this::rotate, Math.max(1, maxAge - earlier), TimeUnit.MILLISECONDS);
    }

    // ---- called by StreamFrameHandler, on the event loop ----

    void onHandshakeComplete(Attempt attempt) {
        log.info("{} open to {} ({})", name, uri.getHost(), attempt.channel == null ? "?" : attempt.channel.remoteAddress());
    }

    /**
     * A socket is confirmed to deliver: its first frame arrived (with the canary, within a second of opening). Only
     * now is the leg covering again and the backoff reset, so a socket that opens but stays silent neither ends a gap
     * nor reconnects at full speed.
     */
    void onLive(Attempt live) {
        backoff.reset();
        failures.reset();
        everDelivered = true;
        silentConnections = 0;
        if (live == replacement) {
            Attempt old = current;
            current = replacement;
            replacement = null;
            scheduleRotation();
            if (old != null && old.channel != null && old.channel.isActive()) {
                log.info("{}: rotated to a new socket; closing the old one after its close handshake", name);
                listener.onRotated(name);
                closing.add(old);
                old.handler().closeGracefully("rotated");
                uncertaintyChanged();
                return;
            }
            // The old socket died during the rotation: the replacement ends that outage like a reconnect would.
        } else if (live != current) {
            return; // a socket rotated out delivers its last frames: nothing changes
        } else {
            scheduleRotation();
        }
        listener.onConnectionUp(name);
        coverageRegained();
    }

    /**
     * The group hears first, so that the gap it writes is queued before the watermark may move past it: a checkpoint
     * read between the two would otherwise claim coverage the gap record does not yet stand for.
     */
    private void coverageRegained() {
        if (!covering) {
            group.legCovering(this);
            covering = true;
        }
    }

    /** Stops reading the socket when the listener asks for back-pressure; sockets rotated out deliver too. */
    void onText(Attempt from, String text, long receivedAt, long previousFrameAt) {
        if (!listener.onText(group.name(), text, receivedAt, previousFrameAt) && from.handler() != null) {
            from.handler().pauseReading();
        }
    }

    void onInvalidText(Attempt from, String lossyText, long receivedAt, long previousFrameAt) {
        listener.onInvalidText(group.name(), lossyText, receivedAt, previousFrameAt);
    }

    void onUnreadableMessage(Attempt from, String description, long receivedAt, long previousFrameAt) {
        listener.onUnreadableMessage(group.name(), description, receivedAt, previousFrameAt);
    }

    /** Reading has been paused for so long that the exchange has surely dropped the socket: coverage is lost. */
    void onReadPausedTooLong(Attempt attempt, long pausedAtMillis) {
        if (attempt == current && covering) {
            log.warn("{}: reading paused by back-pressure for over {} ms; the exchange drops sockets that leave its"
                    + " pings unanswered this long, so its streams count as not covered since the pause", name,
                    settings.readPauseMaxMs());
            coveredUntilMillis = pausedAtMillis;
            covering = false;
            group.legLost(this, pausedAtMillis, ReconnectReason.READ_PAUSED);
        }
    }

    /** The socket survived a long pause after all and has read everything sent before now. */
    void onCaughtUp(Attempt attempt) {
        if (attempt == current && !closed) {
            coverageRegained();
        }
    }

    /**
     * The end of a socket or of a failed attempt: decide whether and when to try again.
     *
     * @param opened whether the WebSocket handshake had completed
     * @param delivered whether any frame arrived on this socket
     * @param coveredUntil until when (epoch ms) the socket delivered its streams
     */
    void onAttemptEnded(Attempt ended, Throwable cause, boolean opened, boolean delivered, long coveredUntil) {
        if (closing.remove(ended)) {
            uncertaintyChanged();
            return;
        }
        if (closed) {
            return;
        }
        cause = ProxyTunnels.explain(settings.proxy(), cause);
        ReconnectReason reason = ConnectionFailures.reconnectReason(cause, opened);
        try {
            attemptEnded(ended, cause, opened, delivered, coveredUntil, reason);
        } finally {
            uncertaintyChanged();
        }
    }

    private void attemptEnded(Attempt ended, Throwable cause, boolean opened, boolean delivered, long coveredUntil,
            ReconnectReason reason) {
        if (ended == replacement) {
            replacement = null;
            if (current != null && current.channel != null && current.channel.isActive()) {
                long retry = backoff.nextDelayMs();
                log.warn("{}: rotation failed ({}); the current socket keeps serving, retrying in {} ms", name,
                        cause.toString(), retry);
                rotation = eventLoop.schedule(this::rotate, retry, TimeUnit.MILLISECONDS);
                return;
            }
            // Both gone: recover like any dropped connection.
            current = null;
        } else if (ended != current) {
            return; // superseded
        } else {
            if (covering) {
                coveredUntilMillis = coveredUntil;
                covering = false;
                group.legLost(this, coveredUntil, reason);
            }
            if (replacement != null) {
                // The replacement in flight becomes the reconnect: at most one attempt at a time.
                current = replacement;
                replacement = null;
                listener.onConnectionDown(group.name(), name, cause, 0, reason);
                return;
            }
            current = null;
        }
        if (delivered) {
            silentConnections = 0;
        } else if (opened && !everDelivered && settings.liveness().canaryStream() != null
                && ++silentConnections >= settings.liveness().maxSilentConnections()) {
            // Only a URL that has never delivered is given up on; a stall on one that did is waited out.
            listener.onFatal(name, new IllegalStateException("Connected " + silentConnections + " times to " + uri
                    + " and never received a frame, not even on the canary stream "
                    + settings.liveness().canaryStream() + ". The URL accepts connections but serves no market"
                    + " data; the retired path-less wss://fstream.binance.com behaves so. Check binance.ws.url"
                    + " (USDS-M needs the /market path; on COIN-M, sources disagree on whether dstream moved to"
                    + " /market too: if wss://dstream.binance.com stays silent, try wss://dstream.binance.com/market).",
                    cause));
            return;
        }
        if (cause instanceof ProxyRefusedException refused && refused.permanent()) {
            listener.onFatal(name, refused);
            return;
        }
        String diagnosis = failures.diagnose(cause, resolution.everResolved());
        if (diagnosis != null) {
            listener.onFatal(name, new IllegalStateException(diagnosis, cause));
            return;
        }
        long delay = backoff.nextDelayMs();
        Long retryAfterMs = ConnectionFailures.retryAfterMs(cause);
        if (retryAfterMs != null) {
            delay = Math.max(delay, retryAfterMs);
            settings.attemptBudget().holdUntil(System.currentTimeMillis() + retryAfterMs);
        }
        listener.onConnectionDown(group.name(), name, cause, delay, reason);
        eventLoop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }
}
