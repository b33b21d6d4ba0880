-- Payments matched to their orders within an hour: a stream-stream join. Payments are keyed by
-- payment id, so they are repartitioned by order id first. A payment that arrives more than an
-- hour after its order (plus ten minutes of grace for late events) is not matched.
SET 'auto.offset.reset' = 'earliest';

CREATE STREAM payments_matched
  WITH (KAFKA_TOPIC = 'payments_matched', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT o.order_id AS order_id,
         o.customer_id AS customer_id,
         o.amount AS order_amount,
         p.amount AS paid_amount,
         p.method AS method,
         p.status AS payment_status,
         (UNIX_TIMESTAMP(p.paid_at) - UNIX_TIMESTAMP(o.ordered_at)) / 1000 AS seconds_to_pay
  FROM orders o
  JOIN payments p WITHIN 1 HOUR GRACE PERIOD 10 MINUTES ON o.order_id = p.order_id
  WHERE o.status = 'PLACED'
  EMIT CHANGES;
