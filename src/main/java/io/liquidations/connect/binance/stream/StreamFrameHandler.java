package io.liquidations.connect.binance.stream;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;

/** The end of a connection's pipeline: hands text to its connection and reports how the channel ended. */
final class StreamFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final StreamConnection connection;
    private Throwable endCause;

    StreamFrameHandler(StreamConnection connection) {
        this.connection = connection;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            connection.onHandshakeComplete();
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            endCause = new IOException("WebSocket handshake timed out");
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long receivedAt = System.currentTimeMillis();
        if (frame instanceof TextWebSocketFrame text) {
            connection.onText(ctx.channel(), text.text(), receivedAt);
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
        if (endCause == null) {
            endCause = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connection.onAttemptEnded(ctx.channel(),
                endCause != null ? endCause : new IOException("connection closed by the exchange"));
        super.channelInactive(ctx);
    }
}
