package io.liquidations.connect.binance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liquidations.connect.binance.BinanceLiquidationSourceConnector;
import io.liquidations.connect.binance.proxy.ProxySettings;
import io.liquidations.connect.binance.proxy.ProxyType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {
    private static final String SECRET = "hunter2-proxy";

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put(LiquidationSourceConfig.SYMBOLS, "BTCUSDT");
        props.put("symbols.validation", "none");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        return new BinanceLiquidationSourceConnector().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void aCompleteProxyIsValidAndParsed() {
        Map<String, String> props = props("proxy.type", "SOCKS5", "proxy.host", " proxy.internal ", "proxy.port",
                "1080", "proxy.username", "me", "proxy.password", SECRET);
        assertEquals(Map.of(), errors(props));
        ProxySettings proxy = new LiquidationSourceConfig(props).proxy();
        assertEquals(ProxyType.SOCKS5, proxy.type());
        assertEquals("proxy.internal", proxy.host());
        assertEquals(1080, proxy.port());
        assertTrue(proxy.authenticates());
        assertFalse(proxy.toString().contains(SECRET), proxy.toString());
        assertEquals(ProxySettings.NONE.type(), new LiquidationSourceConfig(props()).proxy().type());
    }

    @Test
    void aProxyNeedsHostAndPort() {
        Map<String, List<String>> errors = errors(props("proxy.type", "http"));
        assertTrue(errors.get("proxy.host").get(0).contains("proxy.host is empty"), errors.toString());
        assertTrue(errors.get("proxy.port").get(0).contains("e.g. 3128 for HTTP"), errors.toString());
        assertTrue(errors(props("proxy.type", "http", "proxy.host", "p", "proxy.port", "70000"))
                .get("proxy.port").get(0).contains("65535"));
    }

    @Test
    void credentialsComeInPairsAndTheSecretIsNeverInAMessage() {
        Map<String, List<String>> noPassword = errors(props("proxy.type", "http", "proxy.host", "p",
                "proxy.port", "3128", "proxy.username", "me"));
        assertTrue(noPassword.get("proxy.password").get(0).contains("proxy.password is empty"), noPassword.toString());

        Map<String, String> noUser = props("proxy.type", "http", "proxy.host", "p", "proxy.port", "3128",
                "proxy.password", SECRET);
        Map<String, List<String>> errors = errors(noUser);
        assertTrue(errors.get("proxy.username").get(0).contains("proxy.username is empty"), errors.toString());
        assertFalse(errors.toString().contains(SECRET));
        ConfigException atStart = assertThrows(ConfigException.class,
                () -> new BinanceLiquidationSourceConnector().start(noUser));
        assertFalse(atStart.getMessage().contains(SECRET), atStart.getMessage());
    }

    @Test
    void proxySettingsWithoutATypeAreAMistakeNotSilence() {
        Map<String, List<String>> errors = errors(props("proxy.host", "proxy.internal", "proxy.port", "3128"));
        assertTrue(errors.get("proxy.type").get(0).contains("set proxy.type=http or proxy.type=socks5"),
                errors.toString());
        assertTrue(errors(props("proxy.type", "ftp")).get("proxy.type").get(0).contains("[none, http, socks5]"));
    }
}
