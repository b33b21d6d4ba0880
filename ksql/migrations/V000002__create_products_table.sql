-- Products: the catalogue, one row per product id.
ASSERT TOPIC 'products' TIMEOUT 2 MINUTES;
ASSERT SCHEMA SUBJECT 'products-value' TIMEOUT 2 MINUTES;

CREATE SOURCE TABLE products (product_id STRING PRIMARY KEY)
  WITH (KAFKA_TOPIC = 'products', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO');
