"""SQL types print as ksqlDB prints them and behave as values."""

from __future__ import annotations

import pytest

from ksqlmv.sql import types as t

CASES = [
    (t.INTEGER, "INTEGER"),
    (t.BIGINT, "BIGINT"),
    (t.STRING, "STRING"),
    (t.TIMESTAMP, "TIMESTAMP"),
    (t.DecimalType(4, 2), "DECIMAL(4, 2)"),
    (t.ArrayType(t.STRING), "ARRAY<STRING>"),
    (t.MapType(t.STRING, t.BIGINT), "MAP<STRING, BIGINT>"),
    (
        t.StructType((t.StructField("A", t.STRING), t.StructField("b`c", t.INTEGER))),
        "STRUCT<`A` STRING, `b``c` INTEGER>",
    ),
    (t.ArrayType(t.MapType(t.STRING, t.DecimalType(10, 0))), "ARRAY<MAP<STRING, DECIMAL(10, 0)>>"),
]


@pytest.mark.parametrize(("sql_type", "text"), CASES)
def test_canonical_text(sql_type: t.SqlType, text: str) -> None:
    assert str(sql_type) == text


def test_types_are_values() -> None:
    assert t.DecimalType(4, 2) == t.DecimalType(4, 2)
    assert {t.ArrayType(t.INTEGER): 1}[t.ArrayType(t.INTEGER)] == 1
    assert t.ArrayType(t.INTEGER).base is t.BaseType.ARRAY
    struct = t.StructType((t.StructField("A", t.STRING),))
    assert struct.field("A") == t.StructField("A", t.STRING)
    assert struct.field("B") is None


def test_parametrized_kinds_need_their_own_class() -> None:
    with pytest.raises(ValueError, match="DECIMAL takes parameters"):
        t.PrimitiveType(t.BaseType.DECIMAL)
