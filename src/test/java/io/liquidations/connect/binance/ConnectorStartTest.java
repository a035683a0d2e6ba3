package io.liquidations.connect.binance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.exchange.FakeBinanceExchange;
import io.liquidations.connect.binance.exchange.FakeContract;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@code start()} refuses, for a config that reached it without {@code validate()} (a PUT skips nothing). */
class ConnectorStartTest {
    private FakeBinanceExchange exchange;
    private final BinanceLiquidationSourceConnector connector = new BinanceLiquidationSourceConnector();

    @BeforeEach
    void startExchange() {
        exchange = FakeBinanceExchange.startPlain();
        exchange.setContracts(List.of(FakeContract.usdsPerpetual("BTCUSDT"), FakeContract.usdsPerpetual("ETHUSDT")));
    }

    @AfterEach
    void stopAll() {
        connector.stop();
        exchange.close();
    }

    private Map<String, String> config(Map<String, String> settings) {
        Map<String, String> props = new HashMap<>(Map.of("binance.ws.url", exchange.baseUrl(),
                "binance.rest.url", exchange.restBaseUrl()));
        props.putAll(settings);
        return props;
    }

    @Test
    void anUnknownSymbolIsRefusedNamingItAndItsNearestListedName() {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> connector.start(config(Map.of("symbols", "BTCUSTD,ETHUSDT"))));
        assertTrue(refused.getMessage().contains("BTCUSTD is not a USDⓈ-M contract; did you mean BTCUSDT?"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("symbols.validation=none"), "says how to skip the check");
    }

    @Test
    void aFirstDiscoveryThatCannotReadTheListFailsSayingWhatToCheck() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ConnectException refused = assertThrows(ConnectException.class, () -> connector.start(config(Map.of(
                "symbols", "", "symbols.discovery", "exchangeInfo",
                "binance.rest.url", "http://127.0.0.1:" + closed))));
        assertTrue(refused.getMessage().contains("could not read the symbol list"), refused.getMessage());
        assertTrue(refused.getMessage().contains("binance.rest.url"), refused.getMessage());
    }

    @Test
    void anExchangeOutOfReachDoesNotStopAnExplicitList() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        connector.start(config(Map.of("symbols", "BTCUSDT", "binance.rest.url", "http://127.0.0.1:" + closed)));
        assertTrue(connector.taskConfigs(1).get(0).toString().contains("BTCUSDT"));
    }
}
