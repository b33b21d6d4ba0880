-- Crash rate per app version over the last five minutes, updated every minute: a hopping
-- window in event time, so late events from offline devices land in the right windows.
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE app_crash_rate
  WITH (KAFKA_TOPIC = 'app_crash_rate', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO') AS
  SELECT app_version,
         SUM(CASE WHEN event_type = 'OPEN' THEN 1 ELSE 0 END) AS sessions,
         SUM(CASE WHEN event_type = 'CRASH' THEN 1 ELSE 0 END) AS crashes,
         CAST(SUM(CASE WHEN event_type = 'CRASH' THEN 1 ELSE 0 END) AS DOUBLE)
           / CAST(GREATEST(SUM(CASE WHEN event_type = 'OPEN' THEN 1 ELSE 0 END), 1) AS DOUBLE)
           AS crash_rate
  FROM app_events
  WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE, GRACE PERIOD 5 MINUTES)
  GROUP BY app_version
  EMIT CHANGES;
