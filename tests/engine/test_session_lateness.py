"""Session windows close, and leave the store, once stream time passes their end by the gap
plus the grace period (Kafka Streams' rule): a record older than that is dropped, and a record
just inside it starts a session of its own instead of merging with an expired one."""

from __future__ import annotations

import json

from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine


def test_late_records_and_expired_sessions(engine: KsqlEngine) -> None:
    engine.execute(
        "CREATE STREAM S (ID INT KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, "
        "FORMAT='JSON');"
        "CREATE TABLE T AS SELECT ID, MAX(V) AS M FROM S "
        "WINDOW SESSION (30 SECONDS, GRACE PERIOD 1 MINUTE) GROUP BY ID;"
    )
    driver = engine.driver
    assert isinstance(driver, TestDriver)
    # (value, timestamp): stream time reaches 100,010; the session at 0 ended 100,010 ms before
    # it, more than 30 s + 60 s: it is closed and gone.
    for value, ts in ((0, 0), (1, 100_010), (5, 10_009), (6, 10_010)):
        driver.produce("s", b"1", b'{"V": %d}' % value, ts, ())
    written = [(json.loads(r.value or b"null"), r.timestamp) for r in driver.records("T")]
    assert written == [
        ({"M": 0}, 0),
        ({"M": 1}, 100_010),
        # 10,009 ends before 100,010 - 90,000: dropped; 10,010 does not: a session of its own
        ({"M": 6}, 10_010),
    ]
