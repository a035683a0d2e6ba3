-- ksqlDB views over the connector's coverage: which streams are watched right now, and until when every
-- liquidation of a stream is known to be in binance.futures.liquidations (the completeness watermark).
--
-- Run after liquidations.sql, with the same CLI (docker/README.md):
--   docker compose -f docker/docker-compose.yml exec ksqldb-cli \
--     ksql --file /ksql/coverage.sql http://ksqldb-server:8088
-- The CREATE statements are idempotent (IF NOT EXISTS); the file ends with a pull query that lists the streams not
-- watched now, which a monitor can run every minute.
--
-- Topic contracts:
--   binance.futures.liquidations.coverage (src/main/avro/StreamCoverage.avsc): a checkpoint per followed stream
--     every coverage.interval.ms (1 s by default) while its task runs; key '<market>/<stream>' as a plain string,
--     Kafka timestamp = when the checkpoint was made. Compacted: the latest checkpoint of each stream stays.
--   binance.futures.liquidations.gaps (src/main/avro/StreamGap.avsc): one record per interval in which a stream
--     was not watched; key = the market, Kafka timestamp = uncoveredTo.
--
-- How to read them (README, "Delivery semantics"):
--   * coveredUntil is the watermark W: every liquidation of the stream that the connector received before W is
--     in the liquidation topic or inside a gap record of the stream. W is on the worker's clock and counts receive
--     time; Binance delivers a liquidation traded at T shortly after T (the exchange-latency-max metric, usually well
--     under a second), so a window on tradeTime that ends at E holds all its liquidations once W >= E plus an
--     allowance for that latency (the 1-minute GRACE PERIOD of liquidations.sql is ample), unless a gap record of
--     the stream overlaps the window: then the window is incomplete for good, since Binance keeps no history.
--   * A stream is not watched now when its latest checkpoint says covered = false (its task runs, but every
--     connection is down) or is old: checkpoints stop when the task stops or fails, or the connector is paused or
--     deleted. Checkpoints are ordinary records, written as they are made: their age does not depend on the
--     worker's offset.flush.interval.ms.

SET 'auto.offset.reset' = 'earliest';

-- The raw checkpoints. Only the key is declared; the value columns come from the Schema Registry.
CREATE STREAM IF NOT EXISTS coverage_checkpoints (coverage_key STRING KEY)
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations.coverage',
    KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'AVRO'
  );

-- The latest checkpoint of each stream: its watermark, whether a connection delivers it now, and when the
-- checkpoint was made (ms since the epoch, so that a monitor compares it with UNIX_TIMESTAMP()). symbol is null for
-- the all-market stream; LATEST_BY_OFFSET skips nulls, and that stream never has one.
CREATE TABLE IF NOT EXISTS stream_watermarks
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations.watermarks',
    VALUE_FORMAT = 'AVRO'
  ) AS
  SELECT
    coverage_key,
    LATEST_BY_OFFSET(connectorName) AS connector_name,
    LATEST_BY_OFFSET(streamName) AS stream_name,
    LATEST_BY_OFFSET(symbol) AS symbol,
    LATEST_BY_OFFSET(UNIX_TIMESTAMP(coveredUntil)) AS covered_until_ms,
    LATEST_BY_OFFSET(covered) AS covered_now,
    LATEST_BY_OFFSET(ROWTIME) AS checkpoint_at_ms
  FROM coverage_checkpoints
  GROUP BY coverage_key
  EMIT CHANGES;

-- The intervals not watched. symbols lists the symbols of the streams the gap concerns; it is empty for the
-- all-market stream, whose gap concerns every symbol. fromPrecision says whether uncoveredFrom is exact or may be up
-- to N ms early (after a worker crash: the last committed checkpoint).
CREATE STREAM IF NOT EXISTS stream_gaps (market_key STRING KEY)
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations.gaps',
    KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'AVRO',
    TIMESTAMP = 'uncoveredTo'
  );

-- Per symbol, each interval it was not watched: which of its per-minute windows are incomplete. EXPLODE makes one
-- row per symbol of the gap (none for an all-market gap: read stream_gaps for those).
CREATE STREAM IF NOT EXISTS gaps_per_symbol
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations.gaps-per-symbol',
    VALUE_FORMAT = 'AVRO',
    TIMESTAMP = 'uncovered_to'
  ) AS
  SELECT
    EXPLODE(symbols) AS symbol,
    uncoveredFrom AS uncovered_from,
    uncoveredTo AS uncovered_to,
    durationMs AS duration_ms,
    reason AS gap_reason,
    fromPrecision AS from_precision
  FROM stream_gaps
  EMIT CHANGES;

-- Streams not watched now: not covered, or no checkpoint for a minute (60 coverage intervals). A pull query that
-- returns at once: run it from a monitor and alert on any row.
SELECT
  coverage_key,
  stream_name,
  covered_now,
  covered_until_ms,
  checkpoint_at_ms
FROM stream_watermarks
WHERE covered_now = false OR checkpoint_at_ms < UNIX_TIMESTAMP() - 60000;
