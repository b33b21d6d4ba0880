-- Orders enriched with the customer as they were when the order was placed: a stream-table
-- join, the heart of event-carried state transfer. The orders stream is repartitioned by
-- customer id so that it meets the customers table on the same key.
SET 'auto.offset.reset' = 'earliest';

CREATE STREAM orders_enriched
  WITH (KAFKA_TOPIC = 'orders_enriched', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT o.customer_id AS customer_id,
         o.order_id AS order_id,
         c.name AS customer_name,
         c.tier AS customer_tier,
         c.country AS country,
         o.product_id AS product_id,
         o.quantity AS quantity,
         o.amount AS amount,
         o.currency AS currency,
         o.status AS status,
         o.channel AS channel,
         o.ordered_at AS ordered_at
  FROM orders o
  JOIN customers c ON o.customer_id = c.customer_id
  EMIT CHANGES;
