package io.liquidations.connect.binance.discovery;

import io.liquidations.connect.binance.config.BinanceMarket;
import io.liquidations.connect.binance.rest.RestClient;
import io.liquidations.connect.binance.rest.RestResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/** Fetches one market's exchangeInfo ({@code /fapi/v1/exchangeInfo} or {@code /dapi/v1/exchangeInfo}). */
public final class ExchangeInfoClient implements AutoCloseable {
    private static final int BODY_SAMPLE_CHARS = 200;

    private final RestClient rest;
    private final BinanceMarket market;
    private final URI uri;

    /** @param restBaseUrl e.g. {@code https://fapi.binance.com}; the market's path is appended */
    public ExchangeInfoClient(RestClient rest, BinanceMarket market, String restBaseUrl) {
        this.rest = rest;
        this.market = market;
        String base = restBaseUrl.endsWith("/") ? restBaseUrl.substring(0, restBaseUrl.length() - 1) : restBaseUrl;
        this.uri = URI.create(base + market.exchangeInfoPath());
    }

    public BinanceMarket market() {
        return market;
    }

    public URI uri() {
        return uri;
    }

    /** @throws ExchangeInfoException with the status, Binance's message and any Retry-After */
    public List<ContractInfo> fetch() throws ExchangeInfoException {
        RestResponse response;
        try {
            response = rest.get(uri);
        } catch (IOException e) {
            throw new ExchangeInfoException("Cannot fetch " + uri + ": " + e.getMessage(), null, e);
        }
        if (response.status() == 429 || response.status() == 418) {
            Long wait = response.retryAfterMs();
            throw new ExchangeInfoException(uri + " answered HTTP " + response.status()
                    + (response.status() == 418 ? " (this IP is banned for a while)" : " (rate limited)")
                    + (wait == null ? "" : "; Binance asks to wait " + wait / 1000 + " s") + ": " + sample(response),
                    wait, null);
        }
        if (response.status() != 200) {
            throw new ExchangeInfoException(uri + " answered HTTP " + response.status() + ": " + sample(response)
                    + (response.status() == 403 || response.status() == 451
                            ? " (Binance refuses requests from restricted regions)" : ""), null, null);
        }
        try {
            return ExchangeInfoParser.parse(response.body());
        } catch (IOException e) {
            throw new ExchangeInfoException(uri + " answered something that is not exchangeInfo: " + e.getMessage()
                    + "; check binance.rest.url", null, e);
        }
    }

    private static String sample(RestResponse response) {
        String body = response.body().strip();
        return body.length() <= BODY_SAMPLE_CHARS ? body : body.substring(0, BODY_SAMPLE_CHARS) + "…";
    }

    @Override
    public void close() {
        rest.close();
    }
}
