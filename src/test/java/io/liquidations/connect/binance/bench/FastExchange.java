package io.liquidations.connect.binance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A load generator that speaks Binance's combined-stream protocol fast: {@code /market/stream?streams=a/b/c}, frames
 * {@code {"stream":…,"data":{…}}} written as ready-made bytes ({@link FrameSource}), pings answered, live
 * {@code SUBSCRIBE} acknowledged, and the mark-price canary served once a second on every connection that asks
 * for it. It notes when each stream was first subscribed, for the scale benchmark.
 *
 * <p>Unlike the test suite's {@code FakeBinanceExchange} it scripts no faults and builds no frame per send; what it
 * can write per second with a do-nothing reader is measured by the end-to-end benchmark and reported beside the
 * connector's rate. Sending respects TCP back-pressure: when the connector stops reading, the channel turns
 * unwritable and sending waits, exactly as Binance's server would have to.
 */
public final class FastExchange implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventLoopGroup group;
    private final Channel server;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    /** Stream → every time (epoch ms) a connection subscribed it, oldest first. */
    private final Map<String, List<Long>> subscribedMillis = new ConcurrentHashMap<>();
    private final AtomicLong handshakes = new AtomicLong();

    public FastExchange() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-exchange", true),
                NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 512 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // 1,024 streams in a URL take ~25 KB: far past Netty's default 4 KB request line.
                        ch.pipeline().addLast(new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(64 * 1024)), new HttpObjectAggregator(64 * 1024),
                                new UpgradeHandler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** The base URL to configure as {@code binance.ws.url}. */
    public String baseUrl() {
        return "ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/market";
    }

    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    public long handshakes() {
        return handshakes.get();
    }

    /**
     * When the last of {@code streams} was subscribed, each counted at its first subscription at or after
     * {@code sinceMillis} (epoch ms); -1 while one of them is not subscribed since then.
     */
    public long allSubscribedAt(Collection<String> streams, long sinceMillis) {
        long latest = 0;
        for (String stream : streams) {
            long at = firstSince(stream, sinceMillis);
            if (at < 0) {
                return -1;
            }
            latest = Math.max(latest, at);
        }
        return latest;
    }

    public int subscribedCount(Collection<String> streams, long sinceMillis) {
        return (int) streams.stream().filter(s -> firstSince(s, sinceMillis) >= 0).count();
    }

    private long firstSince(String stream, long sinceMillis) {
        List<Long> times = subscribedMillis.get(stream);
        if (times != null) {
            for (long t : times) {
                if (t >= sinceMillis) {
                    return t;
                }
            }
        }
        return -1;
    }

    /** Waits for an open connection carrying a stream that matches; null after the timeout. */
    public Connection awaitConnection(Predicate<Connection> which, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            for (Connection c : connections) {
                if (c.channel.isActive() && which.test(c)) {
                    return c;
                }
            }
            Thread.sleep(10);
        }
        return null;
    }

    @Override
    public void close() {
        connections.forEach(c -> c.channel.close());
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One client's WebSocket: its streams and the sending that harnesses start on it. */
    public final class Connection {
        private final Channel channel;
        private final List<String> streams;
        private final long openedAtMillis = System.currentTimeMillis();
        private final AtomicLong written = new AtomicLong();
        private ScheduledFuture<?> canary;
        private Runnable onWritable;

        Connection(Channel channel, List<String> streams) {
            this.channel = channel;
            this.streams = new CopyOnWriteArrayList<>(streams);
        }

        public List<String> streams() {
            return List.copyOf(streams);
        }

        public long openedAtMillis() {
            return openedAtMillis;
        }

        public boolean isOpen() {
            return channel.isActive();
        }

        /** Frames handed to the socket so far. */
        public long written() {
            return written.get();
        }

        /**
         * Writes events {@code from .. from+count-1} as fast as the reader takes them; event {@code seq} belongs to
         * symbol {@code symbolOf[seq % symbolOf.length]} of {@code source}. {@code done} runs when all are written.
         */
        public void blast(FrameSource source, int[] symbolOf, long from, long count, Runnable done) {
            long end = from + count;
            long[] next = {from};
            Runnable pump = new Runnable() {
                @Override
                public void run() {
                    int unflushed = 0;
                    while (next[0] < end && channel.isWritable()) {
                        long seq = next[0]++;
                        channel.write(source.frame(symbolOf[(int) (seq % symbolOf.length)], seq, channel.alloc()),
                                channel.voidPromise());
                        written.incrementAndGet();
                        if (++unflushed == 64) {
                            channel.flush();
                            unflushed = 0;
                        }
                    }
                    channel.flush();
                    if (next[0] >= end) {
                        onWritable = null;
                        done.run();
                    }
                }
            };
            channel.eventLoop().execute(() -> {
                onWritable = pump;
                pump.run();
            });
        }

        /** Writes these events now, in one flush (a burst); runs on the exchange's event loop. */
        public void send(FrameSource source, int[] symbolIndexes, long[] seqs) {
            channel.eventLoop().execute(() -> {
                for (int i = 0; i < seqs.length; i++) {
                    channel.write(source.frame(symbolIndexes[i], seqs[i], channel.alloc()), channel.voidPromise());
                }
                channel.flush();
                written.addAndGet(seqs.length);
            });
        }

        /**
         * Writes events {@code from .. from+count-1} at {@code perSecond}, catching up on a 1 ms timer so that the
         * average rate holds even when a tick is late.
         */
        public void paced(FrameSource source, int[] symbolOf, long from, long count, double perSecond, Runnable done) {
            long startNanos = System.nanoTime();
            long[] next = {from};
            ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
            timer[0] = channel.eventLoop().scheduleAtFixedRate(() -> {
                long due = Math.min(from + count,
                        from + (long) ((System.nanoTime() - startNanos) / 1e9 * perSecond) + 1);
                boolean any = false;
                while (next[0] < due) {
                    long seq = next[0]++;
                    channel.write(source.frame(symbolOf[(int) (seq % symbolOf.length)], seq, channel.alloc()),
                            channel.voidPromise());
                    written.incrementAndGet();
                    any = true;
                }
                if (any) {
                    channel.flush();
                }
                if (next[0] >= from + count) {
                    timer[0].cancel(false);
                    done.run();
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
        }

        private void startCanary() {
            String canaryStream = streams.stream().filter(s -> s.contains("@markPrice")).findFirst().orElse(null);
            if (canaryStream == null) {
                return;
            }
            String symbol = canaryStream.substring(0, canaryStream.indexOf('@')).toUpperCase(java.util.Locale.ROOT);
            canary = channel.eventLoop().scheduleAtFixedRate(() -> {
                long now = System.currentTimeMillis();
                channel.writeAndFlush(new TextWebSocketFrame("{\"stream\":\"" + canaryStream + "\",\"data\":{"
                        + "\"e\":\"markPriceUpdate\",\"E\":" + now + ",\"s\":\"" + symbol + "\",\"p\":\"67000.10000000\","
                        + "\"i\":\"67010.20000000\",\"P\":\"67005.00000000\",\"r\":\"0.00010000\",\"T\":"
                        + (now + 3_600_000) + "}}"), channel.voidPromise());
            }, 0, 1, TimeUnit.SECONDS);
        }

        void subscribed(List<String> added) {
            long now = System.currentTimeMillis();
            for (String stream : added) {
                subscribedMillis.computeIfAbsent(stream, k -> new CopyOnWriteArrayList<>()).add(now);
                if (!streams.contains(stream)) {
                    streams.add(stream);
                }
            }
        }
    }

    private final class UpgradeHandler extends SimpleChannelInboundHandler<Object> {
        private WebSocketServerHandshaker handshaker;
        private Connection connection;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object message) {
            if (message instanceof FullHttpRequest request) {
                upgrade(ctx, request);
            } else if (message instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (message instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close.retain());
            } else if (message instanceof TextWebSocketFrame text) {
                control(ctx, text.text());
            } else if (message instanceof WebSocketFrame) {
                // pongs and binary frames: nothing to do
            }
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            List<String> streamParam = query.parameters().get("streams");
            if (!query.path().equals("/market/stream") || streamParam == null || streamParam.isEmpty()) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_FOUND))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                return;
            }
            List<String> streams = Arrays.asList(streamParam.get(0).split("/"));
            handshaker = new WebSocketServerHandshakerFactory("ws://" + request.headers().get("Host") + request.uri(),
                    null, false, 1 << 20).newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            handshaker.handshake(ctx.channel(), request).addListener(done -> {
                if (done.isSuccess()) {
                    handshakes.incrementAndGet();
                    connection = new Connection(ctx.channel(), List.of());
                    connection.subscribed(streams);
                    connections.add(connection);
                    connection.startCanary();
                }
            });
        }

        private void control(ChannelHandlerContext ctx, String text) {
            try {
                JsonNode request = JSON.readTree(text);
                String method = request.path("method").asText();
                List<String> params = new ArrayList<>();
                request.path("params").forEach(p -> params.add(p.asText()));
                if ("SUBSCRIBE".equals(method) && connection != null) {
                    connection.subscribed(params);
                } else if ("UNSUBSCRIBE".equals(method) && connection != null) {
                    connection.streams.removeAll(params);
                }
                ctx.writeAndFlush(new TextWebSocketFrame("{\"result\":null,\"id\":" + request.path("id").asLong() + "}"));
            } catch (java.io.IOException e) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"code\":2,\"msg\":\"Invalid request\"}"));
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable() && connection != null && connection.onWritable != null) {
                connection.onWritable.run();
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (connection != null && connection.canary != null) {
                connection.canary.cancel(false);
            }
            connections.remove(connection);
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
