package io.liquidations.connect.binance.exchange;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A local stand-in for Binance's USDⓈ-M futures market-stream WebSocket server
 * ({@code wss://fstream.binance.com/market}), for tests that must see the connector speak the real
 * protocol over a real socket rather than talk to a mock.
 *
 * <p>It listens on 127.0.0.1 on an ephemeral port, plain or TLS, and behaves as the production
 * server does in the ways that matter to a liquidation connector (see
 * {@code shared/binance-protocol.md}):
 *
 * <ul>
 *   <li>{@code /market/stream?streams=a/b} serves the combined form ({@code {"stream":…,"data":…}}),
 *       {@code /market/ws/a/b} the raw form (the bare event).</li>
 *   <li>An upper-case symbol in the URL is refused with HTTP 400 and Binance's {@code -1100} JSON.</li>
 *   <li>Every other path — in particular the retired path-less {@code /stream} and {@code /ws}
 *       URLs — is accepted and answers control messages, but never carries data.</li>
 *   <li>Live {@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS},
 *       {@code SET_PROPERTY}/{@code GET_PROPERTY combined} are answered as Binance does
 *       ({@link ControlProtocol}).</li>
 *   <li>The server pings every {@link Builder#pingInterval ping interval} (3 minutes by default)
 *       and drops a socket that has not ponged for the {@link Builder#pongTimeout pong timeout}
 *       (10 minutes); it ends every connection after the
 *       {@link Builder#connectionLifetime connection lifetime} (24 hours); it disconnects a
 *       client that sends more than {@link Builder#maxIncomingMessagesPerSecond 10 messages per
 *       second}.</li>
 * </ul>
 *
 * <p>Tests push data with {@link #emit}, inspect what the connector did with
 * {@link #connections()}, and inject faults with the misbehaviour switches (drop, reset, close
 * frame, stall, half-open, handshake refusal, oversized frame). All public methods are
 * thread-safe; methods that write wait until the bytes are handed to the socket, so a test knows
 * the frame is on the wire when they return.
 *
 * <p>Not modelled: the 1024-streams-per-connection cap, the per-IP connection-attempt limit
 * (use {@link #refuseNextHandshakes} to simulate its 429/418), the 1-second snapshot throttling
 * (tests decide what to emit), and the {@code /public} and {@code /private} routes.
 */
public final class FakeBinanceExchange implements AutoCloseable {

    /** Default server ping period, as documented by Binance. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofMinutes(3);

    /** Default time without a pong after which the server drops the socket, as documented by Binance. */
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofMinutes(10);

    /** Default connection lifetime: Binance disconnects every socket at 24 hours. */
    public static final Duration DEFAULT_CONNECTION_LIFETIME = Duration.ofHours(24);

    /** Binance's {@code @markPrice@1s} streams update every second. */
    public static final Duration DEFAULT_MARK_PRICE_INTERVAL = Duration.ofSeconds(1);

    /** Default cap on client messages (text frames and pings) per second per connection. */
    public static final int DEFAULT_MAX_INCOMING_MESSAGES_PER_SECOND = 10;

    /** Prefix of every thread the fake starts; lets tests assert that {@link #close()} left none. */
    static final String THREAD_NAME_PREFIX = "fake-binance-exchange";

    /** Long enough for a combined URL with 1024 streams; Netty's default of 4 KiB is not. */
    private static final int MAX_REQUEST_LINE = 64 * 1024;

    private static final int MAX_INCOMING_FRAME = 64 * 1024;

    /** How long a writing method waits for its frames to reach the socket before giving up on them. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    /** The trust store holds only a public certificate: its password guards nothing, PKCS12 just wants one. */
    private static final String TRUST_STORE_PASSWORD = "fake-binance-truststore";

    private static final String ILLEGAL_STREAMS_BODY =
            "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter 'streams'\"}";

    private final boolean tls;
    private final LocalhostCertificate certificate;
    private final Path trustStorePath;
    private final String trustStorePassword;
    private final Duration pongTimeout;
    private final Duration connectionLifetime;
    private final Duration markPriceInterval;
    private final int maxIncomingMessagesPerSecond;
    private final EventLoopGroup eventLoops;
    private final Channel serverChannel;
    private final int port;

    private final List<FakeConnection> connections = new CopyOnWriteArrayList<>();
    private final Set<Channel> childChannels = ConcurrentHashMap.newKeySet();
    private final List<RefusedHandshake> refusedHandshakes = new CopyOnWriteArrayList<>();
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private final AtomicInteger handshakesAttempted = new AtomicInteger();
    private final AtomicReference<ScheduledRefusal> scheduledRefusal = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** What {@code GET /fapi/v1/exchangeInfo} (USDⓈ-M) and {@code /dapi/v1/exchangeInfo} (COIN-M) list. */
    private final List<FakeContract> usdsContracts = new CopyOnWriteArrayList<>();
    private final List<FakeContract> coinContracts = new CopyOnWriteArrayList<>();
    private final List<RestRequest> restRequests = new CopyOnWriteArrayList<>();
    private final AtomicReference<ScheduledRefusal> scheduledRestRefusal = new AtomicReference<>();

    private volatile Duration pingInterval;
    private volatile boolean answerPings = true;
    private volatile boolean pushData = true;

    /** Bumped on every observable change; {@link #await} sleeps on it instead of busy-polling. */
    private final Object changeMonitor = new Object();
    private long changeVersion; // guarded by changeMonitor

    private FakeBinanceExchange(Builder builder) {
        this.tls = builder.tls;
        this.pingInterval = builder.pingInterval;
        this.pongTimeout = builder.pongTimeout;
        this.connectionLifetime = builder.connectionLifetime;
        this.markPriceInterval = builder.markPriceInterval;
        this.maxIncomingMessagesPerSecond = builder.maxIncomingMessagesPerSecond;

        SslContext sslContext = null;
        if (tls) {
            certificate = LocalhostCertificate.generate();
            trustStorePassword = TRUST_STORE_PASSWORD;
            trustStorePath = certificate.writeTrustStore(trustStorePassword.toCharArray());
            try {
                sslContext = SslContextBuilder.forServer(certificate.privateKey(), certificate.certificate())
                        .sslProvider(SslProvider.JDK)
                        .build();
            } catch (IOException e) {
                deleteQuietly(trustStorePath);
                throw new UncheckedIOException("cannot build the server TLS context", e);
            }
        } else {
            certificate = null;
            trustStorePath = null;
            trustStorePassword = null;
        }

        // Two daemon threads are plenty for a test server and keep the fake cheap to start many times.
        eventLoops = new MultiThreadIoEventLoopGroup(
                2, new DefaultThreadFactory(THREAD_NAME_PREFIX, true), NioIoHandler.newFactory());
        SslContext finalSslContext = sslContext;
        try {
            serverChannel = new ServerBootstrap()
                    .group(eventLoops)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            childChannels.add(channel);
                            channel.closeFuture().addListener(future -> childChannels.remove(channel));
                            ChannelPipeline pipeline = channel.pipeline();
                            if (finalSslContext != null) {
                                pipeline.addLast("tls", finalSslContext.newHandler(channel.alloc()));
                            }
                            pipeline.addLast("http", new HttpServerCodec(
                                    new HttpDecoderConfig().setMaxInitialLineLength(MAX_REQUEST_LINE)));
                            pipeline.addLast("http-aggregator", new HttpObjectAggregator(MAX_INCOMING_FRAME));
                            pipeline.addLast("exchange", new ExchangeHandler());
                        }
                    })
                    .bind(new InetSocketAddress(builder.bindAddress, 0))
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            eventLoops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
            if (trustStorePath != null) {
                deleteQuietly(trustStorePath);
            }
            throw e;
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** A plain {@code ws://} exchange with Binance's default timings. */
    public static FakeBinanceExchange startPlain() {
        return builder().start();
    }

    /** A {@code wss://} exchange with a fresh localhost certificate and Binance's default timings. */
    public static FakeBinanceExchange startTls() {
        return builder().tls(true).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------------------
    // Addresses and TLS material
    // ---------------------------------------------------------------------------------------------

    public int port() {
        return port;
    }

    public boolean isTls() {
        return tls;
    }

    /**
     * The current production-style base URL: {@code ws://127.0.0.1:<port>/market}, or
     * {@code wss://localhost:<port>/market} for TLS (a host name, so that hostname verification
     * has a name to check).
     */
    public String baseUrl() {
        return legacyBaseUrl() + StreamRequest.MARKET_PREFIX;
    }

    /** The retired path-less base URL ({@code …:<port>}): accepted, acknowledged, never carries data. */
    public String legacyBaseUrl() {
        return tls ? "wss://localhost:" + port : "ws://127.0.0.1:" + port;
    }

    /** The PKCS12 trust store holding the server certificate (TLS only). Deleted by {@link #close()}. */
    public Path trustStorePath() {
        requireTls();
        return trustStorePath;
    }

    public String trustStorePassword() {
        requireTls();
        return trustStorePassword;
    }

    /** The server certificate (TLS only). */
    public X509Certificate certificate() {
        requireTls();
        return certificate.certificate();
    }

    /** A client SSLContext that trusts exactly this exchange's certificate (TLS only). */
    public SSLContext clientSslContext() {
        requireTls();
        return certificate.clientSslContext();
    }

    // ---------------------------------------------------------------------------------------------
    // What happened
    // ---------------------------------------------------------------------------------------------

    /** A snapshot of every connection ever accepted, open or closed, in order of acceptance. */
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> snapshot = new ArrayList<>();
        for (FakeConnection connection : connections) {
            snapshot.add(connection.snapshot());
        }
        return snapshot;
    }

    /** A snapshot of the connections that are open now. */
    public List<ConnectionInfo> openConnections() {
        List<ConnectionInfo> snapshot = new ArrayList<>();
        for (FakeConnection connection : connections) {
            if (connection.isOpen()) {
                snapshot.add(connection.snapshot());
            }
        }
        return snapshot;
    }

    public Optional<ConnectionInfo> connection(long connectionId) {
        return Optional.ofNullable(find(connectionId)).map(FakeConnection::snapshot);
    }

    public int openConnectionCount() {
        int open = 0;
        for (FakeConnection connection : connections) {
            if (connection.isOpen()) {
                open++;
            }
        }
        return open;
    }

    /** How many WebSocket connections were ever accepted. */
    public int connectionsAccepted() {
        return connections.size();
    }

    /** How many HTTP requests reached the server (accepted or refused). */
    public int handshakesAttempted() {
        return handshakesAttempted.get();
    }

    /** How many upgrade requests were answered with an HTTP error instead of a WebSocket. */
    public int handshakesRefused() {
        return refusedHandshakes.size();
    }

    public List<RefusedHandshake> refusedHandshakes() {
        return List.copyOf(refusedHandshakes);
    }

    /** The streams connection {@code connectionId} is subscribed to now, in subscription order. */
    public Set<String> streamsOf(long connectionId) {
        FakeConnection connection = find(connectionId);
        if (connection == null) {
            throw new NoSuchElementException("no connection " + connectionId);
        }
        return new LinkedHashSet<>(connection.subscriptions());
    }

    /** The union of the current subscriptions of all open connections. */
    public Set<String> subscribedStreams() {
        Set<String> streams = new LinkedHashSet<>();
        for (FakeConnection connection : connections) {
            if (connection.isOpen()) {
                streams.addAll(connection.subscriptions());
            }
        }
        return streams;
    }

    /** How many open connections would receive an {@link #emit} on {@code stream} now. */
    public int subscriberCount(String stream) {
        int count = 0;
        for (FakeConnection connection : connections) {
            if (connection.receives(stream)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Waits until {@code condition} holds, re-checking whenever the exchange observes a change
     * (connection opened or closed, subscription, pong, client message, refusal) and at least
     * every 50 ms. Returns whether it held before the timeout.
     */
    public boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seenVersion;
            synchronized (changeMonitor) {
                seenVersion = changeVersion;
            }
            // Evaluated outside the monitor: the condition may take connection locks, and the
            // event loop signals changes while never holding them.
            if (condition.getAsBoolean()) {
                return true;
            }
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                return false;
            }
            synchronized (changeMonitor) {
                if (changeVersion == seenVersion) {
                    try {
                        changeMonitor.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(remainingNanos))));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
        }
    }

    /** Waits until at least {@code n} connections are open. */
    public boolean awaitOpenConnections(int n, Duration timeout) {
        return await(() -> openConnectionCount() >= n, timeout);
    }

    /** Waits until at least {@code n} connections have ever been accepted (reconnect tests). */
    public boolean awaitConnectionsAccepted(int n, Duration timeout) {
        return await(() -> connectionsAccepted() >= n, timeout);
    }

    /** Waits until at least {@code n} open, data-carrying connections are subscribed to {@code stream}. */
    public boolean awaitSubscribers(String stream, int n, Duration timeout) {
        return await(() -> subscriberCount(stream) >= n, timeout);
    }

    // ---------------------------------------------------------------------------------------------
    // Pushing data
    // ---------------------------------------------------------------------------------------------

    /**
     * Pushes one event to every open connection on a data-carrying path that is subscribed to
     * {@code stream}: wrapped as {@code {"stream":…,"data":…}} on combined connections, bare on
     * raw ones. {@code eventJson} is inserted verbatim, so it must be valid JSON.
     *
     * @return how many connections the frame was written to; 0 while {@link #setPushData data is
     *     stalled}
     */
    public int emit(String stream, String eventJson) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(eventJson, "eventJson");
        if (!pushData) {
            return 0;
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (FakeConnection connection : connections) {
            if (connection.receives(stream)) {
                String payload = connection.combined() ? combinedFrame(stream, eventJson) : eventJson;
                deliveries.add(new Delivery(connection, payload));
            }
        }
        return deliver(deliveries);
    }

    /**
     * Sends {@code text} exactly as given (no wrapping, need not be JSON) to the connections that
     * {@link #emit} would reach for {@code stream}: for garbage, truncated or unexpected frames.
     */
    public int emitRaw(String stream, String text) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(text, "text");
        if (!pushData) {
            return 0;
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (FakeConnection connection : connections) {
            if (connection.receives(stream)) {
                deliveries.add(new Delivery(connection, text));
            }
        }
        return deliver(deliveries);
    }

    /**
     * Sends {@code payload} as the bytes of one text frame, exactly as given (they need not be UTF-8), to the
     * connections that {@link #emit} would reach for {@code stream}: for frames a broken or hostile peer could send.
     */
    public int emitBytes(String stream, byte[] payload) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(payload, "payload");
        if (!pushData) {
            return 0;
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (FakeConnection connection : connections) {
            if (connection.receives(stream)) {
                deliveries.add(new Delivery(connection, null, payload));
            }
        }
        return deliver(deliveries);
    }

    /**
     * Sends a syntactically valid forceOrder-like frame of exactly {@code bytes} UTF-8 bytes (the
     * event is padded with a {@code "padding"} field) to the connections {@link #emit} would reach
     * for {@code stream}: for testing the client's frame-size limit.
     */
    public int emitOversized(String stream, int bytes) {
        Objects.requireNonNull(stream, "stream");
        if (!pushData) {
            return 0;
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (FakeConnection connection : connections) {
            if (connection.receives(stream)) {
                deliveries.add(new Delivery(connection, paddedFrame(stream, connection.combined(), bytes)));
            }
        }
        return deliver(deliveries);
    }

    /**
     * Sends {@code text} to every open connection, whatever its path or subscriptions and even
     * while data is stalled: the unconditional escape hatch for protocol tests.
     */
    public int sendToAll(String text) {
        Objects.requireNonNull(text, "text");
        List<Delivery> deliveries = new ArrayList<>();
        for (FakeConnection connection : connections) {
            if (connection.isOpen()) {
                deliveries.add(new Delivery(connection, text));
            }
        }
        return deliver(deliveries);
    }

    // ---------------------------------------------------------------------------------------------
    // REST: exchangeInfo
    // ---------------------------------------------------------------------------------------------

    /**
     * The REST base URL on the same port: {@code http://127.0.0.1:<port>}, or {@code https://localhost:<port>}
     * for TLS. {@code GET <base>/fapi/v1/exchangeInfo} lists the USDⓈ-M contracts, {@code /dapi/v1/exchangeInfo}
     * the COIN-M ones.
     */
    public String restBaseUrl() {
        return tls ? "https://localhost:" + port : "http://127.0.0.1:" + port;
    }

    /** Replaces every listed contract: COIN-M ones (with a contract size) go to dapi, the others to fapi. */
    public void setContracts(List<FakeContract> contracts) {
        usdsContracts.clear();
        coinContracts.clear();
        contracts.forEach(this::listContract);
    }

    /** Lists a contract, or replaces the one with the same symbol (e.g. with a new status). */
    public void listContract(FakeContract contract) {
        List<FakeContract> list = contract.coinMargined() ? coinContracts : usdsContracts;
        list.removeIf(c -> c.symbol().equals(contract.symbol()));
        list.add(contract);
    }

    /** Takes a contract out of exchangeInfo altogether. */
    public void delistContract(String symbol) {
        usdsContracts.removeIf(c -> c.symbol().equals(symbol));
        coinContracts.removeIf(c -> c.symbol().equals(symbol));
    }

    /** Every REST request received, in order. */
    public List<RestRequest> restRequests() {
        return List.copyOf(restRequests);
    }

    /**
     * Answers the next {@code count} REST requests with {@code httpStatus} (429 rate limited, 418 banned, 5xx) and,
     * when {@code retryAfterSeconds} is not null, a {@code Retry-After} header, with Binance's error JSON.
     */
    public void refuseNextRestRequests(int count, int httpStatus, Integer retryAfterSeconds) {
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("not an HTTP error status: " + httpStatus);
        }
        scheduledRestRefusal.set(count <= 0 ? null
                : new ScheduledRefusal(new AtomicInteger(count), httpStatus, retryAfterSeconds, null));
    }

    /** A REST request as the fake received it, and what it answered. */
    public record RestRequest(String uri, InetSocketAddress remoteAddress, int status, Instant at) {}

    // ---------------------------------------------------------------------------------------------
    // Misbehaviour switches
    // ---------------------------------------------------------------------------------------------

    /**
     * Closes every open connection at the TCP level without a WebSocket close frame (and, on TLS,
     * without a close_notify): what a crashed server or a cut link looks like. Returns once the
     * sockets are closed.
     */
    public int dropAllConnections() {
        return closeEach(connection -> {
            connection.noteCloseCause("dropped by test");
            closeBelowProtocols(connection.channel);
        });
    }

    /** Like {@link #dropAllConnections()} but with SO_LINGER 0, so the peer receives a TCP RST. */
    public int resetAllConnections() {
        return closeEach(connection -> {
            connection.noteCloseCause("reset by test");
            connection.channel.config().setOption(ChannelOption.SO_LINGER, 0);
            closeBelowProtocols(connection.channel);
        });
    }

    /** Sends a WebSocket close frame with {@code statusCode} and {@code reason} to every open connection, then closes it. */
    public int closeAllConnections(int statusCode, String reason) {
        return closeEach(connection -> closeWithFrame(connection, statusCode, reason, "closed by test (" + statusCode + ")"));
    }

    /** Closes one connection like {@link #dropAllConnections()} does; false if it is not open. */
    public boolean dropConnection(long connectionId) {
        FakeConnection connection = find(connectionId);
        if (connection == null || !connection.isOpen()) {
            return false;
        }
        connection.channel.eventLoop().execute(() -> {
            connection.noteCloseCause("dropped by test");
            closeBelowProtocols(connection.channel);
        });
        return await(() -> !connection.isOpen(), SHUTDOWN_TIMEOUT);
    }

    /**
     * Stalls one connection, as {@link #setPushData(boolean) setPushData(false)} stalls them all: it stays open and
     * answers pings, but receives no market data (its canary included) until un-stalled.
     */
    public void setStalled(long connectionId, boolean stalled) {
        FakeConnection connection = find(connectionId);
        if (connection == null) {
            throw new NoSuchElementException("no connection " + connectionId);
        }
        connection.setStalled(stalled);
    }

    /** When false the server ignores the client's pings (a half-open link as the client sees it). */
    public void setAnswerPings(boolean answerPings) {
        this.answerPings = answerPings;
    }

    /**
     * When false every data-pushing method silently sends nothing while the sockets stay open and
     * the server keeps pinging: the "silent stall" a connector must detect.
     */
    public void setPushData(boolean pushData) {
        this.pushData = pushData;
    }

    /** Changes the ping period for connections opened from now on. */
    public void setPingInterval(Duration pingInterval) {
        this.pingInterval = requirePositive(pingInterval, "pingInterval");
    }

    /**
     * Answers the next {@code count} upgrade requests with {@code httpStatus} (e.g. 429 rate
     * limited, 418 IP banned) and, when {@code retryAfterSeconds} is not null, a
     * {@code Retry-After} header, instead of a WebSocket. Replaces any refusal still pending.
     */
    public void refuseNextHandshakes(int count, int httpStatus, Integer retryAfterSeconds) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("not an HTTP error status: " + httpStatus);
        }
        scheduledRefusal.set(count == 0 ? null
                : new ScheduledRefusal(new AtomicInteger(count), httpStatus, retryAfterSeconds, null));
    }

    /**
     * Answers the next {@code count} upgrade requests with the redirect {@code httpStatus} (3xx) to {@code location},
     * as a misconfigured proxy or a moved endpoint would. Replaces any refusal still pending.
     */
    public void redirectNextHandshakes(int count, int httpStatus, String location) {
        if (httpStatus < 300 || httpStatus > 399) {
            throw new IllegalArgumentException("not an HTTP redirect status: " + httpStatus);
        }
        scheduledRefusal.set(count <= 0 ? null
                : new ScheduledRefusal(new AtomicInteger(count), httpStatus, null, Objects.requireNonNull(location)));
    }

    /** Stops the server, closes every socket, deletes the trust store and ends every thread it started. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
            for (Channel channel : childChannels) {
                channel.close();
            }
            Future<?> shutdown = eventLoops.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!shutdown.awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT.toMillis())) {
                throw new IllegalStateException("fake exchange event loops did not stop");
            }
        } finally {
            if (trustStorePath != null) {
                deleteQuietly(trustStorePath);
            }
        }
    }

    @Override
    public String toString() {
        return "FakeBinanceExchange[" + baseUrl() + ", open=" + openConnectionCount() + ", accepted=" + connectionsAccepted()
                + ", refused=" + handshakesRefused() + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    private void signalChange() {
        synchronized (changeMonitor) {
            changeVersion++;
            changeMonitor.notifyAll();
        }
    }

    private FakeConnection find(long connectionId) {
        for (FakeConnection connection : connections) {
            if (connection.id == connectionId) {
                return connection;
            }
        }
        return null;
    }

    private void requireTls() {
        if (!tls) {
            throw new IllegalStateException("this fake exchange is plain ws://; start it with startTls()");
        }
    }

    /** A frame's text, or (when {@code bytes} is set) its bytes as they are. */
    private record Delivery(FakeConnection connection, String payload, byte[] bytes) {
        Delivery(FakeConnection connection, String payload) {
            this(connection, payload, null);
        }

        TextWebSocketFrame frame() {
            return bytes == null ? new TextWebSocketFrame(payload)
                    : new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
        }
    }

    /**
     * Writes each payload as one text frame and, unless called on an event loop (where blocking is
     * forbidden), waits until it has been handed to the socket. Netty's writeAndFlush from a
     * foreign thread is queued on the channel's own event loop, so frames from one test thread
     * arrive in call order.
     */
    private int deliver(List<Delivery> deliveries) {
        List<ChannelFuture> writes = new ArrayList<>(deliveries.size());
        for (Delivery delivery : deliveries) {
            writes.add(delivery.connection.channel.writeAndFlush(delivery.frame()));
        }
        int written = 0;
        for (int i = 0; i < writes.size(); i++) {
            ChannelFuture write = writes.get(i);
            FakeConnection connection = deliveries.get(i).connection;
            if (write.channel().eventLoop().inEventLoop()) {
                write.addListener(future -> {
                    if (future.isSuccess()) {
                        connection.recordFrameSent();
                    }
                });
                written++;
            } else if (write.awaitUninterruptibly(WRITE_TIMEOUT.toMillis()) && write.isSuccess()) {
                connection.recordFrameSent();
                written++;
            }
        }
        return written;
    }

    /**
     * Runs {@code action} on each open connection's event loop and waits until the sockets are
     * closed and recorded as such, so that a test may assert on {@link #openConnectionCount()}
     * right after a misbehaviour switch returns.
     */
    private int closeEach(Consumer<FakeConnection> action) {
        List<FakeConnection> closing = new ArrayList<>();
        for (FakeConnection connection : connections) {
            if (connection.isOpen()) {
                connection.channel.eventLoop().execute(() -> action.accept(connection));
                closing.add(connection);
            }
        }
        await(() -> closing.stream().noneMatch(FakeConnection::isOpen), SHUTDOWN_TIMEOUT);
        return closing.size();
    }

    /**
     * Closes the socket from the head of the pipeline, so that neither the WebSocket layer (close
     * frame) nor the TLS layer (close_notify) gets a chance to say goodbye.
     */
    private static void closeBelowProtocols(Channel channel) {
        channel.pipeline().firstContext().close();
    }

    /**
     * Writes the close frame from raw bytes: Netty's status-code constructor refuses reserved codes such as 1006,
     * which a misbehaving server or proxy may still put on the wire.
     */
    private static void closeWithFrame(FakeConnection connection, int statusCode, String reason, String cause) {
        connection.noteCloseCause(cause);
        io.netty.buffer.ByteBuf payload = Unpooled.buffer(2 + reason.length() * 3);
        payload.writeShort(statusCode);
        payload.writeCharSequence(reason, StandardCharsets.UTF_8);
        connection.channel.writeAndFlush(new CloseWebSocketFrame(true, 0, payload))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static String combinedFrame(String stream, String eventJson) {
        return "{\"stream\":\"" + jsonEscape(stream) + "\",\"data\":" + eventJson + "}";
    }

    private static String paddedFrame(String stream, boolean combined, int bytes) {
        String prefix = "{\"e\":\"forceOrder\",\"E\":" + System.currentTimeMillis() + ",\"padding\":\"";
        String suffix = "\"}";
        if (combined) {
            prefix = "{\"stream\":\"" + jsonEscape(stream) + "\",\"data\":" + prefix;
            suffix = suffix + "}";
        }
        int padding = bytes - prefix.getBytes(StandardCharsets.UTF_8).length - suffix.getBytes(StandardCharsets.UTF_8).length;
        if (padding < 0) {
            throw new IllegalArgumentException(bytes + " bytes is too small for an event frame on stream " + stream);
        }
        return prefix + "x".repeat(padding) + suffix;
    }

    private static String jsonEscape(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    private static String errorBody(int code, String message) {
        return "{\"code\":" + code + ",\"msg\":\"" + jsonEscape(message) + "\"}";
    }

    private static Duration requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
        return duration;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temp file is harmless; failing close() over it would hide the real test result.
        }
    }

    /** A pending {@link #refuseNextHandshakes} order. */
    private record ScheduledRefusal(AtomicInteger remaining, int httpStatus, Integer retryAfterSeconds,
            String location) {}

    /** Takes one refusal from the pending order, if any is left. */
    private ScheduledRefusal takeRefusal() {
        return takeRefusal(scheduledRefusal);
    }

    private static ScheduledRefusal takeRefusal(AtomicReference<ScheduledRefusal> scheduledRefusal) {
        ScheduledRefusal refusal = scheduledRefusal.get();
        while (refusal != null) {
            int left = refusal.remaining.get();
            if (left <= 0) {
                scheduledRefusal.compareAndSet(refusal, null);
                return null;
            }
            if (refusal.remaining.compareAndSet(left, left - 1)) {
                return refusal;
            }
        }
        return null;
    }

    /**
     * Serves one socket: the HTTP upgrade first, then WebSocket frames. One instance per channel;
     * all its state is confined to the channel's event loop.
     */
    private final class ExchangeHandler extends ChannelInboundHandlerAdapter {

        private WebSocketServerHandshaker handshaker;
        private FakeConnection connection;
        private final List<ScheduledFuture<?>> timers = new ArrayList<>();
        private long rateWindowStartNanos;
        private int rateWindowCount;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof FullHttpRequest) {
                    onUpgradeRequest(ctx, (FullHttpRequest) message);
                } else if (message instanceof WebSocketFrame && connection != null) {
                    onFrame(ctx, (WebSocketFrame) message);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            timers.forEach(timer -> timer.cancel(false));
            timers.clear();
            if (connection != null) {
                connection.markClosed();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Resets, TLS failures and protocol violations by the client simply end the socket, as
            // they would on the real server; the test sees the effect on the client side.
            ctx.close();
        }

        private void onUpgradeRequest(ChannelHandlerContext ctx, FullHttpRequest request) {
            String restPath = new io.netty.handler.codec.http.QueryStringDecoder(request.uri()).path();
            if (restPath.equals("/fapi/v1/exchangeInfo") || restPath.equals("/dapi/v1/exchangeInfo")) {
                serveExchangeInfo(ctx, request, restPath.startsWith("/dapi") ? coinContracts : usdsContracts,
                        restPath.startsWith("/fapi"));
                return;
            }
            handshakesAttempted.incrementAndGet();
            String uri = request.uri();
            if (!request.decoderResult().isSuccess()) {
                refuse(ctx, uri, HttpResponseStatus.BAD_REQUEST, errorBody(-1, "Malformed request"), null);
                return;
            }
            // Rate limiting sits in front of everything else on the real service.
            ScheduledRefusal refusal = takeRefusal();
            if (refusal != null) {
                HttpResponseStatus status = HttpResponseStatus.valueOf(refusal.httpStatus);
                String body = refusal.httpStatus == 418
                        ? errorBody(-1003, "Way too many requests; IP banned.")
                        : refusal.httpStatus == 429
                                ? errorBody(-1003, "Too many requests; please use the websocket for live updates.")
                                : errorBody(-1000, status.reasonPhrase());
                if (refusal.location != null) {
                    redirect(ctx, uri, status, refusal.location);
                } else {
                    refuse(ctx, uri, status, body, refusal.retryAfterSeconds);
                }
                return;
            }
            StreamRequest streams = StreamRequest.parse(uri);
            if (streams.firstIllegalStream().isPresent()) {
                refuse(ctx, uri, HttpResponseStatus.BAD_REQUEST, ILLEGAL_STREAMS_BODY, null);
                return;
            }
            if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                refuse(ctx, uri, HttpResponseStatus.BAD_REQUEST, errorBody(-1000, "WebSocket upgrade required"), null);
                return;
            }
            WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(MAX_INCOMING_FRAME)
                    .allowExtensions(false)
                    .build();
            handshaker = new WebSocketServerHandshakerFactory(websocketUrl(uri), null, decoderConfig).newHandshaker(request);
            if (handshaker == null) {
                refusedHandshakes.add(new RefusedHandshake(uri, HttpResponseStatus.UPGRADE_REQUIRED.code(), Instant.now()));
                signalChange();
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel()).addListener(ChannelFutureListener.CLOSE);
                return;
            }

            // Registered before the 101 is written: a client that has seen the upgrade must find
            // its connection here. Frames emitted meanwhile queue behind the 101 on this loop.
            FakeConnection accepted = new FakeConnection(
                    nextConnectionId.getAndIncrement(), ctx.channel(), uri, streams, tls, FakeBinanceExchange.this::signalChange);
            connection = accepted;
            connections.add(accepted);
            ChannelFuture handshake;
            try {
                handshake = handshaker.handshake(ctx.channel(), request);
            } catch (WebSocketHandshakeException e) {
                // Rejected before anything was written (e.g. no Sec-WebSocket-Key): never a connection.
                connections.remove(accepted);
                connection = null;
                refuse(ctx, uri, HttpResponseStatus.BAD_REQUEST, errorBody(-1000, e.getMessage()), null);
                return;
            }
            ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_INCOMING_FRAME));
            handshake.addListener(future -> {
                if (!future.isSuccess()) {
                    ctx.close();
                }
            });
            startTimers(ctx);
            signalChange();
        }

        private void startTimers(ChannelHandlerContext ctx) {
            FakeConnection accepted = connection;
            long pingNanos = pingInterval.toNanos();
            timers.add(ctx.executor().scheduleAtFixedRate(() -> sendPing(ctx), pingNanos, pingNanos, TimeUnit.NANOSECONDS));

            // Checked ten times per timeout period, so a missing pong is noticed within 10% of it.
            long pongNanos = pongTimeout.toNanos();
            long checkNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), pongNanos / 10);
            timers.add(ctx.executor().scheduleAtFixedRate(() -> {
                if (accepted.isOpen() && System.nanoTime() - accepted.lastPongNanos() > pongNanos) {
                    // The server takes the peer for dead, so it does not attempt a close handshake.
                    accepted.noteCloseCause("no pong within " + pongTimeout);
                    closeBelowProtocols(ctx.channel());
                }
            }, checkNanos, checkNanos, TimeUnit.NANOSECONDS));

            long markPriceNanos = markPriceInterval.toNanos();
            timers.add(ctx.executor().scheduleAtFixedRate(() -> pushMarkPrices(accepted),
                    markPriceNanos, markPriceNanos, TimeUnit.NANOSECONDS));

            // Which close code Binance uses at the 24 h cut is not documented; 1001 "going away"
            // is the standard code for a server ending a session.
            timers.add(ctx.executor().schedule(
                    () -> closeWithFrame(accepted, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(),
                            "connection lifetime reached", "lifetime of " + connectionLifetime + " reached"),
                    connectionLifetime.toNanos(), TimeUnit.NANOSECONDS));
        }

        /** A mark-price update on every subscribed {@code @markPrice} stream, unless data is stalled. */
        private void pushMarkPrices(FakeConnection subscriber) {
            if (!pushData) {
                return;
            }
            List<Delivery> deliveries = new ArrayList<>();
            for (String stream : subscriber.subscriptions()) {
                if (stream.contains("@markPrice") && subscriber.receives(stream)) {
                    String symbol = stream.substring(0, stream.indexOf('@')).toUpperCase(Locale.ROOT);
                    long now = System.currentTimeMillis();
                    String event = "{\"e\":\"markPriceUpdate\",\"E\":" + now + ",\"s\":\"" + symbol
                            + "\",\"p\":\"90000.00000000\",\"i\":\"90004.10000000\",\"P\":\"90001.20000000\","
                            + "\"r\":\"0.00010000\",\"T\":" + (now - now % 28_800_000 + 28_800_000) + "}";
                    deliveries.add(new Delivery(subscriber,
                            subscriber.combined() ? combinedFrame(stream, event) : event));
                }
            }
            deliver(deliveries);
        }

        private void sendPing(ChannelHandlerContext ctx) {
            FakeConnection pinged = connection;
            byte[] payload = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
            ctx.channel().writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload))).addListener(future -> {
                if (future.isSuccess()) {
                    pinged.recordPingSent();
                }
            });
        }

        private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (connection.isClosing()) {
                // The server is hanging up; like a real one it no longer processes what trickles in
                // (including the client's echo of our close frame).
                return;
            }
            if (frame instanceof CloseWebSocketFrame) {
                connection.recordClientClose(((CloseWebSocketFrame) frame).statusCode());
                handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
                return;
            }
            if (frame instanceof PongWebSocketFrame) {
                // Pongs are not counted against the message rate: with the short ping intervals
                // tests use, answering the server's own pings would otherwise trip the limit.
                connection.recordPong();
                return;
            }
            if (!admitIncomingMessage()) {
                closeWithFrame(connection, WebSocketCloseStatus.POLICY_VIOLATION.code(),
                        "Too many messages", "more than " + maxIncomingMessagesPerSecond + " messages per second");
                return;
            }
            if (frame instanceof PingWebSocketFrame) {
                if (answerPings) {
                    ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
                }
                return;
            }
            if (frame instanceof TextWebSocketFrame) {
                String text = ((TextWebSocketFrame) frame).text();
                connection.recordMessage(text);
                ctx.writeAndFlush(new TextWebSocketFrame(ControlProtocol.handle(text, connection)));
                return;
            }
            if (frame instanceof BinaryWebSocketFrame) {
                // Binance speaks text only; a binary request is as unreadable as broken JSON.
                ctx.writeAndFlush(new TextWebSocketFrame(
                        ControlProtocol.error(3, "Invalid JSON: binary frames are not supported", ControlProtocol.RequestId.NONE)));
            }
        }

        /** A fixed one-second window: enough to catch a client that floods control messages. */
        private boolean admitIncomingMessage() {
            if (maxIncomingMessagesPerSecond <= 0) {
                return true;
            }
            long now = System.nanoTime();
            if (rateWindowCount == 0 || now - rateWindowStartNanos >= TimeUnit.SECONDS.toNanos(1)) {
                rateWindowStartNanos = now;
                rateWindowCount = 0;
            }
            return ++rateWindowCount <= maxIncomingMessagesPerSecond;
        }

        private void refuse(ChannelHandlerContext ctx, String uri, HttpResponseStatus status, String body, Integer retryAfterSeconds) {
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json;charset=UTF-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            if (retryAfterSeconds != null) {
                response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
            }
            refusedHandshakes.add(new RefusedHandshake(uri, status.code(), Instant.now()));
            signalChange();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private void redirect(ChannelHandlerContext ctx, String uri, HttpResponseStatus status, String location) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
            response.headers()
                    .set(HttpHeaderNames.LOCATION, location)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            refusedHandshakes.add(new RefusedHandshake(uri, status.code(), Instant.now()));
            signalChange();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private void serveExchangeInfo(ChannelHandlerContext ctx, FullHttpRequest request, List<FakeContract> listed,
                boolean usdsMargined) {
            InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
            ScheduledRefusal refusal = takeRefusal(scheduledRestRefusal);
            if (refusal != null) {
                restRequests.add(new RestRequest(request.uri(), peer, refusal.httpStatus, Instant.now()));
                String message = refusal.httpStatus == 418
                        ? "Way too many requests; IP(" + peer.getHostString() + ") banned until "
                                + (System.currentTimeMillis() + 120_000) + ". Please use WebSocket Streams for live"
                                + " updates to avoid bans."
                        : refusal.httpStatus == 429
                                ? "Too many requests; current limit of IP(" + peer.getHostString() + ") is 2400"
                                        + " requests per minute. Please use WebSocket Streams for live updates to"
                                        + " avoid polling the API."
                                : "Service Unavailable.";
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(refusal.httpStatus),
                        Unpooled.copiedBuffer(errorBody(refusal.httpStatus >= 500 ? -1001 : -1003, message),
                                StandardCharsets.UTF_8));
                if (refusal.retryAfterSeconds != null) {
                    response.headers().setInt(HttpHeaderNames.RETRY_AFTER, refusal.retryAfterSeconds);
                }
                writeRest(ctx, response);
                return;
            }
            StringBuilder body = new StringBuilder(4096).append("{\"timezone\":\"UTC\",\"serverTime\":")
                    .append(System.currentTimeMillis()).append(',');
            if (usdsMargined) {
                body.append("\"futuresType\":\"U_MARGINED\",");
            }
            body.append("\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\",")
                    .append("\"intervalNum\":1,\"limit\":2400},{\"rateLimitType\":\"ORDERS\",")
                    .append("\"interval\":\"MINUTE\",\"intervalNum\":1,\"limit\":1200}],")
                    .append("\"exchangeFilters\":[],");
            if (usdsMargined) {
                body.append("\"assets\":[{\"asset\":\"USDT\",\"marginAvailable\":true,")
                        .append("\"autoAssetExchange\":\"-10000\"}],");
            }
            body.append("\"symbols\":[");
            for (int i = 0; i < listed.size(); i++) {
                body.append(i == 0 ? "" : ",").append(listed.get(i).toJson());
            }
            body.append("]}");
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            String acceptEncoding = request.headers().get(HttpHeaderNames.ACCEPT_ENCODING, "");
            boolean gzip = acceptEncoding.contains("gzip");
            if (gzip) {
                java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
                try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(zipped)) {
                    out.write(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                bytes = zipped.toByteArray();
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(bytes));
            if (gzip) {
                response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
            }
            restRequests.add(new RestRequest(request.uri(), peer, 200, Instant.now()));
            writeRest(ctx, response);
        }

        private void writeRest(ChannelHandlerContext ctx, FullHttpResponse response) {
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            signalChange();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private String websocketUrl(String uri) {
            return (tls ? "wss://localhost:" : "ws://127.0.0.1:") + port + uri;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Public value types
    // ---------------------------------------------------------------------------------------------

    /**
     * A snapshot of one accepted connection.
     *
     * @param id sequence number, from 1, in order of acceptance
     * @param uri the request URI as sent ({@code /market/stream?streams=…})
     * @param path the decoded path ({@code /market/stream})
     * @param requestedStreams the streams named in the URI, in order
     * @param streams the streams subscribed now: the URI's streams plus SUBSCRIBE minus
     *     UNSUBSCRIBE, in subscription order (as they were at the close, for a closed connection)
     * @param combined whether data is wrapped as {@code {"stream":…,"data":…}}
     * @param live whether the path carries data at all (false for the retired path-less URLs)
     * @param tls whether the socket is TLS
     * @param open whether the socket is still open
     * @param openedAt when the upgrade was accepted
     * @param closedAt when the socket closed, or null while open
     * @param closeCause why it closed (e.g. "dropped by test", "closed by client"), or null while open
     * @param clientCloseStatus the status code of the client's close frame, if it sent one
     * @param pingsSent server pings written to the socket
     * @param pongsReceived pongs received from the client (solicited or not)
     * @param framesSent data frames written by {@link #emit}, {@link #emitRaw},
     *     {@link #emitOversized} and {@link #sendToAll}; not control replies, pings or pongs
     * @param messagesReceived the text frames the client sent, in order
     * @param remoteAddress the peer of the socket: the client, or the proxy that relays it
     * @param localAddress the address the peer connected to: which of the exchange's addresses it chose
     */
    public record ConnectionInfo(
            long id,
            String uri,
            String path,
            List<String> requestedStreams,
            List<String> streams,
            boolean combined,
            boolean live,
            boolean tls,
            boolean open,
            Instant openedAt,
            Instant closedAt,
            String closeCause,
            Integer clientCloseStatus,
            int pingsSent,
            int pongsReceived,
            long framesSent,
            List<String> messagesReceived,
            InetSocketAddress remoteAddress,
            InetSocketAddress localAddress) {

        public ConnectionInfo {
            requestedStreams = List.copyOf(requestedStreams);
            streams = List.copyOf(streams);
            messagesReceived = List.copyOf(messagesReceived);
        }
    }

    /**
     * The most of {@code connections} open at the same moment: for a group's legs, whether rotations overlapped. A
     * close and an open in the same millisecond count as a hand-over, not an overlap.
     */
    public static int mostOpenAtOnce(List<ConnectionInfo> connections) {
        List<long[]> edges = new ArrayList<>();
        for (ConnectionInfo c : connections) {
            edges.add(new long[] {c.openedAt().toEpochMilli(), 1});
            if (c.closedAt() != null) {
                edges.add(new long[] {c.closedAt().toEpochMilli(), -1});
            }
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int open = 0;
        int most = 0;
        for (long[] edge : edges) {
            open += (int) edge[1];
            most = Math.max(most, open);
        }
        return most;
    }

    /** An upgrade request answered with an HTTP error instead of a WebSocket. */
    public record RefusedHandshake(String uri, int httpStatus, Instant at) {}

    /** Settings fixed at start. Defaults are Binance's documented values. */
    public static final class Builder {
        private boolean tls;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;
        private Duration connectionLifetime = DEFAULT_CONNECTION_LIFETIME;
        private int maxIncomingMessagesPerSecond = DEFAULT_MAX_INCOMING_MESSAGES_PER_SECOND;
        private Duration markPriceInterval = DEFAULT_MARK_PRICE_INTERVAL;
        private String bindAddress = "127.0.0.1";

        private Builder() {}

        /**
         * The address to listen on; {@code 0.0.0.0} listens on every loopback address too (127.0.0.2, ...), for a
         * host name with several addresses.
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress);
            return this;
        }

        /**
         * How often a subscribed {@code <symbol>@markPrice@1s} stream gets an update (Binance: every second).
         * Clients use such a stream as a canary: it never goes quiet while data flows.
         */
        public Builder markPriceInterval(Duration markPriceInterval) {
            this.markPriceInterval = requirePositive(markPriceInterval, "markPriceInterval");
            return this;
        }

        /** Serve {@code wss://localhost} with a freshly generated certificate. */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** How often the server pings each connection (Binance: 3 minutes). */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = requirePositive(pingInterval, "pingInterval");
            return this;
        }

        /** How long without any pong before the server drops a connection (Binance: 10 minutes). */
        public Builder pongTimeout(Duration pongTimeout) {
            this.pongTimeout = requirePositive(pongTimeout, "pongTimeout");
            return this;
        }

        /** After how long the server ends every connection with a close frame (Binance: 24 hours). */
        public Builder connectionLifetime(Duration connectionLifetime) {
            this.connectionLifetime = requirePositive(connectionLifetime, "connectionLifetime");
            return this;
        }

        /**
         * The most text frames and pings a client may send per second before it is disconnected
         * with close code 1008 (Binance: 10); 0 or less disables the limit.
         */
        public Builder maxIncomingMessagesPerSecond(int maxIncomingMessagesPerSecond) {
            this.maxIncomingMessagesPerSecond = maxIncomingMessagesPerSecond;
            return this;
        }

        public FakeBinanceExchange start() {
            return new FakeBinanceExchange(this);
        }
    }
}
