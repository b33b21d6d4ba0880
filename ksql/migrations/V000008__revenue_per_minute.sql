-- Revenue per minute and sales channel: a tumbling window over placed orders.
-- Orders up to two minutes late still count; later ones are dropped.
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE revenue_per_minute
  WITH (KAFKA_TOPIC = 'revenue_per_minute', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT channel,
         COUNT(*) AS order_count,
         SUM(amount) AS revenue
  FROM orders
  WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 2 MINUTES)
  WHERE status = 'PLACED'
  GROUP BY channel
  EMIT CHANGES;
