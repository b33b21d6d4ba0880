"""Typed rows: ksqlDB's REST JSON values and type strings into Python values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.client import parse_type
from ksqlmv.client._values import from_json, to_json
from ksqlmv.errors import ProtocolError
from ksqlmv.sql import types as t

TYPES = [
    ("INTEGER", t.INTEGER),
    ("INT", t.INTEGER),
    ("BIGINT", t.BIGINT),
    ("VARCHAR", t.STRING),
    ("DECIMAL(4, 2)", t.DecimalType(4, 2)),
    ("DECIMAL(13,6)", t.DecimalType(13, 6)),
    ("ARRAY<STRING>", t.ArrayType(t.STRING)),
    ("MAP<STRING, BIGINT>", t.MapType(t.STRING, t.BIGINT)),
    (
        "STRUCT<`NESTED_FIELD1` STRING, `NESTED_FIELD2` INTEGER>",
        t.StructType(
            (t.StructField("NESTED_FIELD1", t.STRING), t.StructField("NESTED_FIELD2", t.INTEGER))
        ),
    ),
    (
        "ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>",
        t.ArrayType(
            t.StructType((t.StructField("KEY", t.STRING), t.StructField("VALUE", t.BYTES)))
        ),
    ),
    (
        "STRUCT<`a``b` MAP<STRING, ARRAY<DOUBLE>>>",
        t.StructType((t.StructField("a`b", t.MapType(t.STRING, t.ArrayType(t.DOUBLE))),)),
    ),
]


@pytest.mark.parametrize(("text", "expected"), TYPES)
def test_parse_type(text: str, expected: t.SqlType) -> None:
    assert parse_type(text) == expected


@pytest.mark.parametrize("text", ["", "ARRAY<", "DECIMAL(4)", "WIDGET", "MAP<STRING>", "INT INT"])
def test_parse_type_rejects_nonsense(text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_type(text)


VALUES: list[tuple[t.SqlType, Any, Any]] = [
    (t.INTEGER, 3, 3),
    (t.DOUBLE, Decimal("1.5"), 1.5),
    (t.DecimalType(4, 2), Decimal("1.5"), Decimal("1.50")),
    (t.BYTES, "IQ==", b"!"),
    (t.TIMESTAMP, "1970-01-01T00:00:01.500", 1500),
    (t.TIMESTAMP, "2026-11-26T12:00:00.000", 1795694400000),
    (t.DATE, "1970-01-11", 10),
    (t.TIME, "00:01", 60_000),
    (t.TIME, "00:00:01.250", 1250),
    (t.STRING, None, None),
    (t.ArrayType(t.BYTES), ["IQ==", None], [b"!", None]),
    (t.MapType(t.STRING, t.DecimalType(3, 1)), {"a": Decimal(2)}, {"a": Decimal("2.0")}),
    (
        t.StructType((t.StructField("A", t.INTEGER), t.StructField("B", t.STRING))),
        {"A": 1},
        {"A": 1, "B": None},
    ),
]


@pytest.mark.parametrize(("sql_type", "raw", "expected"), VALUES)
def test_from_json(sql_type: t.SqlType, raw: Any, expected: Any) -> None:
    assert from_json(sql_type, raw) == expected


def test_to_json_encodes_bytes_as_base64() -> None:
    assert to_json({"B": b"!", "L": [b"#"], "N": 1}) == {"B": "IQ==", "L": ["Iw=="], "N": 1}


def test_to_json_writes_times_as_ksqldb_does() -> None:
    import datetime as dt

    aware = dt.datetime(2026, 11, 26, 13, 0, 1, 250_000, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert to_json(aware) == "2026-11-26T12:00:01.250"
    assert to_json(dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05.000"
    assert to_json(dt.date(2026, 1, 2)) == "2026-01-02"
    assert to_json(dt.time(3, 4, 5, 6000)) == "03:04:05.006"
    # what ksqlDB writes back reads as the same instant
    assert from_json(t.TIMESTAMP, to_json(aware)) == 1795694401250
