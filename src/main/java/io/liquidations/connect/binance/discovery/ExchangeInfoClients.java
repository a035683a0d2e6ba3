package io.liquidations.connect.binance.discovery;

import io.liquidations.connect.binance.config.LiquidationSourceConfig;
import io.liquidations.connect.binance.rest.RestClient;
import io.liquidations.connect.binance.rest.RestClientSettings;
import io.liquidations.connect.binance.stream.TlsContexts;
import io.netty.handler.ssl.SslContext;
import org.apache.kafka.common.config.types.Password;

/** Builds the exchangeInfo client a connector config asks for: its REST URL, TLS trust and proxy. */
public final class ExchangeInfoClients {
    /** exchangeInfo of USDⓈ-M is around 1 MB uncompressed; this leaves room while bounding memory. */
    static final int MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

    private ExchangeInfoClients() {
    }

    /** @return null when the config has no REST URL (a WebSocket URL on a host whose REST URL is unknown) */
    public static ExchangeInfoClient forConfig(LiquidationSourceConfig config) {
        String restUrl = config.restUrl();
        if (restUrl == null) {
            return null;
        }
        SslContext tls = null;
        if (restUrl.regionMatches(true, 0, "https:", 0, 6)) {
            Password password = config.trustStorePassword();
            tls = TlsContexts.client(config.trustStorePath(), password == null ? null : password.value().toCharArray(),
                    config.trustStoreType());
        }
        RestClient rest = new RestClient(new RestClientSettings(tls, config.proxy(), config.restTimeoutMs(),
                MAX_RESPONSE_BYTES, "binance-liquidations-rest"));
        return new ExchangeInfoClient(rest, config.binanceMarket(), restUrl);
    }
}
