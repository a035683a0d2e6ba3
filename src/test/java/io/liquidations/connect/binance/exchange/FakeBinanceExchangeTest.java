package io.liquidations.connect.binance.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange.ConnectionInfo;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drives the fake exchange with real clients — the JDK's WebSocket client, and a bare socket
 * where a client must misbehave or where the raw HTTP answer matters — so that connector tests
 * can trust what the fake does.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FakeBinanceExchangeTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String BTC = "btcusdt@forceOrder";
    private static final String ETH = "ethusdt@forceOrder";
    private static final String SOL = "solusdt@forceOrder";

    /** One client for all plain tests: the JDK's HttpClient has no close() before Java 21. */
    private static final HttpClient PLAIN_CLIENT = HttpClient.newHttpClient();

    private final ForceOrderEvents events = new ForceOrderEvents(20260707L);

    @AfterAll
    static void noThreadsLeft() throws InterruptedException {
        // Every test closed its exchange; none of the fake's event-loop threads may survive.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (liveFakeThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, liveFakeThreads(), "threads left behind by FakeBinanceExchange.close()");
    }

    @Test
    void combinedStreamReceivesWrappedEventsOnlyForItsStreams() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder both = new Recorder();
            connect(exchange.baseUrl() + "/stream?streams=" + BTC + "/" + ETH, both);
            Recorder ethOnly = new Recorder();
            connect(exchange.baseUrl() + "/stream?streams=" + ETH, ethOnly);

            // Registered before the 101 went out: visible as soon as the client is connected.
            assertEquals(2, exchange.openConnectionCount());
            ConnectionInfo info = exchange.connections().get(0);
            assertEquals("/market/stream", info.path());
            assertEquals(List.of(BTC, ETH), info.requestedStreams());
            assertEquals(List.of(BTC, ETH), info.streams());
            assertTrue(info.combined());
            assertTrue(info.live());
            assertFalse(info.tls());
            assertTrue(info.open());

            SentForceOrder btc = events.next("BTCUSDT");
            SentForceOrder eth = events.next("ETHUSDT");
            SentForceOrder sol = events.next("SOLUSDT");
            assertEquals(1, exchange.emit(BTC, btc.toJson()));
            assertEquals(0, exchange.emit(SOL, sol.toJson()));
            assertEquals(2, exchange.emit(ETH, eth.toJson()));

            // Frames arrive in emit order, so the SOL event would have sat between these two.
            assertEquals(combined(BTC, btc), both.nextMessage());
            assertEquals(combined(ETH, eth), both.nextMessage());
            assertEquals(combined(ETH, eth), ethOnly.nextMessage());
            assertEquals(2, exchange.connections().get(0).framesSent());
            assertEquals(1, exchange.connections().get(1).framesSent());
            assertEquals(java.util.Set.of(BTC, ETH), exchange.subscribedStreams());
        }
    }

    @Test
    void rawFormDeliversTheBareEventForEachStreamInThePath() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/ws/" + BTC + "/!forceOrder@arr", recorder);

            ConnectionInfo info = exchange.connections().get(0);
            assertEquals(List.of(BTC, ForceOrderEvents.ALL_MARKET_STREAM), info.requestedStreams());
            assertFalse(info.combined());
            assertTrue(info.live());

            SentForceOrder btc = events.next("BTCUSDT");
            SentForceOrder ilv = events.nextAllMarket("ILVUSDT");
            assertEquals(1, exchange.emit(BTC, btc.toJson()));
            assertEquals(1, exchange.emit(ForceOrderEvents.ALL_MARKET_STREAM, ilv.toJson()));
            assertEquals(0, exchange.emit(ETH, events.next("ETHUSDT").toJson()));

            assertEquals(btc.toJson(), recorder.nextMessage());
            assertEquals(ilv.toJson(), recorder.nextMessage());
        }
    }

    @Test
    void liveControlMessagesAreAnsweredLikeBinance() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(exchange.baseUrl() + "/ws", recorder);
            long id = exchange.connections().get(0).id();
            assertTrue(exchange.streamsOf(id).isEmpty());

            send(socket, "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@forceOrder\",\"ethusdt@forceOrder\"],\"id\":1}");
            assertEquals("{\"result\":null,\"id\":1}", recorder.nextMessage());
            assertEquals(List.of(BTC, ETH), List.copyOf(exchange.streamsOf(id)));

            send(socket, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}");
            assertEquals("{\"result\":[\"btcusdt@forceOrder\",\"ethusdt@forceOrder\"],\"id\":2}", recorder.nextMessage());

            SentForceOrder first = events.next("BTCUSDT");
            assertEquals(1, exchange.emit(BTC, first.toJson()));
            assertEquals(first.toJson(), recorder.nextMessage());

            send(socket, "{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":3}");
            assertEquals("{\"result\":false,\"id\":3}", recorder.nextMessage());
            send(socket, "{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\",true],\"id\":4}");
            assertEquals("{\"result\":null,\"id\":4}", recorder.nextMessage());
            SentForceOrder second = events.next("BTCUSDT");
            assertEquals(1, exchange.emit(BTC, second.toJson()));
            assertEquals(combined(BTC, second), recorder.nextMessage());

            send(socket, "{\"method\":\"UNSUBSCRIBE\",\"params\":[\"btcusdt@forceOrder\"],\"id\":5}");
            assertEquals("{\"result\":null,\"id\":5}", recorder.nextMessage());
            assertEquals(0, exchange.emit(BTC, events.next("BTCUSDT").toJson()));
            assertEquals(1, exchange.subscriberCount(ETH));

            send(socket, "this is not json");
            String invalidJson = recorder.nextMessage();
            assertTrue(invalidJson.startsWith("{\"code\":3,\"msg\":\"Invalid JSON: "), invalidJson);
            assertTrue(invalidJson.endsWith(",\"id\":null}"), invalidJson);

            send(socket, "{\"method\":\"FETCH\",\"id\":6}");
            String unknownMethod = recorder.nextMessage();
            assertTrue(unknownMethod.startsWith("{\"code\":2,\"msg\":\"Invalid request: unknown variant `FETCH`"), unknownMethod);
            assertTrue(unknownMethod.endsWith(",\"id\":6}"), unknownMethod);

            send(socket, "{\"params\":[],\"id\":7}");
            assertEquals("{\"code\":2,\"msg\":\"Invalid request: missing field `method`\",\"id\":7}", recorder.nextMessage());

            assertEquals(8, exchange.connections().get(0).messagesReceived().size());
            assertEquals("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}", exchange.connections().get(0).messagesReceived().get(1));

            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(exchange.await(() -> exchange.openConnectionCount() == 0, WAIT));
            ConnectionInfo closed = exchange.connections().get(0);
            assertEquals(1000, closed.clientCloseStatus());
            assertEquals("closed by client", closed.closeCause());
            assertNotNull(closed.closedAt());
        }
    }

    @Test
    void upperCaseSymbolInTheUrlIsRefusedWithHttp400() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            RawResponse combinedForm = rawUpgrade(exchange.port(), "/market/stream?streams=btcusdt@forceOrder/BTCUSDT@forceOrder");
            assertEquals(400, combinedForm.status);
            assertEquals("{\"code\":-1100,\"msg\":\"Illegal characters found in parameter 'streams'\"}", combinedForm.body);
            assertTrue(combinedForm.header("content-type").startsWith("application/json"));

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> connect(exchange.baseUrl() + "/ws/BTCUSDT@forceOrder", new Recorder()));
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            assertEquals(400, handshake.getResponse().statusCode());

            // Only the symbol is lower-cased: suffix casing is part of the name.
            connect(exchange.baseUrl() + "/stream?streams=!forceOrder@arr/btcusdt@markPrice@1s/btcusd_perp@forceOrder", new Recorder());

            assertEquals(2, exchange.handshakesRefused());
            assertEquals(400, exchange.refusedHandshakes().get(0).httpStatus());
            assertEquals(3, exchange.handshakesAttempted());
            assertEquals(1, exchange.connectionsAccepted());
        }
    }

    @Test
    void legacyPathLessUrlIsAcceptedAndAcknowledgedButNeverCarriesData() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder combinedForm = new Recorder();
            WebSocket combinedSocket = connect(exchange.legacyBaseUrl() + "/stream?streams=" + BTC, combinedForm);
            Recorder rawForm = new Recorder();
            connect(exchange.legacyBaseUrl() + "/ws/" + BTC, rawForm);

            ConnectionInfo info = exchange.connections().get(0);
            assertEquals("/stream", info.path());
            assertEquals(List.of(BTC), info.requestedStreams());
            assertFalse(info.live());

            send(combinedSocket, "{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@forceOrder\"],\"id\":1}");
            assertEquals("{\"result\":null,\"id\":1}", combinedForm.nextMessage());

            assertEquals(0, exchange.subscriberCount(BTC));
            assertEquals(0, exchange.emit(BTC, events.next("BTCUSDT").toJson()));
            assertEquals(0, exchange.emit(ETH, events.next("ETHUSDT").toJson()));
            assertEquals(0, exchange.emitRaw(BTC, "garbage"));

            // The reply is the very next frame: nothing was pushed in between.
            send(combinedSocket, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}");
            assertEquals("{\"result\":[\"btcusdt@forceOrder\",\"ethusdt@forceOrder\"],\"id\":2}", combinedForm.nextMessage());
            assertEquals(0, exchange.connections().get(0).framesSent());
            assertEquals(0, exchange.connections().get(1).framesSent());

            // The explicit escape hatch still reaches them.
            assertEquals(2, exchange.sendToAll("hello"));
            assertEquals("hello", combinedForm.nextMessage());
            assertEquals("hello", rawForm.nextMessage());
        }
    }

    @Test
    void serverPingsAndRecordsPongs() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.builder().pingInterval(Duration.ofMillis(100)).start()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/ws/" + BTC, recorder);

            // The JDK client answers every ping with a pong by itself.
            // The JDK client pongs before it tells its listener, so both sides are awaited.
            assertTrue(exchange.await(() -> exchange.connections().get(0).pongsReceived() >= 3 && recorder.pings.get() >= 3, WAIT),
                    "pongs recorded: " + exchange.connections().get(0).pongsReceived() + ", pings seen: " + recorder.pings.get());
            ConnectionInfo info = exchange.connections().get(0);
            assertTrue(info.pingsSent() >= info.pongsReceived(), info.toString());
        }
    }

    @Test
    void aClientThatNeverPongsIsDroppedAfterThePongTimeout() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.builder()
                .pingInterval(Duration.ofMillis(50))
                .pongTimeout(Duration.ofMillis(300))
                .start()) {
            Recorder answering = new Recorder();
            connect(exchange.baseUrl() + "/ws/" + BTC, answering);

            try (Socket silent = new Socket("127.0.0.1", exchange.port())) {
                silent.setSoTimeout((int) WAIT.toMillis());
                writeUpgradeRequest(silent, exchange.port(), "/market/ws/" + BTC);
                // Reads the 101 and the pings it never answers, until the server hangs up.
                silent.getInputStream().readAllBytes();
            }

            // The client saw EOF; the server records the close on its own event loop.
            assertTrue(exchange.await(() -> !exchange.connections().get(1).open(), WAIT));
            ConnectionInfo dropped = exchange.connections().get(1);
            assertEquals(0, dropped.pongsReceived());
            assertTrue(dropped.pingsSent() > 0);
            assertTrue(dropped.closeCause().startsWith("no pong"), dropped.closeCause());
            // The answering client is older than the timeout by now and must still be connected.
            assertTrue(exchange.connections().get(0).open());
        }
    }

    @Test
    void clientPingsAreAnsweredUnlessTheServerPlaysHalfOpen() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(exchange.baseUrl() + "/ws/" + BTC, recorder);

            socket.sendPing(ByteBuffer.wrap("one".getBytes(StandardCharsets.US_ASCII))).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("pong:one", recorder.nextMessage());

            exchange.setAnswerPings(false);
            socket.sendPing(ByteBuffer.wrap("two".getBytes(StandardCharsets.US_ASCII))).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            send(socket, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":1}");
            // Frames are answered in order, so a pong would have come before this reply.
            assertEquals("{\"result\":[\"btcusdt@forceOrder\"],\"id\":1}", recorder.nextMessage());
            assertTrue(exchange.connections().get(0).open());
        }
    }

    @Test
    void stalledExchangeKeepsPingingButDropsData() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.builder().pingInterval(Duration.ofMillis(50)).start()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/stream?streams=" + BTC, recorder);

            exchange.setPushData(false);
            assertEquals(0, exchange.emit(BTC, events.next("BTCUSDT").toJson()));
            int pongsBefore = exchange.connections().get(0).pongsReceived();
            assertTrue(exchange.await(() -> exchange.connections().get(0).pongsReceived() >= pongsBefore + 2, WAIT));

            exchange.setPushData(true);
            SentForceOrder after = events.next("BTCUSDT");
            assertEquals(1, exchange.emit(BTC, after.toJson()));
            // The stalled event was dropped, not buffered.
            assertEquals(combined(BTC, after), recorder.nextMessage());
            assertEquals(1, exchange.connections().get(0).framesSent());
        }
    }

    @Test
    void tlsWithHostnameVerificationSucceedsWithTheTrustStore() throws Exception {
        Path trustStore;
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startTls()) {
            assertEquals("wss://localhost:" + exchange.port() + "/market", exchange.baseUrl());
            trustStore = exchange.trustStorePath();

            X509Certificate certificate = exchange.certificate();
            List<List<?>> names = new ArrayList<>(certificate.getSubjectAlternativeNames());
            assertTrue(names.contains(List.of(2, "localhost")), names.toString());
            assertTrue(names.contains(List.of(7, "127.0.0.1")), names.toString());

            // Built from the file and password alone, as a connector configured by path would.
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(trustStore)) {
                store.load(in, exchange.trustStorePassword().toCharArray());
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            // The JDK client verifies host names ("HTTPS" endpoint identification) unless told not to.
            HttpClient tlsClient = HttpClient.newBuilder().sslContext(context).build();

            Recorder recorder = new Recorder();
            tlsClient.newWebSocketBuilder()
                    .buildAsync(URI.create(exchange.baseUrl() + "/stream?streams=" + BTC), recorder)
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(exchange.connections().get(0).tls());
            SentForceOrder btc = events.next("BTCUSDT");
            assertEquals(1, exchange.emit(BTC, btc.toJson()));
            assertEquals(combined(BTC, btc), recorder.nextMessage());

            // The IP SAN makes the address form verify too.
            tlsClient.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://127.0.0.1:" + exchange.port() + "/market/ws/" + BTC), new Recorder())
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            // Without the trust store the handshake must fail: the TLS is real.
            ExecutionException untrusted = assertThrows(ExecutionException.class, () -> connect(exchange.baseUrl() + "/ws/" + BTC, new Recorder()));
            assertTrue(hasCause(untrusted, SSLHandshakeException.class), untrusted.toString());
            assertEquals(2, exchange.connectionsAccepted());
        }
        assertFalse(Files.exists(trustStore), "close() deletes the trust store");
    }

    @Test
    void droppedConnectionEndsTheClientWithoutCloseFrame() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/ws/" + BTC, recorder);

            assertEquals(1, exchange.dropAllConnections());
            recorder.awaitTermination();
            // 1006 is the code a client reports for a close without close frame; it never travels on the wire.
            assertEquals(1006, recorder.closed.getNow(null));
            ConnectionInfo info = exchange.connections().get(0);
            assertFalse(info.open());
            assertEquals("dropped by test", info.closeCause());
            assertEquals(0, exchange.openConnectionCount());
            assertEquals(0, exchange.emit(BTC, events.next("BTCUSDT").toJson()));
        }
    }

    @Test
    void resetConnectionEndsTheClientWithAnError() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/ws/" + BTC, recorder);

            assertEquals(1, exchange.resetAllConnections());
            recorder.awaitTermination();
            assertTrue(recorder.error.isDone());
            assertEquals("reset by test", exchange.connections().get(0).closeCause());
        }
    }

    @Test
    void closeAllConnectionsSendsTheGivenCloseFrame() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/ws/" + BTC, recorder);

            assertEquals(1, exchange.closeAllConnections(1008, "policy violation"));
            assertEquals(1008, recorder.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals("policy violation", recorder.closeReason);
            assertFalse(exchange.connections().get(0).open());
        }
    }

    @Test
    void connectionLifetimeEndsTheConnectionWithGoingAway() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.builder().connectionLifetime(Duration.ofMillis(200)).start()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/ws/" + BTC, recorder);
            assertEquals(1001, recorder.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(exchange.await(() -> exchange.openConnectionCount() == 0, WAIT));
            assertTrue(exchange.connections().get(0).closeCause().startsWith("lifetime"));
        }
    }

    @Test
    void floodingClientIsDisconnected() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            WebSocket socket = connect(exchange.baseUrl() + "/ws", recorder);
            try {
                for (int i = 1; i <= 20; i++) {
                    send(socket, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":" + i + "}");
                }
            } catch (ExecutionException closedUnderUs) {
                // The server may already have hung up; what matters is how it did.
            }
            assertEquals(1008, recorder.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(FakeBinanceExchange.DEFAULT_MAX_INCOMING_MESSAGES_PER_SECOND,
                    exchange.connections().get(0).messagesReceived().size());
        }
    }

    @Test
    void refusedHandshakesCarryStatusAndRetryAfter() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            exchange.refuseNextHandshakes(1, 429, 7);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> connect(exchange.baseUrl() + "/ws/" + BTC, new Recorder()));
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            assertEquals(429, handshake.getResponse().statusCode());
            assertEquals("7", handshake.getResponse().headers().firstValue("Retry-After").orElse(null));

            // Only the ordered number of handshakes is refused.
            connect(exchange.baseUrl() + "/ws/" + BTC, new Recorder());

            exchange.refuseNextHandshakes(1, 418, null);
            RawResponse banned = rawUpgrade(exchange.port(), "/market/ws/" + BTC);
            assertEquals(418, banned.status);
            assertNull(banned.header("retry-after"));
            assertTrue(banned.body.contains("\"code\":-1003"), banned.body);

            assertEquals(2, exchange.handshakesRefused());
            assertEquals(List.of(429, 418), exchange.refusedHandshakes().stream().map(FakeBinanceExchange.RefusedHandshake::httpStatus).toList());
            assertEquals(1, exchange.connectionsAccepted());
        }
    }

    @Test
    void emitRawAndOversizedFramesReachSubscribersVerbatim() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            Recorder recorder = new Recorder();
            connect(exchange.baseUrl() + "/stream?streams=" + BTC, recorder);

            assertEquals(1, exchange.emitRaw(BTC, "{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":"));
            assertEquals("{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":", recorder.nextMessage());

            int size = 256 * 1024;
            assertEquals(1, exchange.emitOversized(BTC, size));
            String big = recorder.nextMessage();
            assertEquals(size, big.getBytes(StandardCharsets.UTF_8).length);
            assertTrue(big.startsWith("{\"stream\":\"btcusdt@forceOrder\",\"data\":{\"e\":\"forceOrder\""), big.substring(0, 80));
            assertTrue(big.endsWith("xx\"}}"));
            assertThrows(IllegalArgumentException.class, () -> exchange.emitOversized(BTC, 10));
        }
    }

    @Test
    void closeStopsTheServer() throws Exception {
        FakeBinanceExchange exchange = FakeBinanceExchange.startPlain();
        Recorder recorder = new Recorder();
        connect(exchange.baseUrl() + "/ws/" + BTC, recorder);
        exchange.close();
        recorder.awaitTermination();
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", exchange.port()).close());
        exchange.close(); // idempotent
    }

    // ---------------------------------------------------------------------------------------------

    private static String combined(String stream, SentForceOrder order) {
        return "{\"stream\":\"" + stream + "\",\"data\":" + order.toJson() + "}";
    }

    private static WebSocket connect(String url, Recorder recorder) throws Exception {
        return PLAIN_CLIENT.newWebSocketBuilder()
                .buildAsync(URI.create(url), recorder)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void send(WebSocket socket, String text) throws Exception {
        socket.sendText(text, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static boolean hasCause(Throwable thrown, Class<? extends Throwable> type) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static long liveFakeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(FakeBinanceExchange.THREAD_NAME_PREFIX))
                .count();
    }

    /**
     * Records what a JDK WebSocket client receives. Text messages and pongs go into one queue
     * in arrival order, so tests can prove that nothing arrived between two frames.
     */
    private static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final AtomicInteger pings = new AtomicInteger();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        volatile String closeReason;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            received.add("pong:" + StandardCharsets.US_ASCII.decode(message));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable thrown) {
            error.complete(thrown);
        }

        String nextMessage() throws InterruptedException {
            String message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                fail("no message within " + WAIT);
            }
            return message;
        }

        void awaitTermination() throws Exception {
            CompletableFuture.anyOf(closed, error).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** An HTTP response read off a bare socket: status, headers (lower-cased names) and body. */
    private static final class RawResponse {
        int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        String body;

        String header(String name) {
            return headers.get(name);
        }
    }

    private static void writeUpgradeRequest(Socket socket, int port, String uri) throws IOException {
        String request = "GET " + uri + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends an upgrade request whose answer is an HTTP error, and reads that answer to the end. */
    private static RawResponse rawUpgrade(int port, String uri) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            writeUpgradeRequest(socket, port, uri);
            // Refusals carry "Connection: close", so the whole response ends at EOF.
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = text.indexOf("\r\n\r\n");
            assertTrue(headerEnd > 0, "no HTTP header in: " + text);
            String[] lines = text.substring(0, headerEnd).split("\r\n");
            RawResponse response = new RawResponse();
            response.status = Integer.parseInt(lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                response.headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            response.body = text.substring(headerEnd + 4);
            return response;
        }
    }
}
