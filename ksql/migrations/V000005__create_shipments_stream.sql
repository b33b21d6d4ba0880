-- Shipments: carrier status updates, keyed by shipment id.
ASSERT TOPIC 'shipments' TIMEOUT 2 MINUTES;
ASSERT SCHEMA SUBJECT 'shipments-value' TIMEOUT 2 MINUTES;

CREATE STREAM shipments (shipment_id STRING KEY)
  WITH (KAFKA_TOPIC = 'shipments', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO',
        TIMESTAMP = 'updated_at');
