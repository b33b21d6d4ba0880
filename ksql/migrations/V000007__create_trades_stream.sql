-- Trades: executions on the trading desk, keyed by trade id.
ASSERT TOPIC 'trades' TIMEOUT 2 MINUTES;
ASSERT SCHEMA SUBJECT 'trades-value' TIMEOUT 2 MINUTES;

CREATE STREAM trades (trade_id STRING KEY)
  WITH (KAFKA_TOPIC = 'trades', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO',
        TIMESTAMP = 'executed_at');
