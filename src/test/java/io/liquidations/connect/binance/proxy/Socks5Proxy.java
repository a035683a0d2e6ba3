package io.liquidations.connect.binance.proxy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;

/** A SOCKS5 proxy serving CONNECT, with user name and password authentication when built with credentials. */
public final class Socks5Proxy extends LoopbackProxy {

    private Socks5Proxy(String username, String password) {
        super("test-socks5-proxy", username, password);
    }

    public static Socks5Proxy open() {
        return new Socks5Proxy(null, null);
    }

    public static Socks5Proxy withCredentials(String username, String password) {
        return new Socks5Proxy(username, password);
    }

    @Override
    protected void configureServerPipeline(SocketChannel ch) {
        ch.pipeline().addLast("encoder", Socks5ServerEncoder.DEFAULT);
        ch.pipeline().addLast("decoder", new Socks5InitialRequestDecoder());
        ch.pipeline().addLast("socks", new SocksHandler());
    }

    private final class SocksHandler extends SimpleChannelInboundHandler<Socks5Message> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Socks5Message message) {
            if (message instanceof Socks5InitialRequest initial) {
                if (!requiresCredentials()) {
                    ctx.pipeline().replace("decoder", "decoder", new Socks5CommandRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
                } else if (initial.authMethods().contains(Socks5AuthMethod.PASSWORD)) {
                    ctx.pipeline().replace("decoder", "decoder", new Socks5PasswordAuthRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
                } else {
                    refused();
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (message instanceof Socks5PasswordAuthRequest auth) {
                if (credentialsMatch(auth.username(), auth.password())) {
                    ctx.pipeline().replace("decoder", "decoder", new Socks5CommandRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
                } else {
                    refused();
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (message instanceof Socks5CommandRequest command
                    && command.type() == Socks5CommandType.CONNECT) {
                boolean resolved = command.dstAddrType() != Socks5AddressType.DOMAIN;
                openTunnel(ctx.channel(), new Destination(command.dstAddr(), command.dstPort(), resolved), outbound -> {
                    if (outbound == null) {
                        ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.FORBIDDEN,
                                Socks5AddressType.IPv4, "0.0.0.0", 0)).addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                            Socks5AddressType.IPv4, "127.0.0.1", 0)).addListener(future -> {
                                ctx.pipeline().remove("decoder");
                                ctx.pipeline().remove("encoder");
                                relay(ctx, outbound);
                            });
                });
            } else {
                ctx.close();
            }
        }
    }
}
