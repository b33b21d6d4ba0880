"""The catalog's schemas, sources and query ids."""

from __future__ import annotations

import pytest

from ksqlmv.engine.catalog import Catalog, Column, ColumnKind, LogicalSchema
from ksqlmv.sql.types import BIGINT, BYTES, INTEGER, STRING, ArrayType, StructField, StructType

HEADERS = ArrayType(StructType((StructField("KEY", STRING), StructField("VALUE", BYTES))))


def schema() -> LogicalSchema:
    return LogicalSchema(
        (
            Column("ID", INTEGER, ColumnKind.KEY),
            Column("NAME", STRING),
            Column("H", HEADERS, ColumnKind.HEADER),
            Column("V", BYTES, ColumnKind.HEADER, "v"),
        )
    )


def test_schema_text_is_ksqldbs() -> None:
    assert str(schema()) == (
        "`ID` INTEGER KEY, `NAME` STRING, "
        "`H` ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS, `V` BYTES HEADER('v')"
    )


def test_columns_by_namespace() -> None:
    s = schema()
    assert [c.name for c in s.key] == ["ID"]
    assert [c.name for c in s.value] == ["NAME"]
    assert [c.name for c in s.headers] == ["H", "V"]


@pytest.mark.parametrize(
    ("windowed", "names"),
    [
        (False, ["NAME", "H", "V", "ROWTIME", "ROWPARTITION", "ROWOFFSET", "ID"]),
        (
            True,
            [
                "NAME",
                "H",
                "V",
                "ROWTIME",
                "ROWPARTITION",
                "ROWOFFSET",
                "ID",
                "WINDOWSTART",
                "WINDOWEND",
            ],
        ),
    ],
)
def test_row_layout(windowed: bool, names: list[str]) -> None:
    assert [n for n, _ in schema().row_columns(windowed=windowed)] == names


def test_key_column_wins_over_value_column_of_same_name() -> None:
    s = LogicalSchema((Column("A", INTEGER, ColumnKind.KEY), Column("A", BIGINT)))
    found = s.find("A")
    assert found is not None and found.is_key


@pytest.mark.parametrize(
    ("prefix", "sink", "expected"),
    [
        ("CSAS", "OUT", ["CSAS_OUT_0", "CSAS_OUT_1"]),
        ("INSERTQUERY", None, ["INSERTQUERY_0", "INSERTQUERY_1"]),
    ],
)
def test_query_ids_count_from_zero(prefix: str, sink: str | None, expected: list[str]) -> None:
    catalog = Catalog()
    assert [catalog.new_query_id(prefix, sink) for _ in expected] == expected
