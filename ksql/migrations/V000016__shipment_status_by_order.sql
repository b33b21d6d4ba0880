-- The latest shipment status of every order, from the carriers' status updates.
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE shipment_status_by_order
  WITH (KAFKA_TOPIC = 'shipment_status_by_order', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT order_id,
         LATEST_BY_OFFSET(status) AS status,
         LATEST_BY_OFFSET(carrier) AS carrier,
         LATEST_BY_OFFSET(tracking_number) AS tracking_number,
         COUNT(*) AS status_updates
  FROM shipments
  GROUP BY order_id
  EMIT CHANGES;
