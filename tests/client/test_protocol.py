"""ksqlDB's REST response shapes, read chunk by chunk (examples from ksqlDB's documentation)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ksqlmv.client import QueryHeader, Row, StatementFailed
from ksqlmv.client._protocol import JsonArrayStream, StreamParser, error_from_response
from ksqlmv.errors import AuthenticationError, StatementError
from ksqlmv.sql import types as t

DELIMITED = (
    '{"queryId":"xyz123","columnNames":["COL","COL2"],"columnTypes":["BIGINT","STRING"]}\n'
    '[123,"blah"]\n[432,"foo"]\n'
)
STREAMED = (
    '[{"header":{"queryId":"q1","schema":"`ROWTIME` BIGINT, `NAME` STRING KEY, `ID` INTEGER"}},\n'
    '{"row":{"columns":[1524760769983,"alice",10]}},\n'
    '{"row":{"columns":[null,"alice",null],"tombstone":true}},\n'
    '{"finalMessage":"Query Completed"}]'
)


def chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_delimited_stream_in_any_chunking(size: int) -> None:
    parser = StreamParser(tombstones=False)
    items = [item for chunk in chunks(DELIMITED, size) for item in parser.feed(chunk)]
    items += parser.finish()
    header, *rows = items
    assert header == QueryHeader("xyz123", ("COL", "COL2"), (t.BIGINT, t.STRING))
    assert [row.values for row in rows if isinstance(row, Row)] == [(123, "blah"), (432, "foo")]


@pytest.mark.parametrize("size", [1, 13, 1000])
def test_streamed_rows_keep_keys_and_tombstones(size: int) -> None:
    parser = StreamParser(tombstones=True)
    items = [item for chunk in chunks(STREAMED, size) for item in parser.feed(chunk)]
    header, live, deleted = items
    assert isinstance(header, QueryHeader)
    assert header.key_columns == ("NAME",)
    assert isinstance(live, Row) and live.as_dict() == {
        "ROWTIME": 1524760769983,
        "NAME": "alice",
        "ID": 10,
    }
    assert isinstance(deleted, Row) and deleted.tombstone and deleted["NAME"] == "alice"


def test_schema_with_header_columns_and_struct_types() -> None:
    header = QueryHeader.from_schema(
        None, "`K` INTEGER KEY, `HEADER` BYTES HEADER('abc'), `S` STRUCT<`A` INTEGER, `B` STRING>"
    )
    assert header.column_names == ("K", "HEADER", "S")
    assert header.column_types[1] == t.BYTES
    assert header.key_columns == ("K",)


def test_error_object_in_place_of_a_row() -> None:
    parser = StreamParser(tombstones=False)
    parser.feed(DELIMITED)
    with pytest.raises(StatementError, match="boom") as raised:
        parser.feed('{"@type":"generic_error","error_code":50000,"message":"boom"}\n')
    assert raised.value.error_code == 50000


def test_json_array_stream_keeps_exact_decimals() -> None:
    stream = JsonArrayStream()
    assert stream.feed('[{"a": 1.10}, {"b"') == [{"a": Decimal("1.10")}]
    assert stream.feed(": 2}]") == [{"b": 2}]


def test_statement_error_carries_entities_that_ran() -> None:
    body = (
        b'{"@type":"statement_error","error_code":40001,"message":"Unknown source",'
        b'"statementText":"SELECT * FROM nope;","entities":[{"@type":"currentStatus"}]}'
    )
    error = error_from_response(400, body)
    assert isinstance(error, StatementFailed)
    assert (error.error_code, error.statement) == (40001, "SELECT * FROM nope;")
    assert error.entities == [{"@type": "currentStatus"}]


def test_unauthorized_is_an_authentication_error() -> None:
    body = b'{"@type":"generic_error","error_code":40100,"message":"Unauthorized"}'
    assert isinstance(error_from_response(401, body), AuthenticationError)


def test_non_json_error_body_keeps_its_text() -> None:
    error = error_from_response(502, b"Bad Gateway")
    assert isinstance(error, StatementError)
    assert (str(error), error.error_code) == ("Bad Gateway", 50200)
