package io.liquidations.connect.binance.coverage;

/**
 * Where a stream's coverage ended before this task took it over.
 *
 * @param endedAt coverage ended no earlier than this (epoch ms)
 * @param earlyByAtMostMs and at most this much later: 0 when exact (the task before this one said so in this worker),
 *     else the staleness bound of the last committed checkpoint
 */
public record StreamEnd(long endedAt, long earlyByAtMostMs) {
}
