package io.liquidations.connect.binance.config;

import java.util.Locale;

/**
 * The two Binance futures markets, with the hosts each is served from. Every URL here is only a default: the
 * WebSocket and REST URLs can be set explicitly, and testnet hosts in particular differ between sources.
 */
public enum BinanceMarket {
    USDS_M("usds-m", "USDⓈ-M", 1, "wss://fstream.binance.com/market", "https://fapi.binance.com",
            "wss://fstream.binancefuture.com", "https://testnet.binancefuture.com", "/fapi/v1/exchangeInfo",
            "btcusdt@markPrice@1s"),
    COIN_M("coin-m", "COIN-M", 2, "wss://dstream.binance.com", "https://dapi.binance.com",
            "wss://dstream.binancefuture.com", "https://testnet.binancefuture.com", "/dapi/v1/exchangeInfo",
            "btcusd_perp@markPrice@1s");

    private final String configValue;
    private final String displayName;
    private final int marketType;
    private final String webSocketUrl;
    private final String restUrl;
    private final String testnetWebSocketUrl;
    private final String testnetRestUrl;
    private final String exchangeInfoPath;
    private final String canaryStream;

    BinanceMarket(String configValue, String displayName, int marketType, String webSocketUrl, String restUrl,
            String testnetWebSocketUrl, String testnetRestUrl, String exchangeInfoPath, String canaryStream) {
        this.configValue = configValue;
        this.displayName = displayName;
        this.marketType = marketType;
        this.webSocketUrl = webSocketUrl;
        this.restUrl = restUrl;
        this.testnetWebSocketUrl = testnetWebSocketUrl;
        this.testnetRestUrl = testnetRestUrl;
        this.exchangeInfoPath = exchangeInfoPath;
        this.canaryStream = canaryStream;
    }

    public static BinanceMarket fromConfig(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        for (BinanceMarket market : values()) {
            if (market.configValue.equals(text)) {
                return market;
            }
        }
        throw new IllegalArgumentException("unknown market " + value);
    }

    /** The {@code st} value Binance puts on the all-market stream for this market's events. */
    public static BinanceMarket fromMarketType(int st) {
        for (BinanceMarket market : values()) {
            if (market.marketType == st) {
                return market;
            }
        }
        return null;
    }

    public String configValue() {
        return configValue;
    }

    /** As Binance writes it: USDⓈ-M, COIN-M. */
    public String displayName() {
        return displayName;
    }

    public int marketType() {
        return marketType;
    }

    public String defaultWebSocketUrl(boolean testnet) {
        return testnet ? testnetWebSocketUrl : webSocketUrl;
    }

    public String defaultRestUrl(boolean testnet) {
        return testnet ? testnetRestUrl : restUrl;
    }

    public String exchangeInfoPath() {
        return exchangeInfoPath;
    }

    public String canaryStream() {
        return canaryStream;
    }

    /**
     * The REST base URL that belongs to a WebSocket URL of one of the known hosts (production or testnet), or null
     * for any other host: a relay, a simulator or a mirror has no REST counterpart we could guess.
     */
    public static String restUrlForKnownWebSocketHost(String webSocketUrl) {
        String host;
        try {
            host = java.net.URI.create(webSocketUrl.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (host == null) {
            return null;
        }
        for (BinanceMarket market : values()) {
            if (host.equalsIgnoreCase(java.net.URI.create(market.webSocketUrl).getHost())) {
                return market.restUrl;
            }
            if (host.equalsIgnoreCase(java.net.URI.create(market.testnetWebSocketUrl).getHost())
                    || host.equalsIgnoreCase("stream.binancefuture.com")) {
                return market.testnetRestUrl;
            }
        }
        return null;
    }
}
