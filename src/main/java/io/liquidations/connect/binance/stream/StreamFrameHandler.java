package io.liquidations.connect.binance.stream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The end of a connection's pipeline: hands text to its connection, keeps the connection honest about being
 * alive, and reports how the channel ended. Everything runs on the channel's event loop.
 *
 * <p>Two deadlines, checked on a timer: a pong must answer each client ping within the pong timeout (else the
 * socket is half-open), and the canary stream must tick within the canary timeout (else the socket is up but
 * the exchange has stopped sending: a stall). Either closes the channel, and the connection reconnects.
 */
final class StreamFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final StreamConnection connection;
    private final StreamClientSettings.Liveness liveness;
    private final String canaryPrefix;
    private Throwable endCause;
    private ScheduledFuture<?> livenessCheck;
    private boolean open;
    private boolean delivered;
    private long lastPingNanos;
    private long pingOutstandingSinceNanos;
    /** The last text frame, canary or data: the stall deadline counts from it. */
    private long lastCanaryNanos;
    /** Wall-clock times for gap bounds: the last text frame (data or canary), and the last frame of any kind. */
    private long lastTextMillis;
    private long openedAtMillis;
    private long lastFrameMillis;

    StreamFrameHandler(StreamConnection connection, StreamClientSettings.Liveness liveness) {
        this.connection = connection;
        this.liveness = liveness;
        this.canaryPrefix = liveness.canaryStream() == null ? null
                : "{\"stream\":\"" + liveness.canaryStream() + "\"";
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            open = true;
            openedAtMillis = System.currentTimeMillis();
            long now = System.nanoTime();
            lastPingNanos = now;
            lastCanaryNanos = now;
            long every = liveness.checkEveryMs();
            livenessCheck = ctx.executor().scheduleAtFixedRate(() -> checkLiveness(ctx), every, every,
                    TimeUnit.MILLISECONDS);
            connection.onHandshakeComplete();
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            closeFor(ctx, new IOException("WebSocket handshake timed out"));
        }
        super.userEventTriggered(ctx, event);
    }

    private void checkLiveness(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            // Paused by back-pressure: pongs and canary frames wait unread in the socket like everything else,
            // so their absence proves nothing. The deadlines start again when reading resumes.
            lastCanaryNanos = now;
            if (pingOutstandingSinceNanos != 0) {
                pingOutstandingSinceNanos = now;
            }
            return;
        }
        if (pingOutstandingSinceNanos != 0
                && now - pingOutstandingSinceNanos > TimeUnit.MILLISECONDS.toNanos(liveness.pongTimeoutMs())) {
            closeFor(ctx, new StreamStalledException(StreamStalledException.Reason.PONG_TIMEOUT,
                    "no pong within " + liveness.pongTimeoutMs() + " ms of a ping: the connection is half-open"));
            return;
        }
        if (canaryPrefix != null
                && now - lastCanaryNanos > TimeUnit.MILLISECONDS.toNanos(liveness.canaryTimeoutMs())) {
            closeFor(ctx, new StreamStalledException(StreamStalledException.Reason.STALL,
                    "no frame on the canary stream " + liveness.canaryStream() + " for "
                            + liveness.canaryTimeoutMs() + " ms: the connection is open but data stopped"));
            return;
        }
        if (pingOutstandingSinceNanos == 0
                && now - lastPingNanos >= TimeUnit.MILLISECONDS.toNanos(liveness.pingIntervalMs())) {
            lastPingNanos = now;
            pingOutstandingSinceNanos = now;
            ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer(Long.toString(now),
                    StandardCharsets.US_ASCII)));
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long receivedAt = System.currentTimeMillis();
        lastFrameMillis = receivedAt;
        if (frame instanceof TextWebSocketFrame textFrame) {
            lastTextMillis = receivedAt;
            // Any frame proves that data flows, not only the canary's: the stall deadline starts again.
            lastCanaryNanos = System.nanoTime();
            if (!delivered) {
                // The first frame of any stream proves the exchange delivers on this connection.
                delivered = true;
                connection.onLive(ctx.channel());
            }
            String text = textFrame.text();
            if (canaryPrefix != null && text.startsWith(canaryPrefix)) {
                // The canary only proves the stream is alive; it is never written out.
                return;
            }
            connection.onText(ctx.channel(), text, receivedAt);
        } else if (frame instanceof PongWebSocketFrame) {
            pingOutstandingSinceNanos = 0;
        } else if (frame instanceof CloseWebSocketFrame close) {
            endCause = new IOException("closed by the exchange with status " + close.statusCode()
                    + (close.reasonText().isEmpty() ? "" : " (" + close.reasonText() + ")"));
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            connection.onUnreadableMessage("a " + frame.getClass().getSimpleName() + " of "
                    + frame.content().readableBytes() + " bytes, where Binance sends only text");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            connection.onUnreadableMessage(cause.getMessage());
        }
        closeFor(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (livenessCheck != null) {
            livenessCheck.cancel(false);
        }
        Throwable cause = endCause != null ? endCause : new IOException("connection closed by the exchange");
        connection.onAttemptEnded(ctx.channel(), cause, open, delivered, coveredUntil(cause));
        super.channelInactive(ctx);
    }

    /**
     * Until when this channel delivered its streams. A dropped socket delivered until it closed; a stalled one
     * only until its last text frame, a half-open one until its last frame of any kind.
     */
    private long coveredUntil(Throwable cause) {
        long now = System.currentTimeMillis();
        if (cause instanceof StreamStalledException stalled) {
            long last = stalled.reason() == StreamStalledException.Reason.STALL ? lastTextMillis : lastFrameMillis;
            return last > 0 ? last : openedAtMillis;
        }
        return now;
    }

    /** Keeps the first reason: what closed the channel, not what the close caused. */
    private void closeFor(ChannelHandlerContext ctx, Throwable cause) {
        if (endCause == null) {
            endCause = cause;
        }
        ctx.close();
    }
}
