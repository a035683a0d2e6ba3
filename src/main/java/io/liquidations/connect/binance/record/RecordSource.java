package io.liquidations.connect.binance.record;

/**
 * What a record is built from. A task keeps it beside each record it has not delivered yet, so that a successor can
 * build the record again under its own config (topic, decimal mode) instead of replaying one made for the old one.
 */
public sealed interface RecordSource permits ReceivedLiquidation, GapInterval {
}
