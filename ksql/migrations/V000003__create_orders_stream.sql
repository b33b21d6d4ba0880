-- Orders: every order event (PLACED, CANCELLED), in event time.
ASSERT TOPIC 'orders' TIMEOUT 2 MINUTES;
ASSERT SCHEMA SUBJECT 'orders-value' TIMEOUT 2 MINUTES;

CREATE STREAM orders (order_id STRING KEY)
  WITH (KAFKA_TOPIC = 'orders', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO',
        TIMESTAMP = 'ordered_at');
