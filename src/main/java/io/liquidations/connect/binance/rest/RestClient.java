package io.liquidations.connect.binance.rest;

import io.liquidations.connect.binance.proxy.ProxyTunnels;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small blocking HTTP/1.1 client for Binance's public REST endpoints, on Netty so that it shares the WebSocket's
 * TLS (verified chain and host name) and proxy handling: the JDK's {@code HttpClient} has no SOCKS5. One request
 * per connection ({@code Connection: close}); a refresh every hour needs no pool. Responses may be gzip-encoded and
 * are bounded in size after decompression; the whole exchange is bounded in time.
 */
public final class RestClient implements AutoCloseable {
    private final RestClientSettings settings;
    private final EventLoopGroup group;

    public RestClient(RestClientSettings settings) {
        this.settings = settings;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(settings.threadNamePrefix(), true),
                NioIoHandler.newFactory());
    }

    /**
     * @return the response, whatever its status
     * @throws IOException when no complete response arrived: unreachable, refused by the proxy, TLS failure, too
     *     large, or too slow; the message names the URL (or the proxy) and the limit
     */
    public RestResponse get(URI uri) throws IOException {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        if (!tls && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("Not an http(s) URL: " + uri);
        }
        if (tls && settings.sslContext() == null) {
            throw new IllegalStateException("no TLS context for " + uri);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        CompletableFuture<RestResponse> result = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.timeoutMs()))
                .resolver(ProxyTunnels.resolver(settings.proxy()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        ChannelHandler proxy = ProxyTunnels.firstHandler(settings.proxy(), settings.timeoutMs());
                        if (proxy != null) {
                            pipeline.addLast(proxy);
                        }
                        if (tls) {
                            SslHandler ssl = settings.sslContext().newHandler(ch.alloc(), uri.getHost(), port);
                            ssl.setHandshakeTimeoutMillis(settings.timeoutMs());
                            pipeline.addLast(ssl);
                        }
                        pipeline.addLast(new HttpClientCodec());
                        pipeline.addLast(new HttpContentDecompressor(0));
                        pipeline.addLast(new HttpObjectAggregator(settings.maxResponseBytes()));
                        pipeline.addLast(new ResponseHandler(result));
                    }
                });
        Channel channel = bootstrap.connect(uri.getHost(), port).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                result.completeExceptionally(connected.cause());
                return;
            }
            connected.channel().writeAndFlush(request(uri, port, tls)).addListener((ChannelFutureListener) sent -> {
                if (!sent.isSuccess()) {
                    result.completeExceptionally(sent.cause());
                }
            });
        }).channel();
        try {
            return result.get(settings.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("No complete answer from " + uri + " within " + settings.timeoutMs() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for " + uri, e);
        } catch (ExecutionException e) {
            throw failure(uri, ProxyTunnels.explain(settings.proxy(), e.getCause()));
        } finally {
            channel.close();
        }
    }

    private IOException failure(URI uri, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return new IOException("The answer of " + uri + " is larger than " + settings.maxResponseBytes()
                    + " bytes", cause);
        }
        if (cause instanceof io.liquidations.connect.binance.proxy.ProxyRefusedException refused) {
            return refused;
        }
        return new IOException("Request to " + uri + " failed: " + cause, cause);
    }

    private static FullHttpRequest request(URI uri, int port, boolean tls) {
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        boolean defaultPort = port == (tls ? 443 : 80);
        request.headers()
                .set(HttpHeaderNames.HOST, defaultPort ? uri.getHost() : uri.getHost() + ":" + port)
                .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.USER_AGENT, "kafka-connect-binance-liquidations");
        return request;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Completes the request's future with the aggregated response, or with the first failure. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<RestResponse> result;

        ResponseHandler(CompletableFuture<RestResponse> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Map<String, String> headers = new HashMap<>();
            response.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            result.complete(new RestResponse(response.status().code(), headers,
                    response.content().toString(StandardCharsets.UTF_8)));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException("connection closed before a complete answer"));
        }
    }
}
