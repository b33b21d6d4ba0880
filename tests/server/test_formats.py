"""Pure pieces of the server, table-driven: REST values out and in, request properties, response
formats and content negotiation, error codes to statuses."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.queries.results import ResultSchema
from ksqlmv.errors import StatementError
from ksqlmv.server.errors import status_of
from ksqlmv.server.properties import normalize, resolve
from ksqlmv.server.streaming import Format, QueueSubscriber, ResultWriter, choose_format
from ksqlmv.server.values import CoercionError, row_encoder, value_decoder, value_encoder
from ksqlmv.sql.types import (
    BIGINT,
    BOOLEAN,
    BYTES,
    DATE,
    DOUBLE,
    INTEGER,
    STRING,
    TIME,
    TIMESTAMP,
    ArrayType,
    DecimalType,
    MapType,
    SqlType,
    StructField,
    StructType,
)

STRUCT = StructType((StructField("A", STRING), StructField("b", ArrayType(INTEGER))))

ENCODED: list[tuple[SqlType, Any, str]] = [
    (BOOLEAN, True, "true"),
    (INTEGER, 7, "7"),
    (BIGINT, -(2**40), str(-(2**40))),
    (DOUBLE, 1.5, "1.5"),
    (DOUBLE, float("nan"), "NaN"),
    (DecimalType(6, 2), Decimal("10.50"), "10.50"),
    (DecimalType(30, 0), Decimal("1E+25"), "10000000000000000000000000"),
    (STRING, 'é"\n', '"é\\"\\n"'),
    (BYTES, b"\x21", '"IQ=="'),
    (TIMESTAMP, 1_700_000_000_123, '"2023-11-14T22:13:20.123"'),
    (DATE, 19_000, '"2022-01-08"'),
    (TIME, 3_600_000, '"01:00"'),
    (TIME, 3_661_005, '"01:01:01.005"'),
    (ArrayType(STRING), ["a", None], '["a",null]'),
    (MapType(STRING, BIGINT), {"k": 1}, '{"k":1}'),
    (MapType(INTEGER, STRING), {1: "x"}, '{"1":"x"}'),
    (STRUCT, {"A": "x", "b": [1]}, '{"A":"x","b":[1]}'),
    (STRING, None, "null"),
]


@pytest.mark.parametrize(("sql_type", "value", "text"), ENCODED)
def test_values_as_ksqldb_writes_them(sql_type: SqlType, value: Any, text: str) -> None:
    assert value_encoder(sql_type)(value) == text


def test_rows_encode_as_json_arrays() -> None:
    assert row_encoder((STRING, BIGINT))(("a", 1)) == '["a",1]'
    encoded = row_encoder((STRING, DecimalType(4, 2), TIMESTAMP))(("a", Decimal("1.20"), 0))
    assert encoded == '["a",1.20,"1970-01-01T00:00:00.000"]'
    assert json.loads(encoded, parse_float=Decimal) == [
        "a",
        Decimal("1.20"),
        "1970-01-01T00:00:00.000",
    ]


DECODED: list[tuple[SqlType, Any, Any]] = [
    (INTEGER, 5, 5),
    (INTEGER, 5.0, 5),
    (BIGINT, 2**40, 2**40),
    (DOUBLE, 2, 2.0),
    (DecimalType(4, 2), 1.5, Decimal("1.50")),
    (DecimalType(4, 2), "1.5", Decimal("1.50")),
    (STRING, "x", "x"),
    (BOOLEAN, "true", True),
    (BYTES, "IQ==", b"!"),
    (TIMESTAMP, "2023-11-14T22:13:20.123", 1_700_000_000_123),
    (TIMESTAMP, 12, 12),
    (DATE, "2022-01-08", 19_000),
    (TIME, "01:01:01.005", 3_661_005),
    (ArrayType(INTEGER), [1, None], [1, None]),
    (STRUCT, {"a": "x"}, {"A": "x", "b": None}),
]


@pytest.mark.parametrize(("sql_type", "value", "expected"), DECODED)
def test_values_read_from_json(sql_type: SqlType, value: Any, expected: Any) -> None:
    assert value_decoder(sql_type)(value) == expected


@pytest.mark.parametrize(
    ("sql_type", "value"),
    [(INTEGER, "5"), (INTEGER, 2**40), (INTEGER, 1.5), (STRING, 5), (BOOLEAN, 1), (BYTES, "%%")],
)
def test_values_that_do_not_fit(sql_type: SqlType, value: Any) -> None:
    with pytest.raises(CoercionError, match="Can't coerce"):
        value_decoder(sql_type)(value)


@pytest.mark.parametrize(
    ("name", "resolved"),
    [
        ("ksql.service.id", "ksql.service.id"),
        ("ksql.streams.auto.offset.reset", "auto.offset.reset"),
        ("auto.offset.reset", "auto.offset.reset"),
        ("ksql.streams.producer.linger.ms", "producer.linger.ms"),
        ("ksql.functions.my_udf.setting", "ksql.functions.my_udf.setting"),
        ("ksql.no.such.setting", None),
        ("ksql.streams.no.such", None),
        ("made.up", None),
    ],
)
def test_property_names(name: str, resolved: str | None) -> None:
    assert resolve(name) == resolved


def test_properties_are_checked_and_normalized() -> None:
    assert normalize({"ksql.streams.auto.offset.reset": "Earliest"}) == {
        "ksql.streams.auto.offset.reset": "earliest",
        "auto.offset.reset": "earliest",
    }
    assert normalize({"ksql.query.pull.table.scan.enabled": "false"}) == {
        "ksql.query.pull.table.scan.enabled": False
    }
    with pytest.raises(StatementError) as failed:
        normalize({"commit.interval.ms": "soon"})
    assert failed.value.error_code == 40000


@pytest.mark.parametrize(
    ("accept", "old_api", "chosen"),
    [
        (None, False, Format.DELIMITED),
        (None, True, Format.KSQL_JSON),
        ("application/json", False, Format.JSON),
        ("application/json", True, Format.KSQL_JSON),
        ("application/vnd.ksql.v1+json", False, Format.KSQL_JSON),
        ("text/csv;q=1, application/vnd.ksqlapi.delimited.v1;q=0.5", False, Format.DELIMITED),
        ("application/json;q=0.2, application/vnd.ksql.v1+json;q=0.9", False, Format.KSQL_JSON),
        ("*/*", False, Format.DELIMITED),
        ("text/csv", False, None),
    ],
)
def test_content_negotiation(accept: str | None, old_api: bool, chosen: Format | None) -> None:
    assert choose_format(accept, old_api=old_api) == chosen


SCHEMA = ResultSchema(("ID", "N"), (STRING, BIGINT), (True, False), pull=True)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            Format.DELIMITED,
            '{"queryId":"q1","columnNames":["ID","N"],"columnTypes":["STRING","BIGINT"]}\n'
            '["a",1]\n',
        ),
        (
            Format.JSON,
            '[{"queryId":"q1","columnNames":["ID","N"],"columnTypes":["STRING","BIGINT"]},["a",1]]',
        ),
        (
            Format.KSQL_JSON,
            '[{"header":{"queryId":"q1","schema":"`ID` STRING KEY, `N` BIGINT"}},\n'
            '{"row":{"columns":["a",1]}},\n'
            '{"row":{"columns":["b",null],"tombstone":true}},\n'
            '{"finalMessage":"Limit Reached"}]',
        ),
    ],
)
def test_result_formats(fmt: Format, expected: str) -> None:
    writer = ResultWriter(fmt, SCHEMA, "q1")
    body = (
        writer.header()
        + writer.items([(("a", 1), False), (("b", None), True)])
        + writer.final_message("Limit Reached")
        + writer.end()
    )
    assert body.decode() == expected


def test_push_queue_counts_its_limit() -> None:
    import asyncio

    async def main() -> tuple[list[Any], bool]:
        subscriber = QueueSubscriber(limit=2)
        for value in range(4):
            subscriber.row((value,), False)
        batches = [batch async for batch in subscriber.batches()]
        return batches, subscriber.limit_reached

    batches, reached = asyncio.run(main())
    assert batches == [[((0,), False), ((1,), False)]]
    assert reached


@pytest.mark.parametrize(("code", "status"), [(40001, 400), (40100, 401), (50301, 503), (417, 417)])
def test_error_codes_map_to_statuses(code: int, status: int) -> None:
    assert status_of(code) == status
