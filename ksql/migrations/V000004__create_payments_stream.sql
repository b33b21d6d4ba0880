-- Payments: one event per payment attempt, keyed by payment id.
ASSERT TOPIC 'payments' TIMEOUT 2 MINUTES;
ASSERT SCHEMA SUBJECT 'payments-value' TIMEOUT 2 MINUTES;

CREATE STREAM payments (payment_id STRING KEY)
  WITH (KAFKA_TOPIC = 'payments', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO',
        TIMESTAMP = 'paid_at');
