-- Customers: one row per customer id, the latest version wins and a tombstone deletes.
-- A SOURCE table is read-only and materialized, so it answers pull queries as it is.
-- The value columns come from the Avro schema in Schema Registry (customers-value).
ASSERT TOPIC 'customers' TIMEOUT 2 MINUTES;
ASSERT SCHEMA SUBJECT 'customers-value' TIMEOUT 2 MINUTES;

CREATE SOURCE TABLE customers (customer_id STRING PRIMARY KEY)
  WITH (KAFKA_TOPIC = 'customers', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO');
