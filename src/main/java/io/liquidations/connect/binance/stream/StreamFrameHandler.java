package io.liquidations.connect.binance.stream;

import io.netty.buffer.ByteBuf;
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
 * The end of one socket's pipeline: hands text to its connection, keeps the socket honest about being alive, obeys
 * back-pressure, and reports how and until when the socket covered its streams. Everything runs on the channel's
 * event loop; one instance per socket.
 *
 * <p>Two deadlines, checked on a timer: a pong must answer each client ping within the pong timeout (else the
 * socket is half-open), and the canary stream must tick within the canary timeout (else the socket is up but the
 * exchange has stopped sending: a stall). Either closes the channel, and the connection reconnects.
 *
 * <p>Back-pressure pauses reading. While paused the socket cannot prove anything (its pongs and frames wait unread),
 * so the deadlines are suspended, and what it delivers is uncertain from the pause on: a close found after reading
 * resumes ended coverage no later than the pause. Certainty returns with the pong to a ping sent after the resume,
 * since everything the exchange sent before answering it has then been read. Reading paused for longer than the
 * exchange keeps a silent socket is reported as lost coverage at once.
 */
final class StreamFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    /** Catch-up pings at most once a second, far within Binance's 10 client messages per second. */
    private static final long MIN_PING_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final StreamConnection connection;
    private final StreamConnection.Attempt attempt;
    private final StreamClientSettings.Liveness liveness;
    private final long readPauseMaxMs;
    private final String canaryPrefix;
    private ChannelHandlerContext ctx;
    private Throwable endCause;
    private ScheduledFuture<?> livenessCheck;
    private boolean open;
    private boolean delivered;
    private long lastPingNanos;
    private long pingOutstandingSinceNanos;
    /** The last text frame, canary or data: the stall deadline counts from it. */
    private long lastTextNanos;
    /** Wall-clock times for gap bounds: the last text frame (data or canary), and the last frame of any kind. */
    private long lastTextMillis;
    private long openedAtMillis;
    private long lastFrameMillis;

    /** When reading was paused by back-pressure; 0 while reading. */
    private long pausedAtMillis;
    /** Since when what this socket delivers is uncertain (a pause not yet caught up on); 0 when certain. */
    private long uncertainSinceMillis;
    /** When reading last resumed after a pause (nanoTime): the pong to any ping sent after it proves a catch-up. */
    private long resumedAtNanos;
    /** Whether a ping to prove the catch-up is still to be sent, once what waited unread has been read. */
    private boolean catchUpPingDue;
    /** Whether a read has completed since the resume: what waited unread has been taken in. */
    private boolean readSinceResume;
    private boolean reportedPausedTooLong;
    /** The close handshake: requested (sent once reading may go on), sent, and its reason. */
    private String closeReason;
    private boolean closeSent;

    StreamFrameHandler(StreamConnection connection, StreamConnection.Attempt attempt, StreamClientSettings settings) {
        this.connection = connection;
        this.attempt = attempt;
        this.liveness = settings.liveness();
        this.readPauseMaxMs = settings.readPauseMaxMs();
        this.canaryPrefix = liveness.canaryStream() == null ? null
                : "{\"stream\":\"" + liveness.canaryStream() + "\"";
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            open = true;
            openedAtMillis = System.currentTimeMillis();
            lastFrameMillis = openedAtMillis;
            long now = System.nanoTime();
            lastPingNanos = now;
            lastTextNanos = now;
            long every = liveness.checkEveryMs();
            livenessCheck = ctx.executor().scheduleAtFixedRate(this::checkLiveness, every, every,
                    TimeUnit.MILLISECONDS);
            connection.onHandshakeComplete(attempt);
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            closeFor(new IOException("WebSocket handshake timed out"));
        }
        super.userEventTriggered(ctx, event);
    }

    private void checkLiveness() {
        long now = System.nanoTime();
        if (pausedAtMillis != 0) {
            // Paused by back-pressure: pongs and canary frames wait unread in the socket like everything else, so
            // their absence proves nothing. The deadlines start again when reading resumes.
            lastTextNanos = now;
            if (pingOutstandingSinceNanos != 0) {
                pingOutstandingSinceNanos = now;
            }
            if (!reportedPausedTooLong && System.currentTimeMillis() - pausedAtMillis > readPauseMaxMs) {
                reportedPausedTooLong = true;
                connection.onReadPausedTooLong(attempt, pausedAtMillis);
            }
            return;
        }
        if (pingOutstandingSinceNanos != 0
                && now - pingOutstandingSinceNanos > TimeUnit.MILLISECONDS.toNanos(liveness.pongTimeoutMs())) {
            closeFor(new StreamStalledException(StreamStalledException.Reason.PONG_TIMEOUT,
                    "no pong within " + liveness.pongTimeoutMs() + " ms of a ping: the connection is half-open"));
            return;
        }
        if (canaryPrefix != null
                && now - lastTextNanos > TimeUnit.MILLISECONDS.toNanos(liveness.canaryTimeoutMs())) {
            closeFor(new StreamStalledException(StreamStalledException.Reason.STALL,
                    "no frame on the canary stream " + liveness.canaryStream() + " for "
                            + liveness.canaryTimeoutMs() + " ms: the connection is open but data stopped"));
            return;
        }
        if (pingOutstandingSinceNanos == 0
                && now - lastPingNanos >= TimeUnit.MILLISECONDS.toNanos(liveness.pingIntervalMs())) {
            ping(now);
        }
        pingToCatchUp(now);
    }

    /** A ping carrying its send time, so that its pong tells which ping it answers. */
    private void ping(long now) {
        lastPingNanos = now;
        pingOutstandingSinceNanos = now;
        ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer(Long.toString(now), StandardCharsets.US_ASCII)));
    }

    // ---- back-pressure, driven by the connection on the event loop ----

    void pauseReading() {
        if (pausedAtMillis == 0 && ctx.channel().isActive()) {
            pausedAtMillis = System.currentTimeMillis();
            if (uncertainSinceMillis == 0) {
                uncertainSinceMillis = pausedAtMillis;
            }
            catchUpPingDue = false;
            ctx.channel().config().setAutoRead(false);
            connection.uncertaintyChanged();
        }
    }

    /** Since when what this socket delivers is uncertain (a pause not yet caught up on); 0 when certain. */
    long uncertainSinceMillis() {
        return uncertainSinceMillis;
    }

    void resumeReading() {
        if (pausedAtMillis == 0) {
            return;
        }
        pausedAtMillis = 0;
        ctx.channel().config().setAutoRead(true);
        if (!ctx.channel().isActive()) {
            return;
        }
        resumedAtNanos = System.nanoTime();
        readSinceResume = false;
        if (closeReason != null && !closeSent) {
            sendClose();
        } else if (open && uncertainSinceMillis != 0) {
            catchUpPingDue = true;
        }
    }

    /**
     * The first read after a resume has taken in what waited unread: now the catch-up ping may go out. Not before: had
     * the exchange closed the socket meanwhile, writing to it would draw a reset, which discards unread data.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        readSinceResume = true;
        pingToCatchUp(System.nanoTime());
        super.channelReadComplete(ctx);
    }

    /**
     * Sends the catch-up ping when it is due and allowed: a read has completed since the resume, and the last ping is
     * a second old. Binance counts pings against its 10 messages per second per connection, and back-pressure can
     * pause and resume a socket many times a second.
     */
    private void pingToCatchUp(long now) {
        if (catchUpPingDue && readSinceResume && pausedAtMillis == 0 && ctx.channel().isActive()
                && now - lastPingNanos >= MIN_PING_SPACING_NANOS) {
            catchUpPingDue = false;
            ping(now);
        }
    }

    boolean isPaused() {
        return pausedAtMillis != 0;
    }

    /**
     * Ends the socket with a close handshake: the close frame goes out once reading may go on (so what waits unread
     * is read first), and the socket closes when the exchange answers it, or after the handshake timeout.
     */
    void closeGracefully(String reason) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!open) {
            ctx.close();
        } else if (pausedAtMillis == 0) {
            sendClose();
        }
    }

    private void sendClose() {
        closeSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(1000, closeReason));
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                ctx.close();
            }
        }, Math.max(1_000, liveness.pongTimeoutMs()), TimeUnit.MILLISECONDS);
    }

    /** For a stopping task: nothing more will be read, so no reason to wait for anything. */
    void closeNow(String reason) {
        closeReason = reason;
        if (open && ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    // ---- frames ----

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long receivedAt = System.currentTimeMillis();
        long previousFrameAt = lastFrameMillis;
        lastFrameMillis = receivedAt;
        connection.frameArrived(attempt, receivedAt, frame instanceof TextWebSocketFrame);
        if (frame instanceof TextWebSocketFrame textFrame) {
            lastTextMillis = receivedAt;
            // Any frame proves that data flows, not only the canary's: the stall deadline starts again.
            lastTextNanos = System.nanoTime();
            if (!delivered) {
                // The first frame of any stream proves the exchange delivers on this socket.
                delivered = true;
                connection.onLive(attempt);
            }
            String text = FrameText.of(textFrame.content());
            boolean utf8 = text != null;
            if (!utf8) {
                text = FrameText.lossy(textFrame.content());
            }
            if (canaryPrefix != null && text.startsWith(canaryPrefix)) {
                // The canary only proves the stream is alive; it is never written out.
                return;
            }
            if (utf8) {
                connection.onText(attempt, text, receivedAt, previousFrameAt);
            } else {
                connection.onInvalidText(attempt, text, receivedAt, previousFrameAt);
            }
        } else if (frame instanceof PongWebSocketFrame pong) {
            pingOutstandingSinceNanos = 0;
            if (uncertainSinceMillis != 0 && pausedAtMillis == 0 && sentAtNanos(pong.content()) - resumedAtNanos >= 0) {
                // Everything the exchange sent before answering a ping sent since the resume has been read.
                uncertainSinceMillis = 0;
                connection.uncertaintyChanged();
                if (reportedPausedTooLong) {
                    reportedPausedTooLong = false;
                    connection.onCaughtUp(attempt);
                }
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            if (closeSent) {
                ctx.close(); // the exchange answered our close: the handshake is complete
                return;
            }
            endCause = new IOException("closed by the exchange with status " + close.statusCode()
                    + (close.reasonText().isEmpty() ? "" : " (" + close.reasonText() + ")"));
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            connection.onUnreadableMessage(attempt, "a " + frame.getClass().getSimpleName() + " of "
                    + frame.content().readableBytes() + " bytes, where Binance sends only text", receivedAt,
                    previousFrameAt);
        }
    }

    /** The send time our pings carry; an unsolicited or foreign pong proves nothing and reads as "long ago". */
    private long sentAtNanos(ByteBuf content) {
        try {
            return Long.parseLong(content.toString(StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return resumedAtNanos - 1;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            connection.onUnreadableMessage(attempt, cause.getMessage(), System.currentTimeMillis(), lastFrameMillis);
        }
        closeFor(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (livenessCheck != null) {
            livenessCheck.cancel(false);
        }
        Throwable cause = endCause != null ? endCause
                : closeReason != null ? new IOException("closed by the connector: " + closeReason)
                : new IOException("connection closed by the exchange");
        connection.onAttemptEnded(attempt, cause, open, delivered, coveredUntil(cause));
        super.channelInactive(ctx);
    }

    /**
     * Until when this socket delivered its streams. A dropped socket delivered until it closed; a stalled one only
     * until its last text frame, a half-open or garbled one until its last frame of any kind; and one that had not
     * caught up after a pause only until the pause.
     */
    private long coveredUntil(Throwable cause) {
        long until = System.currentTimeMillis();
        if (cause instanceof StreamStalledException stalled) {
            long last = stalled.reason() == StreamStalledException.Reason.STALL ? lastTextMillis : lastFrameMillis;
            until = last > 0 ? last : openedAtMillis;
        } else if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            until = lastFrameMillis;
        }
        if (uncertainSinceMillis != 0) {
            until = Math.min(until, uncertainSinceMillis);
        }
        return until;
    }

    /** Keeps the first reason: what closed the channel, not what the close caused. */
    private void closeFor(Throwable cause) {
        if (endCause == null) {
            endCause = cause;
        }
        ctx.close();
    }
}
