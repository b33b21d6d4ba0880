"""Pull-query rules without a network: text timestamps, pure key lookups, query shapes, frozen
keys, and ksqlDB's WHERE-clause errors, on an engine over its test driver."""

from __future__ import annotations

from typing import Any

import pytest

from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.queries.pull import prepare_pull, pure_key_lookup
from ksqlmv.engine.queries.timestamps import parse_timestamp_text
from ksqlmv.engine.queries.views import thaw
from ksqlmv.errors import AnalysisError
from ksqlmv.server.pull_cache import shape_of
from ksqlmv.sql import parse_statement
from ksqlmv.sql.types import INTEGER, STRING, ArrayType, MapType, StructField, StructType


@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("2020-02-23T23:45:12.000", 1_582_501_512_000),
        ("2020-02-23T22:45:12.000-0100", 1_582_501_512_000),
        ("2020-02-23T23:45:12Z", 1_582_501_512_000),
        ("2020-02-23T23:45:12.5+00:00", 1_582_501_512_500),
        ("2020-02-22T23:45", 1_582_415_100_000),
        ("2020-02-24T24", 1_582_588_800_000),
        ("2020-02", 1_580_515_200_000),
        ("2020", 1_577_836_800_000),
        ("not a time", None),
        ("2020-13-01", None),
    ],
)
def test_text_timestamps(text: str, millis: int | None) -> None:
    assert parse_timestamp_text(text) == millis


@pytest.mark.parametrize(
    ("sql", "shape"),
    [
        ("SELECT * FROM T WHERE ID = 'k1';", "SELECT * FROM T WHERE ID = ?;"),
        (
            "SELECT *  FROM T1 WHERE ID='it''s' AND N = -1.5e3;",
            "SELECT * FROM T1 WHERE ID=? AND N = ?;",
        ),
        ("SELECT `A1` FROM T WHERE ID IN (1, 22)", "SELECT `A1` FROM T WHERE ID IN (?, ?)"),
    ],
)
def test_shapes(sql: str, shape: str) -> None:
    assert shape_of(sql) == shape


@pytest.fixture(scope="module")
def engine() -> KsqlEngine:
    engine = KsqlEngine(TestDriver(live=True))
    engine.execute(
        "CREATE STREAM S (ID STRING KEY, N INT) WITH (kafka_topic='s', partitions=1, "
        "value_format='JSON');"
        "CREATE TABLE T AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID;"
        "CREATE STREAM S2 (A INT KEY, B STRING KEY, N INT) WITH (kafka_topic='s2', "
        "partitions=1, format='JSON');"
        "CREATE TABLE T2 AS SELECT A, B, COUNT(*) AS C FROM S2 GROUP BY A, B;"
        "CREATE TABLE T3 AS SELECT N, COUNT(*) AS C FROM S GROUP BY N;"
    )
    return engine


@pytest.mark.parametrize(
    ("table", "where", "keys"),
    [
        ("T", "ID = 'a'", [("a",)]),
        ("T", "'a' = ID", [("a",)]),
        ("T", "ID IN ('a', 'b')", [("a",), ("b",)]),
        ("T", "ID = 'a' OR ID = 'b'", [("a",), ("b",)]),
        ("T", "ID = 'a' AND C = 1", None),
        ("T", "ID > 'a'", None),
        ("T", "ID = 1", None),
        ("T2", "A = 1 AND B = 'x'", [(1, "x")]),
        ("T2", "B = 'x' AND A = 1", [(1, "x")]),
        ("T2", "A = 1", None),
    ],
)
def test_pure_key_lookups(engine: KsqlEngine, table: str, where: str, keys: Any) -> None:
    query = parse_statement(f"SELECT * FROM {table} WHERE {where};")
    source = engine.catalog.source(table)
    assert source is not None
    assert pure_key_lookup(query, source) == keys


@pytest.mark.parametrize(
    ("table", "where", "message"),
    [
        ("T", "C = 1", "WHERE clause missing key column for disjunct: (C = 1)"),
        ("T", "ID = 'a' AND ID IN ('b')", "cannot be combined with other comparisons"),
        ("T", "CONCAT(ID, 'x') = 'a'", "A comparison must directly reference a key column"),
        (
            "T",
            "ID = CAST(C AS STRING)",
            "A comparison must be between a key column and a resolvable expression",
        ),
        ("T", "ID != 'a'", "Bound on key columns '[`ID` STRING KEY]' must currently be '='"),
        ("T3", "N IN ('10', 8)", "'10' can not be converted to the type of the key column: N"),
        ("T3", "N IN (NULL)", "Primary key columns can not be NULL: (N = null)"),
        ("T", "WINDOWSTART = 1", "WINDOWSTART"),
    ],
)
def test_where_errors_without_table_scans(
    engine: KsqlEngine, table: str, where: str, message: str
) -> None:
    config = {**engine.properties, "ksql.query.pull.table.scan.enabled": False}
    with pytest.raises(AnalysisError) as failed:
        prepare_pull(engine, parse_statement(f"SELECT * FROM {table} WHERE {where};"), config, "q")
    assert message in str(failed.value)


def test_key_ranges_are_allowed_without_table_scans(engine: KsqlEngine) -> None:
    config = {**engine.properties, "ksql.query.pull.table.scan.enabled": False}
    prepared = prepare_pull(engine, parse_statement("SELECT * FROM T WHERE ID > 'a';"), config, "q")
    assert prepared.keys is None  # read as a range over the keys


def test_multi_column_keys_must_all_be_given(engine: KsqlEngine) -> None:
    config = {**engine.properties, "ksql.query.pull.table.scan.enabled": False}
    with pytest.raises(AnalysisError, match="Multi-column sources must specify every key"):
        prepare_pull(engine, parse_statement("SELECT * FROM T2 WHERE A = 1;"), config, "q")


def test_frozen_keys_thaw_by_type() -> None:
    struct = StructType((StructField("F1", STRING), StructField("F2", ArrayType(INTEGER))))
    assert thaw(("a", "b"), ArrayType(STRING)) == ["a", "b"]
    assert thaw((("k", 1),), MapType(STRING, INTEGER)) == {"k": 1}
    assert thaw((("F1", "x"), ("F2", (1, 2))), struct) == {"F1": "x", "F2": [1, 2]}
    assert thaw(["already", "a", "list"], ArrayType(STRING)) == ["already", "a", "list"]
