-- The current status of every order: a table built from the order event stream.
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE order_status
  WITH (KAFKA_TOPIC = 'order_status', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT order_id,
         LATEST_BY_OFFSET(status) AS status,
         LATEST_BY_OFFSET(customer_id) AS customer_id,
         LATEST_BY_OFFSET(amount) AS amount,
         LATEST_BY_OFFSET(ordered_at) AS updated_at
  FROM orders
  GROUP BY order_id
  EMIT CHANGES;
