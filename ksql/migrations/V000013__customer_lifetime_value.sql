-- Each customer's lifetime value: placed orders add their amount, cancellations take it back.
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE customer_lifetime_value
  WITH (KAFKA_TOPIC = 'customer_lifetime_value', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT customer_id,
         LATEST_BY_OFFSET(customer_name) AS customer_name,
         LATEST_BY_OFFSET(customer_tier) AS customer_tier,
         SUM(CASE WHEN status = 'PLACED' THEN 1 ELSE 0 END) AS orders_placed,
         SUM(CASE WHEN status = 'CANCELLED' THEN 1 ELSE 0 END) AS orders_cancelled,
         SUM(CASE WHEN status = 'CANCELLED' THEN -amount ELSE amount END) AS lifetime_value
  FROM orders_enriched
  GROUP BY customer_id
  EMIT CHANGES;
