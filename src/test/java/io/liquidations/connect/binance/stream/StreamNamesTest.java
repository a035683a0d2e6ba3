package io.liquidations.connect.binance.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamNamesTest {

    @Test
    void forceOrderStreamLowerCasesTheSymbol() {
        assertEquals("btcusdt@forceOrder", StreamNames.forceOrderStream("BTCUSDT"));
        assertEquals("btcusdt@forceOrder", StreamNames.forceOrderStream("btcusdt"));
        assertEquals("btcusd_perp@forceOrder", StreamNames.forceOrderStream("BtcUsd_PERP"));
        assertEquals("1000pepeusdt@forceOrder", StreamNames.forceOrderStream("1000PEPEUSDT"));
    }

    @Test
    void lowerCasingIgnoresTheDefaultLocale() {
        java.util.Locale previous = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            // In Turkish, "I".toLowerCase() is a dotless i, which Binance would not know.
            assertEquals("ilvusdt@forceOrder", StreamNames.forceOrderStream("ILVUSDT"));
        } finally {
            java.util.Locale.setDefault(previous);
        }
    }

    @Test
    void allMarketStreamName() {
        assertEquals("!forceOrder@arr", StreamNames.ALL_MARKET_STREAM);
    }

    @Test
    void combinedUriWithoutTrailingSlash() {
        URI uri = StreamNames.combinedStreamUri("wss://fstream.binance.com/market",
                List.of("btcusdt@forceOrder", "ethusdt@forceOrder"));
        assertEquals("wss://fstream.binance.com/market/stream?streams=btcusdt@forceOrder/ethusdt@forceOrder",
                uri.toString());
        assertEquals("wss", uri.getScheme());
        assertEquals("fstream.binance.com", uri.getHost());
        assertEquals("/market/stream", uri.getPath());
        assertEquals("streams=btcusdt@forceOrder/ethusdt@forceOrder", uri.getQuery());
    }

    @Test
    void combinedUriWithTrailingSlash() {
        URI uri = StreamNames.combinedStreamUri("wss://fstream.binance.com/market/", List.of("btcusdt@forceOrder"));
        assertEquals("wss://fstream.binance.com/market/stream?streams=btcusdt@forceOrder", uri.toString());
        assertEquals("/market/stream", uri.getPath());
    }

    @Test
    void combinedUriOfAHostOnlyBaseAndTheAllMarketStream() {
        assertEquals("wss://dstream.binance.com/stream?streams=!forceOrder@arr",
                StreamNames.combinedStreamUri("wss://dstream.binance.com", List.of(StreamNames.ALL_MARKET_STREAM))
                        .toString());
        assertEquals("wss://dstream.binance.com/stream?streams=!forceOrder@arr",
                StreamNames.combinedStreamUri("wss://dstream.binance.com/", List.of(StreamNames.ALL_MARKET_STREAM))
                        .toString());
        URI withPort = StreamNames.combinedStreamUri("ws://localhost:8080/market", List.of("a@forceOrder"));
        assertEquals(8080, withPort.getPort());
        assertEquals("streams=a@forceOrder", withPort.getQuery());
    }
}
