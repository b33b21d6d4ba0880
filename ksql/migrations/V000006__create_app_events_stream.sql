-- App events: open, close and crash events from the mobile app, keyed by session id.
-- Devices that were offline deliver late, so windows over this stream use event time.
ASSERT TOPIC 'app_events' TIMEOUT 2 MINUTES;
ASSERT SCHEMA SUBJECT 'app_events-value' TIMEOUT 2 MINUTES;

CREATE STREAM app_events (session_id STRING KEY)
  WITH (KAFKA_TOPIC = 'app_events', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO',
        TIMESTAMP = 'occurred_at');
