"""A record that cannot be read goes to the processing log; the query keeps running."""

from __future__ import annotations

import json

from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine


def test_bad_record_is_logged_with_its_position_and_skipped(engine: KsqlEngine) -> None:
    engine.execute(
        "CREATE STREAM SRC (ID STRING KEY, N INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', "
        "PARTITIONS=1);"
        "CREATE STREAM OUT AS SELECT ID, N * 2 AS DOUBLED FROM SRC;"
    )
    driver = engine.driver
    assert isinstance(driver, TestDriver)
    driver.produce("src", b"a", b'{"N": 1}', 1, ())
    driver.produce("src", b"b", b"this is not json", 2, ())
    driver.produce("src", b"c", b'{"N": 3}', 3, ())
    values = [json.loads(r.value or b"null") for r in driver.records("OUT")]
    assert values == [{"DOUBLED": 2}, {"DOUBLED": 6}]
    errors = [e for e in engine.processing_log.entries if e["message"]["type"] == 0]
    assert len(errors) == 1
    error = errors[0]["message"]["deserializationError"]
    assert (error["topic"], error["partition"], error["offset"]) == ("src", 0, 1)
    assert error["target"] == "value"
    assert error["errorMessage"]
