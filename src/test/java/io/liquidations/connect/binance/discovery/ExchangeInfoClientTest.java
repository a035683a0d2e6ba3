package io.liquidations.connect.binance.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.config.BinanceMarket;
import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.FakeContract;
import io.liquidations.connect.binance.proxy.HttpConnectProxy;
import io.liquidations.connect.binance.proxy.ProxySettings;
import io.liquidations.connect.binance.proxy.ProxyType;
import io.liquidations.connect.binance.proxy.Socks5Proxy;
import io.liquidations.connect.binance.rest.RestClient;
import io.liquidations.connect.binance.rest.RestClientSettings;
import io.liquidations.connect.binance.stream.TlsContexts;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

/** exchangeInfo over real sockets from the fake exchange: plain, TLS, gzip, through proxies, refused, too large. */
class ExchangeInfoClientTest {

    private static ExchangeInfoClient client(FakeBinanceExchange exchange, BinanceMarket market, ProxySettings proxy,
            int maxBytes, long timeoutMs) {
        var tls = exchange.isTls() ? TlsContexts.client(exchange.trustStorePath().toString(),
                exchange.trustStorePassword().toCharArray(), "PKCS12") : null;
        return new ExchangeInfoClient(new RestClient(new RestClientSettings(tls, proxy, timeoutMs, maxBytes,
                "test-rest")), market, exchange.restBaseUrl());
    }

    private static ExchangeInfoClient client(FakeBinanceExchange exchange, BinanceMarket market) {
        return client(exchange, market, ProxySettings.NONE, 1 << 20, 5_000);
    }

