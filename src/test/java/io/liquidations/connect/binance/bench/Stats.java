package io.liquidations.connect.binance.bench;

import java.util.Arrays;

/** Percentiles and rates of the samples the harnesses collect. */
final class Stats {
    private Stats() {
    }

    /** Nearest-rank percentile, {@code p} in 0..100; NaN for no samples. */
    static double percentile(long[] samples, double p) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double max(long[] samples) {
        return samples.length == 0 ? Double.NaN : Arrays.stream(samples).max().getAsLong();
    }

    /** Records per second between the 10th and the 90th percentile ack: the steady part of a run. */
    static double sustainedRate(long[] ackNanos) {
        if (ackNanos.length < 10) {
            return Double.NaN;
        }
        int from = ackNanos.length / 10;
        int to = ackNanos.length - 1 - ackNanos.length / 10;
        long span = ackNanos[to] - ackNanos[from];
        return span <= 0 ? Double.NaN : (to - from) / (span / 1e9);
    }

    /** The largest sample of each consecutive window of {@code size} samples (a second's acks, a burst). */
    static long[] windowMax(long[] samples, int size) {
        long[] max = new long[(samples.length + size - 1) / size];
        for (int i = 0; i < samples.length; i++) {
            max[i / size] = Math.max(max[i / size], samples[i]);
        }
        return max;
    }

    /** The {@code k} largest, in ms, from µs samples. */
    static java.util.List<Double> slowest(long[] micros, int k) {
        return Arrays.stream(micros).boxed().sorted(java.util.Comparator.reverseOrder()).limit(k)
                .map(v -> v / 1000.0).toList();
    }
}
