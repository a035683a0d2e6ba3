-- ksqlDB views over the liquidations the connector writes to binance.futures.liquidations.
--
-- Run with the CLI of the Docker stack (docker/README.md):
--   docker compose -f docker/docker-compose.yml exec ksqldb-cli \
--     ksql --file /ksql/liquidations.sql http://ksqldb-server:8088
-- The CREATE statements are idempotent (IF NOT EXISTS) and their persistent queries keep running
-- on the server. The file ends with a push query that prints large liquidations as they happen,
-- until Ctrl-C.
--
-- Topic contract (src/main/avro/ForceOrder.avsc): key = the symbol as a plain string (the Connect
-- StringConverter), value = Avro record ForceOrder registered under
-- binance.futures.liquidations-value, Kafka timestamp = tradeTime.
--
-- Column names: ksqlDB reads the value columns from the Schema Registry and, as no
-- VALUE_SCHEMA_ID is given, upper-cases the Avro field names (tradeTime becomes TRADETIME).
-- Unquoted identifiers are upper-cased too, so tradeTime, TRADETIME and tradetime all name the same
-- column here. Do not add VALUE_SCHEMA_ID: with it ksqlDB keeps the camelCase names and every
-- reference below would need back-quotes.
--
-- Decimals: quantity, price, averagePrice, lastFilledQuantity and filledAccumulatedQuantity are
-- DECIMAL(38, 8). ksqlDB types a product of DECIMAL(p1, s1) and DECIMAL(p2, s2) as
-- DECIMAL(p1 + p2 + 1, s1 + s2), so averagePrice * filledAccumulatedQuantity would be
-- DECIMAL(77, 16): past the 38 digits that most Avro consumers, JDBC sinks and Spark accept. Both
-- operands are therefore cast to DECIMAL(18, 8) first (10 integer digits: prices and quantities up
-- to 9,999,999,999.99999999, far above any Binance contract), which makes the notional
-- DECIMAL(37, 16): exact, no rounding. SUM keeps the type of its argument, and a difference of two
-- DECIMAL(37, 16) sums is DECIMAL(38, 16) (ksqlDB adds: max(s1, s2) + max(p1 - s1, p2 - s2) + 1).
-- A value too large for DECIMAL(18, 8) makes the CAST fail for that row: ksqlDB logs it to the
-- processing log and the notional of that row is NULL, rather than silently rounding.
--
-- Notional = averagePrice * filledAccumulatedQuantity: what the liquidation order actually filled,
-- at the price it filled at (price is the limit price of the order). For USDS-M contracts it is in the
-- quote asset (USDT or USDC). For COIN-M contracts quantity counts contracts of contractSize USD each
-- (contractSize comes from exchangeInfo and is null on USDS-M), so there the notional in USD is
-- filledAccumulatedQuantity * contractSize. A COIN-M record carries contractSize whenever the
-- connector could read exchangeInfo at start; without it, this falls back to price * quantity,
-- which for COIN-M is not a USD amount.

-- Process the whole topic, not only what arrives after the queries start.
SET 'auto.offset.reset' = 'earliest';

-- The raw stream. Only the key is declared: the KAFKA key format has no schema to infer, while the
-- value columns come from the Schema Registry. tradeTime is an Avro timestamp-millis, a ksqlDB
-- TIMESTAMP column, which ksqlDB accepts as the TIMESTAMP property since 0.20; it is the record
-- timestamp already, naming it keeps ROWTIME = tradeTime whatever produced the record.
CREATE STREAM IF NOT EXISTS liquidations (symbol_key STRING KEY)
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations',
    KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'AVRO',
    TIMESTAMP = 'tradeTime'
  );

-- Each liquidation with its notional, computed once here for every query below.
CREATE STREAM IF NOT EXISTS liquidation_notional
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations.notional',
    VALUE_FORMAT = 'AVRO',
    TIMESTAMP = 'tradeTime'
  ) AS
  SELECT
    symbol_key,
    symbol,
    side,
    averagePrice,
    filledAccumulatedQuantity,
    tradeTime,
    marketType,
    contractSize,
    CASE
      WHEN contractSize IS NOT NULL
        THEN CAST(filledAccumulatedQuantity AS DECIMAL(18, 8)) * CAST(contractSize AS DECIMAL(18, 8))
      ELSE CAST(averagePrice AS DECIMAL(18, 8)) * CAST(filledAccumulatedQuantity AS DECIMAL(18, 8))
    END AS notional
  FROM liquidations
  EMIT CHANGES;

-- Liquidations per symbol per minute (tumbling windows on tradeTime). Grouping by the key column
-- needs no repartition topic.
CREATE TABLE IF NOT EXISTS liquidations_per_minute
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations.per-minute',
    VALUE_FORMAT = 'AVRO'
  ) AS
  SELECT
    symbol_key,
    AS_VALUE(symbol_key) AS symbol,
    WINDOWSTART AS window_start,
    WINDOWEND AS window_end,
    COUNT(*) AS liquidation_count,
    SUM(filledAccumulatedQuantity) AS total_filled_quantity,
    SUM(notional) AS total_notional
  FROM liquidation_notional
  WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 1 MINUTE)
  GROUP BY symbol_key
  EMIT CHANGES;

-- Long versus short liquidations per symbol per minute. A SELL liquidation closes a long
-- position, a BUY closes a short. The ELSE branch is a zero of exactly the type of notional, so
-- every CASE branch has one type and an all-BUY minute still sums to 0 on the SELL side.
CREATE TABLE IF NOT EXISTS liquidation_imbalance_per_minute
  WITH (
    KAFKA_TOPIC = 'binance.futures.liquidations.imbalance-per-minute',
    VALUE_FORMAT = 'AVRO'
  ) AS
  SELECT
    symbol_key,
    AS_VALUE(symbol_key) AS symbol,
    WINDOWSTART AS window_start,
    WINDOWEND AS window_end,
    SUM(CASE WHEN side = 'SELL' THEN notional ELSE CAST(0 AS DECIMAL(37, 16)) END) AS long_liquidated_notional,
    SUM(CASE WHEN side = 'BUY' THEN notional ELSE CAST(0 AS DECIMAL(37, 16)) END) AS short_liquidated_notional,
    SUM(CASE WHEN side = 'SELL' THEN notional ELSE CAST(0 AS DECIMAL(37, 16)) END)
      - SUM(CASE WHEN side = 'BUY' THEN notional ELSE CAST(0 AS DECIMAL(37, 16)) END) AS long_minus_short_notional
  FROM liquidation_notional
  WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 1 MINUTE)
  GROUP BY symbol_key
  EMIT CHANGES;

-- The largest liquidations, live: a push query (nothing is stored), every liquidation whose filled
-- notional exceeds 100,000 in the quote asset. Runs until Ctrl-C.
SELECT
  symbol,
  side,
  averagePrice,
  filledAccumulatedQuantity,
  notional,
  tradeTime
FROM liquidation_notional
WHERE notional > 100000
EMIT CHANGES;
