-- One-minute bars per symbol: open, high, low, close, volume and the volume-weighted average
-- price. Ten seconds of grace keep the desk inside its one-minute reporting deadline.
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE trades_ohlc_1m
  WITH (KAFKA_TOPIC = 'trades_ohlc_1m', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT symbol,
         EARLIEST_BY_OFFSET(price) AS open_price,
         MAX(price) AS high_price,
         MIN(price) AS low_price,
         LATEST_BY_OFFSET(price) AS close_price,
         SUM(quantity) AS volume,
         CAST(SUM(price * quantity) AS DOUBLE) / SUM(quantity) AS vwap,
         COUNT(*) AS trade_count
  FROM trades
  WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS)
  GROUP BY symbol
  EMIT CHANGES;
