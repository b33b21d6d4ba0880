"""Analysis as ksqlDB does it: BETWEEN over mixed DOUBLE and DECIMAL operands compares as
decimals (a DOUBLE through its shortest text: 1.11 is 1.11, not 1.1100000000000000977), INSERT
INTO writes results that cast implicitly as the sink's column types, and an ambiguous column is a
failure to prepare the statement."""

from __future__ import annotations

import pytest

from ksqlmv.engine.engine import KsqlEngine


@pytest.mark.parametrize(
    ("c", "expression", "expected"),
    [
        (1.11, "C BETWEEN 1.0 AND 1.11", True),
        (1.0, "C BETWEEN 1.0 AND 1.11", True),
        (1.12, "C BETWEEN 1.0 AND 1.11", False),
        (0.99, "C BETWEEN 1.0 AND 1.11", False),
        (1.11, "C NOT BETWEEN 1.0 AND 1.11", False),
        (1.11, "C BETWEEN 1 AND 1.11", True),
        (1.11, "C BETWEEN 1.0 AND 2", True),
        (0.3, "C BETWEEN 0.3 AND 0.3", True),
        (1.11, "C >= 1.11", True),
        (1.11, "C <= 1.11", True),
    ],
)
def test_double_against_decimal(run_query, c: float, expression: str, expected: bool) -> None:
    (row,) = run_query("ID INT KEY, C DOUBLE", f"ID, {expression} AS V", [{"C": c}])
    assert row == {"V": expected}


def test_insert_into_casts_to_the_sink_types(engine: KsqlEngine) -> None:
    import json
    from decimal import Decimal

    engine.execute(
        "CREATE STREAM SRC (ID INT KEY, N INT) WITH (KAFKA_TOPIC='src', PARTITIONS=1, "
        "VALUE_FORMAT='JSON');"
        "CREATE STREAM TARGET (ID INT KEY, C1 DECIMAL(5,2), C2 DECIMAL(5,2), C3 BIGINT) WITH "
        "(KAFKA_TOPIC='target', PARTITIONS=1, VALUE_FORMAT='JSON');"
        "INSERT INTO TARGET SELECT ID, N AS C1, 2.5 AS C2, N AS C3 FROM SRC;"
    )
    engine.driver.produce("src", b"\x00\x00\x00\x01", b'{"N": 7}', 1, ())
    (record,) = engine.driver.records("target")
    assert json.loads(record.value, parse_float=Decimal) == {
        "C1": Decimal("7.00"),
        "C2": Decimal("2.50"),
        "C3": 7,
    }


def test_an_ambiguous_column_fails_to_prepare(engine: KsqlEngine) -> None:
    from ksqlmv.errors import AnalysisError

    engine.execute(
        "CREATE TABLE L (ID INT PRIMARY KEY, A INT) WITH (KAFKA_TOPIC='l', PARTITIONS=1, "
        "VALUE_FORMAT='JSON');"
        "CREATE TABLE R (ID INT PRIMARY KEY, B INT) WITH (KAFKA_TOPIC='r', PARTITIONS=1, "
        "VALUE_FORMAT='JSON');"
    )
    with pytest.raises(AnalysisError) as raised:
        engine.execute("CREATE TABLE O AS SELECT L.ID, A, B FROM L JOIN R ON ID = R.ID;")
    assert str(raised.value).startswith("Exception while preparing statement: Line: 1, Col: ")
    assert "Column 'ID' is ambiguous. Could be L.ID or R.ID." in str(raised.value)
