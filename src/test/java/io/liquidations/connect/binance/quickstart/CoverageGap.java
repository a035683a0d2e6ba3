package io.liquidations.connect.binance.quickstart;

import java.util.List;

/** A gap record from {@code <topic>.gaps}: streams not covered for {@code durationMs}, and why. */
record CoverageGap(List<String> streams, long durationMs, String reason) {
}