    @Test
    void readsBothMarketsWithTheirOwnStatusFieldAndContractSizes() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            exchange.setContracts(List.of(FakeContract.usdsPerpetual("BTCUSDT"),
                    FakeContract.usdsPerpetual("ETHUSDC").withStatus("SETTLING"),
                    FakeContract.usdsPerpetual("BTCUSDT_260925").withContractType("CURRENT_QUARTER"),
                    FakeContract.coinPerpetual("BTCUSD_PERP", 100), FakeContract.coinPerpetual("ETHUSD_PERP", 10)));
            try (ExchangeInfoClient usds = client(exchange, BinanceMarket.USDS_M);
                    ExchangeInfoClient coin = client(exchange, BinanceMarket.COIN_M)) {
                List<ContractInfo> usdsContracts = usds.fetch();
                assertEquals(List.of("BTCUSDT", "ETHUSDC", "BTCUSDT_260925"),
                        usdsContracts.stream().map(ContractInfo::symbol).toList());
                assertEquals("SETTLING", usdsContracts.get(1).status());
                assertEquals("USDC", usdsContracts.get(1).quoteAsset());
                assertNull(usdsContracts.get(0).contractSize());
                List<ContractInfo> coinContracts = coin.fetch();
                assertEquals(new ContractInfo("BTCUSD_PERP", "BTCUSD", "PERPETUAL", "TRADING", "BTC", "USD", "BTC",
                        new BigDecimal("100")), coinContracts.get(0));
                assertEquals(0, new BigDecimal(10).compareTo(coinContracts.get(1).contractSize()));
            }
            assertTrue(exchange.restRequests().stream().allMatch(r -> r.status() == 200));
            assertEquals(List.of("/fapi/v1/exchangeInfo", "/dapi/v1/exchangeInfo"),
                    exchange.restRequests().stream().map(FakeBinanceExchange.RestRequest::uri).toList());
        }
    }

    @Test
    void httpsVerifiesTheExchangeAndWorksThroughHttpAndSocksProxies() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startTls();
                HttpConnectProxy http = HttpConnectProxy.withCredentials("u", "p");
                Socks5Proxy socks = Socks5Proxy.open()) {
            exchange.setContracts(List.of(FakeContract.usdsPerpetual("BTCUSDT")));
            ProxySettings viaHttp = new ProxySettings(ProxyType.HTTP, "127.0.0.1", http.port(), "u", new Password("p"));
            ProxySettings viaSocks = new ProxySettings(ProxyType.SOCKS5, "127.0.0.1", socks.port(), "", null);
            for (ProxySettings proxy : List.of(ProxySettings.NONE, viaHttp, viaSocks)) {
                try (ExchangeInfoClient client = client(exchange, BinanceMarket.USDS_M, proxy, 1 << 20, 5_000)) {
                    assertEquals("BTCUSDT", client.fetch().get(0).symbol(), proxy.toString());
                }
            }
            assertEquals(1, http.tunnelsOpened());
            assertEquals(1, socks.tunnelsOpened());
            List<FakeBinanceExchange.RestRequest> requests = exchange.restRequests();
            assertTrue(http.outboundAddresses().contains(requests.get(1).remoteAddress()), "via the HTTP proxy");
            assertTrue(socks.outboundAddresses().contains(requests.get(2).remoteAddress()), "via the SOCKS proxy");
            assertEquals("localhost", socks.destinations().get(0).host(), "the proxy resolves the exchange's name");
        }
    }

    @Test
    void rateLimitsCarryBinancesRetryAfter() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain();
                ExchangeInfoClient client = client(exchange, BinanceMarket.USDS_M)) {
            exchange.refuseNextRestRequests(1, 429, 7);
            ExchangeInfoException limited = assertThrows(ExchangeInfoException.class, client::fetch);
            assertEquals(7_000L, limited.retryAfterMs());
            assertTrue(limited.getMessage().contains("HTTP 429 (rate limited); Binance asks to wait 7 s"),
                    limited.getMessage());
            exchange.refuseNextRestRequests(1, 418, 120);
            ExchangeInfoException banned = assertThrows(ExchangeInfoException.class, client::fetch);
            assertEquals(120_000L, banned.retryAfterMs());
            assertTrue(banned.getMessage().contains("banned"), banned.getMessage());
            exchange.refuseNextRestRequests(1, 503, null);
            assertNull(assertThrows(ExchangeInfoException.class, client::fetch).retryAfterMs());
            assertEquals(List.of(), client.fetch(), "answers again once the refusals are used up");
        }
    }

    @Test
    void anAnswerLargerThanTheBoundFailsInsteadOfFillingMemory() throws Exception {
        try (FakeBinanceExchange exchange = FakeBinanceExchange.startPlain()) {
            exchange.setContracts(java.util.stream.IntStream.range(0, 50)
                    .mapToObj(i -> FakeContract.usdsPerpetual("SYM" + i + "USDT")).toList());
            try (ExchangeInfoClient small = client(exchange, BinanceMarket.USDS_M, ProxySettings.NONE, 4_096, 5_000)) {
                ExchangeInfoException tooLarge = assertThrows(ExchangeInfoException.class, small::fetch);
                assertTrue(tooLarge.getMessage().contains("larger than 4096 bytes"), tooLarge.getMessage());
            }
            try (ExchangeInfoClient enough = client(exchange, BinanceMarket.USDS_M)) {
                assertEquals(50, enough.fetch().size(), "gzip on the wire, the bound applies to the decoded answer");
            }
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0);
                ExchangeInfoClient client = new ExchangeInfoClient(new RestClient(new RestClientSettings(null,
                        ProxySettings.NONE, 300, 1 << 20, "test-rest")), BinanceMarket.USDS_M,
                        "http://127.0.0.1:" + silent.getLocalPort())) {
            Thread acceptor = new Thread(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(2_000);
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            acceptor.start();
            long started = System.nanoTime();
            ExchangeInfoException timeout = assertThrows(ExchangeInfoException.class, client::fetch);
            assertTrue(timeout.getMessage().contains("within 300 ms"), timeout.getMessage());
            assertTrue(System.nanoTime() - started < 2_000_000_000L, "bounded by the timeout, not the server");
            acceptor.interrupt();
        }
    }

    @Test
    void somethingElseThanExchangeInfoIsNamed() throws Exception {
        IOException notJson = assertThrows(IOException.class, () -> ExchangeInfoParser.parse("[1,2]"));
        assertFalse(notJson.getMessage().isEmpty());
        assertTrue(assertThrows(IOException.class, () -> ExchangeInfoParser.parse("{\"serverTime\":1}"))
                .getMessage().contains("no 'symbols'"));
        List<ContractInfo> parsed = ExchangeInfoParser.parse("{\"symbols\":[{\"symbol\":\"X_PERP\",\"extra\":"
                + "{\"a\":[1,{\"b\":2}]},\"contractSize\":\"10\",\"contractStatus\":\"TRADING\",\"status\":\"x\"}]}");
        assertEquals(new BigDecimal("10"), parsed.get(0).contractSize(), "a string size is read too");
        assertEquals("TRADING", parsed.get(0).status(), "COIN-M's contractStatus wins over status");
    }
}
