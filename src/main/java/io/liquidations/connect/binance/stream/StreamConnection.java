package io.liquidations.connect.binance.stream;

import io.liquidations.connect.binance.metrics.ReconnectReason;
import io.liquidations.connect.binance.proxy.ProxyRefusedException;
import io.liquidations.connect.binance.proxy.ProxyTunnels;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to a combined-stream URL, re-opened after every drop. All state is touched on its
 * event loop only, which is what makes "at most one attempt in flight" hold without locks: a reconnect is only
 * ever scheduled by the end of the previous channel or attempt (the pattern of Netty's uptime client).
 */
final class StreamConnection {
    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);
    private static final int HANDSHAKE_RESPONSE_MAX_BYTES = 64 * 1024;

    private final String name;
    private final URI uri;
    private final List<String> streams;
    private final StreamClientSettings settings;
    private final EventLoop eventLoop;
    private final ReconnectBackoff backoff;
    private final StreamListener listener;

    private volatile boolean closed;
    private Channel channel;
    /** The connection opened to take over from {@link #channel} during a rotation, until it delivers. */
    private Channel replacement;
    private io.netty.util.concurrent.ScheduledFuture<?> rotation;
    private boolean paused;
    /** Consecutive connections that opened but never delivered a frame. */
    private int silentConnections;
    /** Whether any connection to this URL has ever delivered a frame. */
    private boolean everDelivered;

    StreamConnection(String name, URI uri, List<String> streams, StreamClientSettings settings, EventLoop eventLoop,
            ReconnectBackoff backoff, StreamListener listener) {
        this.name = name;
        this.uri = uri;
        this.streams = streams;
        this.settings = settings;
        this.eventLoop = eventLoop;
        this.backoff = backoff;
        this.listener = listener;
    }

    void open() {
        eventLoop.execute(this::connect);
    }

    void close() {
        closed = true;
        eventLoop.execute(() -> {
            closeGracefully(channel, "connector stopping");
            closeGracefully(replacement, "connector stopping");
        });
    }

    private static void closeGracefully(Channel ch, String reason) {
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(1000, reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    void resumeReading() {
        eventLoop.execute(() -> {
            if (paused) {
                paused = false;
                for (Channel ch : new Channel[] {channel, replacement}) {
                    if (ch != null) {
                        ch.config().setAutoRead(true);
                    }
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
        long wait = settings.attemptBudget().reserve();
        if (wait > 0) {
            log.info("{}: connection attempts budget spent, attempting in {} ms", name, wait);
            eventLoop.schedule(() -> attempt(asReplacement), wait, TimeUnit.MILLISECONDS);
        } else {
            attempt(asReplacement);
        }
    }

    private void attempt(boolean asReplacement) {
        if (closed) {
            return;
        }
        listener.onConnecting(name);
        boolean tls = "wss".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        Bootstrap bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.handshakeTimeoutMs())
                .resolver(ProxyTunnels.resolver(settings.proxy()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        ChannelHandler proxy = ProxyTunnels.firstHandler(settings.proxy(), settings.handshakeTimeoutMs());
                        if (proxy != null) {
                            pipeline.addLast(proxy);
                        }
                        if (tls) {
                            SslHandler ssl = settings.sslContext().newHandler(ch.alloc(), uri.getHost(), port);
                            ssl.setHandshakeTimeoutMillis(settings.handshakeTimeoutMs());
                            pipeline.addLast(ssl);
                        }
                        pipeline.addLast(new HttpClientCodec());
                        pipeline.addLast(new HttpObjectAggregator(HANDSHAKE_RESPONSE_MAX_BYTES));
                        pipeline.addLast(new WebSocketClientProtocolHandler(protocolConfig()));
                        pipeline.addLast(new WebSocketFrameAggregator(settings.maxFrameBytes()));
                        pipeline.addLast(new StreamFrameHandler(StreamConnection.this, settings.liveness()));
                    }
                });
        if (!asReplacement) {
            paused = false;
        }
        Channel attempt = bootstrap.connect(uri.getHost(), port).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                onAttemptEnded(future.channel(), future.cause(), false, false, System.currentTimeMillis());
            }
        }).channel();
        if (asReplacement) {
            replacement = attempt;
        } else {
            channel = attempt;
        }
    }

    /**
     * Planned rotation before the exchange's 24-hour cut: open the replacement first, switch to it once it
     * delivers, then close the old one. Both deliver during the overlap; the de-duplication window writes each
     * liquidation once. If the replacement fails, the old connection keeps serving and rotation is tried again.
     */
    private void rotate() {
        if (closed || replacement != null || channel == null) {
            return;
        }
        log.info("{}: rotating before the exchange's connection lifetime ends", name);
        reserveAttempt(true);
    }

    private void scheduleRotation() {
        long maxAge = settings.connectionMaxAgeMs();
        // Up to 10 % earlier, at random, so that connections opened together do not rotate together.
        long lifetime = maxAge - java.util.concurrent.ThreadLocalRandom.current().nextLong(maxAge / 10 + 1);
        if (rotation != null) {
            rotation.cancel(false);
        }
        rotation = eventLoop.schedule(this::rotate, lifetime, TimeUnit.MILLISECONDS);
    }

    private WebSocketClientProtocolConfig protocolConfig() {
        return WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .maxFramePayloadLength(settings.maxFrameBytes())
                .handshakeTimeoutMillis(settings.handshakeTimeoutMs())
                // Close frames and pongs are handled by StreamFrameHandler: it logs the close status and
                // times the pongs.
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .build();
    }

    // ---- called by StreamFrameHandler, on the event loop ----

    void onHandshakeComplete() {
        log.info("{} open to {} ({} streams)", name, uri.getHost(), streams.size());
    }

    /**
     * The connection is confirmed to deliver: its first frame arrived (with the canary, within a second of opening).
     * Only now is coverage back and the backoff reset, so a socket that opens but stays silent neither ends a gap
     * nor reconnects at full speed.
     */
    void onLive(Channel live) {
        backoff.reset();
        everDelivered = true;
        if (live == replacement) {
            Channel old = channel;
            channel = replacement;
            replacement = null;
            if (old != null) {
                log.info("{}: rotated to a new connection; closing the old one", name);
                listener.onRotated(name);
                closeGracefully(old, "rotated");
                scheduleRotation();
                return;
            }
            // The old one died during the rotation: the replacement ends that outage like a reconnect would.
        }
        listener.onConnected(name, streams);
        scheduleRotation();
    }

    /** Stops reading the socket when the listener asks for back-pressure. */
    void onText(Channel ch, String text, long receivedAt) {
        if (!listener.onText(name, text, receivedAt) && !paused) {
            paused = true;
            ch.config().setAutoRead(false);
        }
    }

    void onUnreadableMessage(String description) {
        listener.onUnreadableMessage(name, description);
    }

    /**
     * The end of a channel or of a failed attempt: decide whether and when to try again.
     *
     * @param opened whether the WebSocket handshake had completed
     * @param delivered whether any frame arrived on this channel
     * @param coveredUntil until when (epoch ms) the channel delivered its streams
     */
    void onAttemptEnded(Channel ended, Throwable cause, boolean opened, boolean delivered, long coveredUntil) {
        if (closed) {
            return;
        }
        cause = ProxyTunnels.explain(settings.proxy(), cause);
        if (ended == replacement) {
            replacement = null;
            if (channel != null) {
                long retry = backoff.nextDelayMs();
                log.warn("{}: rotation failed ({}); the current connection keeps serving, retrying in {} ms", name,
                        cause.toString(), retry);
                rotation = eventLoop.schedule(this::rotate, retry, TimeUnit.MILLISECONDS);
                return;
            }
            // Both gone: recover like any dropped connection.
        } else if (ended != channel) {
            return; // a connection already rotated out
        } else if (replacement != null) {
            // The replacement in flight is the reconnect: at most one attempt at a time.
            channel = null;
            listener.onDisconnected(name, cause, 0, reconnectReason(cause, opened), coveredUntil);
            return;
        }
        channel = null;
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
        Integer status = handshakeStatus(cause);
        if (status != null && isPermanentRefusal(status)) {
            listener.onFatal(name, new IllegalStateException("The exchange refused the WebSocket upgrade of " + uri
                    + " with HTTP " + status + "; check binance.ws.url and the symbols", cause));
            return;
        }
        long delay = backoff.nextDelayMs();
        Long retryAfterMs = retryAfterMs(cause);
        if (retryAfterMs != null) {
            delay = Math.max(delay, retryAfterMs);
        }
        listener.onDisconnected(name, cause, delay, reconnectReason(cause, opened), coveredUntil);
        eventLoop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private static ReconnectReason reconnectReason(Throwable cause, boolean opened) {
        if (cause instanceof StreamStalledException stalled) {
            return stalled.reason() == StreamStalledException.Reason.PONG_TIMEOUT ? ReconnectReason.PING_TIMEOUT
                    : ReconnectReason.STALL;
        }
        if (handshakeStatus(cause) != null) {
            return ReconnectReason.HANDSHAKE_REFUSED;
        }
        return opened ? ReconnectReason.DROPPED : ReconnectReason.CONNECT_FAILED;
    }

    /** 4xx answers other than "slow down" (429), "banned for now" (418) and "timeout" (408) will not change. */
    private static boolean isPermanentRefusal(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 418 && status != 429;
    }

    private static Integer handshakeStatus(Throwable cause) {
        HttpResponse response = handshakeResponse(cause);
        return response == null ? null : response.status().code();
    }

    private static Long retryAfterMs(Throwable cause) {
        HttpResponse response = handshakeResponse(cause);
        String retryAfter = response == null ? null : response.headers().get(HttpHeaderNames.RETRY_AFTER);
        if (retryAfter == null) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim())) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static HttpResponse handshakeResponse(Throwable cause) {
        return cause instanceof WebSocketClientHandshakeException handshake ? handshake.response() : null;
    }
}
