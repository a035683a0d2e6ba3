package io.liquidations.connect.binance.config;

/** What a task does with a frame it cannot turn into a record. Either way the frame is counted and logged. */
public enum MalformedEventBehavior {
    /** Fail the task: for users who would rather stop than run with a gap they must investigate. */
    FAIL,
    /** Keep listening: Binance cannot replay, so stopping would lose every later liquidation too. */
    LOG
}
