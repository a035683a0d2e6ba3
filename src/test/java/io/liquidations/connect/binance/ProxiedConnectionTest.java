package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.ForceOrderEvents;
import io.liquidations.connect.binance.exchange.ForceOrderEvents.SentForceOrder;
import io.liquidations.connect.binance.proxy.HttpConnectProxy;
import io.liquidations.connect.binance.proxy.LoopbackProxy;
import io.liquidations.connect.binance.proxy.ProxyRefusedException;
import io.liquidations.connect.binance.proxy.Socks5Proxy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A task behind an HTTP CONNECT or SOCKS5 proxy on loopback, over ws and wss: it demonstrably goes through the
 * proxy (the proxy counts the tunnel, the exchange's peer is the proxy's socket, the exchange's name reaches the
 * proxy unresolved), TLS is verified end to end, and a proxy that refuses is named in the diagnosis.
 */
class ProxiedConnectionTest {
    private static final Duration WAIT = TaskHarness.WAIT;
    private static final String USER = "liquidations";
    private static final String SECRET = "s3cr3t-proxy-pa55";

    private final TaskHarness harness = new TaskHarness();
    private final ForceOrderEvents events = new ForceOrderEvents(17);

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @ParameterizedTest(name = "{0} proxy, tls={1}, credentials={2}")
    @CsvSource({"http,false,false", "http,false,true", "http,true,false", "http,true,true",
            "socks5,false,false", "socks5,false,true", "socks5,true,false", "socks5,true,true"})
    void deliversThroughTheProxy(String type, boolean tls, boolean credentials) throws Exception {
        LoopbackProxy proxy = harness.track(proxy(type, credentials));
        FakeBinanceExchange exchange = harness.track(tls ? FakeBinanceExchange.startTls()
                : FakeBinanceExchange.startPlain());
        Map<String, String> props = proxyProps(type, proxy.port(), credentials ? USER : null,
                credentials ? SECRET : null);
        props.put("symbols", "BTCUSDT");
        if (tls) {
            props.put("binance.ws.truststore.path", exchange.trustStorePath().toString());
            props.put("binance.ws.truststore.password", exchange.trustStorePassword());
        }
        BinanceLiquidationSourceTask task = harness.start(exchange, props);
        assertTrue(exchange.awaitOpenConnections(1, WAIT), "connected through the proxy");

        SentForceOrder sent = events.next("BTCUSDT");
        exchange.emit(sent.stream(), sent.toJson());
        List<SourceRecord> records = TaskHarness.pollUntil(task, 1);
        assertEquals(sent.tradeTime(), records.get(0).timestamp());

        assertEquals(1, proxy.tunnelsOpened(), "one tunnel for the one connection");
        assertEquals(0, proxy.refusals());
        FakeBinanceExchange.ConnectionInfo seen = exchange.connections().get(0);
        assertEquals(tls, seen.tls());
        assertTrue(proxy.outboundAddresses().contains(seen.remoteAddress()),
                "the exchange's peer " + seen.remoteAddress() + " is the proxy's socket " + proxy.outboundAddresses());
        LoopbackProxy.Destination destination = proxy.destinations().get(0);
        assertEquals(exchange.port(), destination.port());
        if (tls) {
            assertEquals("localhost", destination.host(), "the host name is verified by TLS, so it is sent as a name");
            assertFalse(destination.resolvedByClient(), "the client left DNS to the proxy");
        }
    }

    @ParameterizedTest(name = "{0} proxy with a wrong password")
    @CsvSource({"http", "socks5"})
    void refusedCredentialsFailTheTaskNamingTheProxyAndNeverThePassword(String type) throws Exception {
        LoopbackProxy proxy = harness.track(proxy(type, true));
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = proxyProps(type, proxy.port(), USER, "wrong-" + SECRET);
        props.put("symbols", "BTCUSDT");
        props.put("reconnect.backoff.initial.ms", "50");
        BinanceLiquidationSourceTask task = harness.start(exchange, props);

        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class);
        assertNotNull(failure, "a refused login cannot be fixed by retrying: the task fails");
        assertFalse(failure instanceof RetriableException, "fatal, not retriable: " + failure);
        assertTrue(TaskHarness.causedBy(failure, ProxyRefusedException.class), "cause: " + failure);
        String message = failure.getMessage();
        assertTrue(message.contains("127.0.0.1:" + proxy.port() + " (proxy.host:proxy.port)"), message);
        assertTrue(message.contains("proxy.username '" + USER + "'") && message.contains("proxy.password"), message);
        assertNoSecretIn(failure);
        assertEquals(1, proxy.refusals());
        assertEquals(0, exchange.connectionsAccepted(), "the exchange was never reached");
    }

    @Test
    void aSocksProxyThatWantsCredentialsSaysSo() throws Exception {
        LoopbackProxy proxy = harness.track(Socks5Proxy.withCredentials(USER, SECRET));
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = proxyProps("socks5", proxy.port(), null, null);
        props.put("symbols", "BTCUSDT");
        BinanceLiquidationSourceTask task = harness.start(exchange, props);

        ConnectException failure = TaskHarness.pollUntilThrown(task, ConnectException.class);
        assertNotNull(failure);
        assertTrue(failure.getMessage().contains("requires authentication; set proxy.username and proxy.password"),
                failure.getMessage());
    }

    @Test
    void anUnreachableProxyIsNamedAndRetried() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        FakeBinanceExchange exchange = harness.track(FakeBinanceExchange.startPlain());
        Map<String, String> props = proxyProps("http", closedPort, null, null);
        props.put("symbols", "BTCUSDT");
        props.put("reconnect.backoff.initial.ms", "50");
        BinanceLiquidationSourceTask task = harness.start(exchange, props);

        RetriableException failure = TaskHarness.pollUntilThrown(task, RetriableException.class);
        assertNotNull(failure, "a proxy that is down may come back: retriable");
        String reason = String.valueOf(failure.getCause());
        assertTrue(reason.contains("Cannot reach the http proxy 127.0.0.1:" + closedPort
                + " (proxy.host:proxy.port)"), reason);
        assertFalse(reason.contains(exchange.baseUrl()), "the exchange is not blamed: " + reason);
    }

    private static LoopbackProxy proxy(String type, boolean credentials) {
        return switch (type) {
            case "http" -> credentials ? HttpConnectProxy.withCredentials(USER, SECRET) : HttpConnectProxy.open();
            case "socks5" -> credentials ? Socks5Proxy.withCredentials(USER, SECRET) : Socks5Proxy.open();
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static Map<String, String> proxyProps(String type, int port, String user, String password) {
        Map<String, String> props = new HashMap<>();
        props.put("proxy.type", type);
        props.put("proxy.host", "127.0.0.1");
        props.put("proxy.port", String.valueOf(port));
        if (user != null) {
            props.put("proxy.username", user);
            props.put("proxy.password", password);
        }
        return props;
    }

    private static void assertNoSecretIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(SECRET), "the password leaked into " + t);
        }
    }
}
