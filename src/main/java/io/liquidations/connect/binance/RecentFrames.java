package io.liquidations.connect.binance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames seen lately, by digest: with several legs per group, one malformed frame arrives once per leg and is reported
 * once. A digest, not the text, so that remembering a large frame costs 32 bytes; SHA-256, so that two different
 * frames are never taken for one (which would hide a report). Socket thread only.
 */
final class RecentFrames {
    /** Legs deliver the same frame within milliseconds of each other; a minute is ample. */
    static final long WINDOW_MS = 60_000;
    static final int MAX_ENTRIES = 1_000;

    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    /** @return true the first time {@code text} is seen within the window */
    boolean firstTime(String text, long nowMillis) {
        Iterator<Map.Entry<String, Long>> oldest = seen.entrySet().iterator();
        while (oldest.hasNext() && oldest.next().getValue() <= nowMillis - WINDOW_MS) {
            oldest.remove();
        }
        String digest = digest(text);
        if (seen.containsKey(digest)) {
            return false;
        }
        seen.put(digest, nowMillis);
        if (seen.size() > MAX_ENTRIES) {
            seen.remove(seen.keySet().iterator().next());
        }
        return true;
    }

    private static String digest(String text) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
