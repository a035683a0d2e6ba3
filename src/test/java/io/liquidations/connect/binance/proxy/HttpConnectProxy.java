package io.liquidations.connect.binance.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An HTTP proxy that serves CONNECT only, with Basic authentication when built with credentials. */
public final class HttpConnectProxy extends LoopbackProxy {

    private HttpConnectProxy(String username, String password) {
        super("test-http-proxy", username, password);
    }

    public static HttpConnectProxy open() {
        return new HttpConnectProxy(null, null);
    }

    public static HttpConnectProxy withCredentials(String username, String password) {
        return new HttpConnectProxy(username, password);
    }

    @Override
    protected void configureServerPipeline(SocketChannel ch) {
        ch.pipeline().addLast("http", new HttpServerCodec());
        ch.pipeline().addLast("aggregator", new HttpObjectAggregator(8192));
        ch.pipeline().addLast("connect", new ConnectHandler());
    }

    private final class ConnectHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!HttpMethod.CONNECT.equals(request.method())) {
                answerAndClose(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED);
                return;
            }
            if (requiresCredentials() && !authorized(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
                refused();
                FullHttpResponse challenge = response(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED);
                challenge.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"test\"");
                ctx.writeAndFlush(challenge).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            String target = request.uri();
            int colon = target.lastIndexOf(':');
            String host = target.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(target.substring(colon + 1));
            boolean literal = host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
            openTunnel(ctx.channel(), new Destination(host, port, literal), outbound -> {
                if (outbound == null) {
                    answerAndClose(ctx, HttpResponseStatus.BAD_GATEWAY);
                    return;
                }
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        new HttpResponseStatus(200, "Connection established"))).addListener(future -> {
                            ctx.pipeline().remove("http");
                            ctx.pipeline().remove("aggregator");
                            relay(ctx, outbound);
                        });
            });
        }

        private boolean authorized(String header) {
            if (header == null || !header.startsWith("Basic ")) {
                return false;
            }
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon > 0 && credentialsMatch(decoded.substring(0, colon), decoded.substring(colon + 1));
        }

        private void answerAndClose(ChannelHandlerContext ctx, HttpResponseStatus status) {
            ctx.writeAndFlush(response(status)).addListener(ChannelFutureListener.CLOSE);
        }

        private FullHttpResponse response(HttpResponseStatus status) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return response;
        }
    }
}
