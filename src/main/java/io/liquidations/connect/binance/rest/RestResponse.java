package io.liquidations.connect.binance.rest;

import java.util.Locale;
import java.util.Map;

/**
 * An HTTP response, read whole.
 *
 * @param headers names in lower case
 */
public record RestResponse(int status, Map<String, String> headers, String body) {

    public RestResponse {
        headers = Map.copyOf(headers);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** {@code Retry-After} in milliseconds (Binance sends seconds), or null when absent or unreadable. */
    public Long retryAfterMs() {
        String value = header("Retry-After");
        if (value == null) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim())) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
