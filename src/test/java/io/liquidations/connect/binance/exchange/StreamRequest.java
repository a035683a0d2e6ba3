package io.liquidations.connect.binance.exchange;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a WebSocket upgrade request asks for, decoded from its URI the way Binance's USDⓈ-M
 * market-stream server routes it.
 *
 * <ul>
 *   <li>{@code /market/stream?streams=a/b} — combined form, live: frames are wrapped as
 *       {@code {"stream":…,"data":…}}.</li>
 *   <li>{@code /market/ws/a/b} (or bare {@code /market/ws}) — raw form, live: frames are the bare
 *       event.</li>
 *   <li>Anything else, notably the retired path-less {@code /stream?…} and {@code /ws/…}: the
 *       socket is accepted and control messages are answered, but no market data is ever routed
 *       to it. Since the 2026 path split that is exactly how the production server treats old
 *       URLs, and it is the failure a connector must notice rather than take for "quiet".</li>
 * </ul>
 *
 * @param path the decoded request path
 * @param combined whether pushed events are wrapped ({@code /stream}) or bare ({@code /ws})
 * @param live whether the path is one that market data is routed to
 * @param streams the stream names in the URI, in request order
 */
record StreamRequest(String path, boolean combined, boolean live, List<String> streams) {

    /** The path prefix that carries forceOrder (and all other non-book, non-user) streams. */
    static final String MARKET_PREFIX = "/market";

    /**
     * A legal stream name: a lower-case symbol (or an all-market name starting with {@code !})
     * followed by {@code @}-separated parts whose casing is part of the name
     * ({@code btcusdt@forceOrder}, {@code btcusdt@markPrice@1s}, {@code !forceOrder@arr}).
     * Binance refuses an upper-case symbol in the URL instead of silently serving nothing.
     */
    private static final Pattern LEGAL_STREAM_NAME = Pattern.compile("(![A-Za-z]+|[a-z0-9_]+)(@[A-Za-z0-9_]+)*");

    StreamRequest {
        streams = List.copyOf(streams);
    }

    /** Decodes a request URI such as {@code /market/stream?streams=btcusdt@forceOrder}. */
    static StreamRequest parse(String uri) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        String path = decoder.path();
        boolean underMarket = path.equals(MARKET_PREFIX) || path.startsWith(MARKET_PREFIX + "/");
        String route = underMarket ? path.substring(MARKET_PREFIX.length()) : path;

        if (route.equals("/stream")) {
            List<String> streams = new ArrayList<>();
            for (String value : decoder.parameters().getOrDefault("streams", List.of())) {
                splitNonEmpty(value, streams);
            }
            return new StreamRequest(path, true, underMarket, streams);
        }
        if (route.equals("/ws") || route.startsWith("/ws/")) {
            List<String> streams = new ArrayList<>();
            splitNonEmpty(route.substring("/ws".length()), streams);
            return new StreamRequest(path, false, underMarket, streams);
        }
        return new StreamRequest(path, false, false, List.of());
    }

    /** The first stream name Binance would refuse, if any. */
    Optional<String> firstIllegalStream() {
        return streams.stream().filter(name -> !isLegalStreamName(name)).findFirst();
    }

    static boolean isLegalStreamName(String name) {
        return LEGAL_STREAM_NAME.matcher(name).matches();
    }

    private static void splitNonEmpty(String value, List<String> into) {
        for (String part : value.split("/")) {
            if (!part.isEmpty()) {
                into.add(part);
            }
        }
    }
}
