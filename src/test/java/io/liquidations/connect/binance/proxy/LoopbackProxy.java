package io.liquidations.connect.binance.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A proxy server for tests, on 127.0.0.1 and an ephemeral port, that relays to loopback destinations only (so a
 * test can never reach out of the machine through it) and counts what it did: tunnels opened, requests refused,
 * and each destination exactly as the client named it.
 */
public abstract class LoopbackProxy implements AutoCloseable {

    /** A destination as the client asked for it: {@code resolvedByClient} is false when it sent a host name. */
    public record Destination(String host, int port, boolean resolvedByClient) {
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final String username;
    private final String password;
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<Destination> destinations = new CopyOnWriteArrayList<>();
    private final List<InetSocketAddress> outboundAddresses = new CopyOnWriteArrayList<>();

    protected LoopbackProxy(String name, String username, String password) {
        this.username = username;
        this.password = password;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                NioIoHandler.newFactory());
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        configureServerPipeline(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** Adds the handlers that speak the proxy's protocol to an accepted socket. */
    protected abstract void configureServerPipeline(SocketChannel ch);

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Tunnels opened to a destination, one per successful client connection. */
    public int tunnelsOpened() {
        return tunnels.get();
    }

    /** Requests refused: bad or missing credentials, or a destination that is not on loopback. */
    public int refusals() {
        return refused.get();
    }

    /** The local address of each tunnel's socket to its destination: what the destination sees as its peer. */
    public List<InetSocketAddress> outboundAddresses() {
        return List.copyOf(outboundAddresses);
    }

    public List<Destination> destinations() {
        return List.copyOf(destinations);
    }

    protected boolean requiresCredentials() {
        return username != null;
    }

    protected boolean credentialsMatch(String user, String secret) {
        return username != null && username.equals(user) && password.equals(secret);
    }

    protected void refused() {
        refused.incrementAndGet();
    }

    /**
     * Connects to the destination if it is on loopback; {@code onConnected} gets the outbound channel (null when
     * the destination was refused or unreachable).
     */
    protected void openTunnel(Channel client, Destination destination, Consumer<Channel> onConnected) {
        destinations.add(destination);
        InetAddress address;
        try {
            address = InetAddress.getByName(destination.host());
        } catch (UnknownHostException e) {
            address = null;
        }
        if (address == null || !address.isLoopbackAddress()) {
            refused();
            onConnected.accept(null);
            return;
        }
        ChannelFuture outbound = new Bootstrap()
                .group(client.eventLoop())
                .channel(NioSocketChannel.class)
                .handler(new Relay(client))
                .connect(new InetSocketAddress(address, destination.port()));
        outbound.addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                outboundAddresses.add((InetSocketAddress) future.channel().localAddress());
                tunnels.incrementAndGet();
                onConnected.accept(future.channel());
            } else {
                onConnected.accept(null);
            }
        });
    }

    /** From now on the client's socket only relays bytes to {@code outbound}. */
    protected static void relay(ChannelHandlerContext ctx, Channel outbound) {
        ctx.pipeline().addLast(new Relay(outbound));
        ctx.pipeline().remove(ctx.handler());
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Writes whatever one side reads to the other, and closes the other when one side closes. */
    static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
