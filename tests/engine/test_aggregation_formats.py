"""An aggregation keeps its state in its input's value format: an aggregate whose intermediate
value that format cannot carry (AVG's and CORRELATION's STRUCT in DELIMITED) is refused when the
query is created, with ksqlDB's message; others run."""

from __future__ import annotations

import pytest

from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.errors import AnalysisError


@pytest.mark.parametrize(
    ("value_format", "aggregate", "refused"),
    [
        ("DELIMITED", "AVG(V)", True),
        ("DELIMITED", "CORRELATION(V, W)", True),
        ("DELIMITED", "SUM(V)", False),
        ("DELIMITED", "COUNT(*)", False),
        ("DELIMITED", "MAX(W)", False),
        ("JSON", "AVG(V)", False),
        ("JSON", "CORRELATION(V, W)", False),
    ],
)
def test_intermediate_types_the_format_cannot_carry(
    engine: KsqlEngine, value_format: str, aggregate: str, refused: bool
) -> None:
    engine.execute(
        "CREATE STREAM S (ID STRING KEY, V DOUBLE, W DOUBLE) WITH (KAFKA_TOPIC='s', "
        f"PARTITIONS=1, VALUE_FORMAT='{value_format}');"
    )
    statement = f"CREATE TABLE T AS SELECT ID, {aggregate} AS X FROM S GROUP BY ID;"
    if refused:
        with pytest.raises(AnalysisError, match="has an intermediate type that the value format"):
            engine.execute(statement)
        assert "T" not in {s.name for s in engine.catalog}
    else:
        engine.execute(statement)


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({}, [[1], [1, 2], [1, 2, 3]]),
        ({"ksql.functions.collect_list.limit": 2}, [[1], [1, 2], [1, 2]]),
    ],
)
def test_function_settings_come_from_the_engine_properties(
    properties: dict[str, object], expected: list[list[int]]
) -> None:
    import json

    from ksqlmv.engine.drivers.testing import TestDriver

    engine = KsqlEngine(TestDriver(live=True), properties=properties)
    engine.execute(
        "CREATE STREAM S (ID STRING KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, "
        "VALUE_FORMAT='JSON');"
        "CREATE TABLE T AS SELECT ID, COLLECT_LIST(V) AS X FROM S GROUP BY ID;"
    )
    driver = engine.driver
    assert isinstance(driver, TestDriver)
    for v in (1, 2, 3):
        driver.produce("s", b"a", b'{"V": %d}' % v, v, ())
    assert [json.loads(r.value or b"")["X"] for r in driver.records("T")] == expected
