"""ksql.new.query.planner.enabled: key columns in projection order, and a stream projection
without its key columns is a keyless stream; without the property, ksqlDB's classic rules."""

from __future__ import annotations

import json

import pytest

from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.errors import AnalysisError

SOURCE = (
    "CREATE STREAM INPUT (ID INT KEY, AGE INT KEY, NAME STRING) WITH (KAFKA_TOPIC='in', "
    "PARTITIONS=1, FORMAT='JSON');"
)


def _engine(new_planner: bool) -> KsqlEngine:
    properties = {"ksql.new.query.planner.enabled": "true"} if new_planner else {}
    engine = KsqlEngine(TestDriver(live=True), properties=properties)
    engine.execute(SOURCE)
    return engine


def _written(engine: KsqlEngine) -> list[tuple[object, object]]:
    driver = engine.driver
    assert isinstance(driver, TestDriver)
    driver.produce("in", b'{"ID": 1, "AGE": 20}', b'{"NAME": "a"}', 5, ())
    return [
        (None if r.key is None else json.loads(r.key), json.loads(r.value or b""))
        for r in driver.records("OUTPUT")
    ]


def test_keys_follow_the_projection() -> None:
    engine = _engine(True)
    engine.execute("CREATE STREAM OUTPUT AS SELECT AGE, ID, NAME FROM INPUT;")
    source = engine.catalog.source("OUTPUT")
    assert source is not None
    assert [c.name for c in source.schema.key] == ["AGE", "ID"]
    assert _written(engine) == [({"AGE": 20, "ID": 1}, {"NAME": "a"})]


def test_a_projection_without_keys_is_keyless() -> None:
    engine = _engine(True)
    engine.execute("CREATE STREAM OUTPUT AS SELECT NAME FROM INPUT;")
    source = engine.catalog.source("OUTPUT")
    assert source is not None and source.schema.key == ()
    assert _written(engine) == [(None, {"NAME": "a"})]


def test_without_the_property_the_classic_rules_hold() -> None:
    engine = _engine(False)
    engine.execute("CREATE STREAM OUTPUT AS SELECT AGE, ID, NAME FROM INPUT;")
    source = engine.catalog.source("OUTPUT")
    assert source is not None
    assert [c.name for c in source.schema.key] == ["ID", "AGE"]
    with pytest.raises(AnalysisError, match="Keys missing from projection"):
        engine.execute("CREATE STREAM OUTPUT2 AS SELECT NAME FROM INPUT;")
