"""A record without key bytes keeps no key when a query passes its key through unchanged, in
every key format; a key the query builds, even of NULLs, is written in its format."""

from __future__ import annotations

import pytest

from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine


@pytest.mark.parametrize(
    ("columns", "key_format", "sink_key_format", "key_in", "key_out"),
    [
        ("K INT KEY", "DELIMITED", "DELIMITED", b"7", b"7"),
        ("K STRING KEY", "DELIMITED", "DELIMITED", b"x", b"x"),
        ("K1 STRING KEY, K2 STRING KEY", "DELIMITED", "JSON", b"a,b", b'{"K1":"a","K2":"b"}'),
        (
            "K1 STRING KEY, K2 STRING KEY",
            "JSON",
            "JSON",
            b'{"K1":"a","K2":"b"}',
            b'{"K1":"a","K2":"b"}',
        ),
        ("K STRING KEY", "KAFKA", "KAFKA", b"x", b"x"),
    ],
)
def test_a_missing_key_stays_missing(
    engine: KsqlEngine,
    columns: str,
    key_format: str,
    sink_key_format: str,
    key_in: bytes,
    key_out: bytes,
) -> None:
    engine.execute(
        f"CREATE STREAM INPUT ({columns}, V INT) WITH (KAFKA_TOPIC='in', PARTITIONS=1, "
        f"KEY_FORMAT='{key_format}', VALUE_FORMAT='JSON');"
        f"CREATE STREAM OUTPUT WITH (KEY_FORMAT='{sink_key_format}') AS SELECT * FROM INPUT;"
    )
    driver = engine.driver
    assert isinstance(driver, TestDriver)
    driver.produce("in", key_in, b'{"V": 1}', 1, ())
    driver.produce("in", None, b'{"V": 2}', 2, ())
    assert [r.key for r in driver.records("OUTPUT")] == [key_out, None]


def test_a_built_key_of_nulls_is_written_in_its_format(engine: KsqlEngine) -> None:
    engine.execute(
        "CREATE STREAM INPUT (K STRING KEY, A STRING, B STRING) WITH (KAFKA_TOPIC='in', "
        "PARTITIONS=1, FORMAT='JSON');"
        "CREATE STREAM OUTPUT AS SELECT A, B, K FROM INPUT PARTITION BY A, B;"
    )
    driver = engine.driver
    assert isinstance(driver, TestDriver)
    driver.produce("in", None, b'{"A": null, "B": null}', 1, ())
    assert [r.key for r in driver.records("OUTPUT")] == [b'{"A":null,"B":null}']
