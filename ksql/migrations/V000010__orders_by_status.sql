-- How many orders are in each status now. An aggregation over a table: when an order moves
-- from PLACED to CANCELLED, its old status is counted down and the new one up.
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE orders_by_status
  WITH (KAFKA_TOPIC = 'orders_by_status', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT status,
         COUNT(*) AS order_count,
         SUM(amount) AS total_amount
  FROM order_status
  GROUP BY status
  EMIT CHANGES;
