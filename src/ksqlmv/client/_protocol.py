"""ksqlDB's REST protocol, without I/O: request bodies, response shapes, errors, streamed rows.

The sync and async clients share everything here and add only the transport calls, so the two
cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from ksqlmv.client._values import from_json, parse_type, to_json
from ksqlmv.errors import (
    AuthenticationError,
    ProtocolError,
    ServiceUnavailableError,
    StatementError,
)
from ksqlmv.sql.types import SqlType

__all__ = [
    "DELIMITED",
    "KSQL_JSON",
    "JsonArrayStream",
    "QueryHeader",
    "Row",
    "StatementFailed",
    "StreamParser",
    "closed_query_body",
    "error_from_response",
    "insert_acks",
    "ksql_body",
    "last_command_sequence",
    "parse_delimited_line",
    "parse_streamed_row",
    "query_body",
    "query_stream_headers",
    "request_arguments",
    "unavailable",
]

KSQL_JSON = "application/vnd.ksql.v1+json"
"""The media type of `/ksql` and of `/query`-style StreamedRow responses."""

DELIMITED = "application/vnd.ksqlapi.delimited.v1"
"""`/query-stream`'s default format: a header line, then one JSON array per row."""


class StatementFailed(StatementError):
    """A statement error from `/ksql`, with the entities of the statements that already ran."""

    def __init__(
        self, message: str, error_code: int, statement: str, entities: list[dict[str, Any]]
    ) -> None:
        super().__init__(message, error_code, statement)
        self.entities = entities


@dataclass(frozen=True, slots=True)
class QueryHeader:
    """What a query's first message says: its id and its columns with their types."""

    query_id: str | None
    column_names: tuple[str, ...]
    column_types: tuple[SqlType, ...]
    key_columns: tuple[str, ...] = ()
    """Names of the key columns, where the server says which they are (`/query` schemas)."""

    @classmethod
    def from_stream_metadata(cls, metadata: Mapping[str, Any]) -> QueryHeader:
        """From `/query-stream`'s `{"queryId", "columnNames", "columnTypes"}` object."""
        return cls(
            metadata.get("queryId"),
            tuple(metadata["columnNames"]),
            tuple(parse_type(text) for text in metadata["columnTypes"]),
        )

    @classmethod
    def from_schema(cls, query_id: str | None, schema: str) -> QueryHeader:
        """From `/query`'s header schema string: `` `ID` STRING KEY, `COUNT` BIGINT ``."""
        names: list[str] = []
        types: list[SqlType] = []
        keys: list[str] = []
        for column in _split_top_level(schema):
            name, _, rest = _split_column(column)
            for suffix in (" PRIMARY KEY", " KEY"):
                if rest.endswith(suffix):
                    rest = rest[: -len(suffix)]
                    keys.append(name)
                    break
            if " HEADER" in rest:
                rest = rest[: rest.index(" HEADER")]
            names.append(name)
            types.append(parse_type(rest))
        return cls(query_id, tuple(names), tuple(types), tuple(keys))

    def row(self, values: Sequence[Any], *, tombstone: bool = False) -> Row:
        """Type the JSON values of one row."""
        if len(values) != len(self.column_types):
            raise ProtocolError(
                f"row has {len(values)} values for {len(self.column_types)} columns"
            )
        typed = tuple(
            from_json(sql_type, value)
            for sql_type, value in zip(self.column_types, values, strict=True)
        )
        return Row(self.column_names, typed, tombstone)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a query result: values in column order, addressable by name or index."""

    columns: tuple[str, ...]
    values: tuple[Any, ...]
    tombstone: bool = field(default=False)

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self.values[key]
        try:
            return self.values[self.columns.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __len__(self) -> int:
        return len(self.values)

    def as_dict(self) -> dict[str, Any]:
        """Column name to value."""
        return dict(zip(self.columns, self.values, strict=True))


def ksql_body(
    statements: str,
    properties: Mapping[str, Any] | None,
    variables: Mapping[str, Any] | None,
    command_sequence_number: int | None,
) -> dict[str, Any]:
    """The JSON body of a `/ksql` request."""
    body: dict[str, Any] = {"ksql": statements, "streamsProperties": dict(properties or {})}
    if variables:
        body["sessionVariables"] = dict(variables)
    if command_sequence_number is not None:
        body["commandSequenceNumber"] = command_sequence_number
    return body


def query_body(
    sql: str, properties: Mapping[str, Any] | None, variables: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The JSON body of a `/query-stream` request."""
    body: dict[str, Any] = {"sql": sql, "properties": dict(properties or {})}
    if variables:
        body["sessionVariables"] = dict(variables)
    return body


def request_arguments(body: Any) -> dict[str, Any]:
    """The `content` and `headers` of a request with an optional JSON body (`/ksql`, ...)."""
    if body is None:
        return {"content": None, "headers": None}
    return {"content": dumps(body), "headers": {"Content-Type": KSQL_JSON}}


def query_stream_headers(tombstones: bool) -> dict[str, str]:
    """The headers of a `/query-stream` request: StreamedRow JSON when tombstones are wanted
    (it marks table deletions), else the delimited format."""
    return {"Accept": KSQL_JSON if tombstones else DELIMITED, "Content-Type": "application/json"}


def last_command_sequence(entities: list[dict[str, Any]], current: int | None) -> int | None:
    """The command sequence number the next `/ksql` request waits for, after `entities`."""
    for entity in entities:
        number = entity.get("commandSequenceNumber")
        if isinstance(number, int) and number >= 0:
            current = number
    return current


def closed_query_body(query_id: str) -> dict[str, Any]:
    """The JSON body of `/close-query`."""
    return {"queryId": query_id}


def insert_lines(target: str, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The request body of `/inserts-stream`: the target, then one JSON object per line."""
    lines = [json.dumps({"target": target})]
    lines.extend(dumps(to_json(dict(row))) for row in rows)
    return ("\n".join(lines) + "\n").encode()


def insert_acks(text: str) -> list[dict[str, Any]]:
    """The acknowledgements of an `/inserts-stream` response, one per row; an error one raises
    `StatementError` naming the row."""
    acks = [loads(line) for line in text.splitlines() if line.strip()]
    for ack in acks:
        if ack.get("status") == "error":
            message = f"row {ack.get('seq')}: {ack.get('message')}"
            raise StatementError(message, int(ack.get("error_code", 40000)))
    return acks


def dumps(value: Any) -> str:
    """JSON text with Decimal written as a plain number, as ksqlDB reads it."""
    return json.dumps(value, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if float(value) == value else str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def loads(text: str | bytes) -> Any:
    """Parse JSON keeping exact decimals (every float becomes a Decimal)."""
    return json.loads(text, parse_float=Decimal)


def parse_delimited_line(header: QueryHeader | None, line: str) -> QueryHeader | Row | None:
    """One line of a delimited `/query-stream` response: the header, a row, or nothing.

    Raises `StatementError` for an error object written in place of a row.
    """
    if not line.strip():
        return None
    item = loads(line)
    if isinstance(item, list):
        if header is None:
            raise ProtocolError("row before the query's header")
        return header.row(item)
    if "columnNames" in item:
        return QueryHeader.from_stream_metadata(item)
    if "error_code" in item:
        raise StatementError(item.get("message", "query failed"), int(item["error_code"]))
    return None


def parse_streamed_row(
    header: QueryHeader | None, item: Mapping[str, Any]
) -> QueryHeader | Row | None:
    """One StreamedRow object of `/query` (or `/query-stream` in the ksql JSON format)."""
    if "header" in item:
        head = item["header"]
        return QueryHeader.from_schema(head.get("queryId"), head["schema"])
    if "row" in item:
        if header is None:
            raise ProtocolError("row before the query's header")
        row = item["row"]
        return header.row(row["columns"], tombstone=bool(row.get("tombstone", False)))
    if "errorMessage" in item:
        error = item["errorMessage"]
        raise StatementError(
            error.get("message", "query failed"), int(error.get("error_code", 50000))
        )
    return None


class JsonArrayStream:
    """Reads the items of a JSON array that arrives in chunks, as `/query` writes it."""

    def __init__(self) -> None:
        self._buffer = ""
        self._decoder = json.JSONDecoder(parse_float=Decimal)

    def feed(self, text: str) -> list[Any]:
        """Add a chunk; return every item now complete."""
        self._buffer += text
        items: list[Any] = []
        position = 0
        buffer = self._buffer
        while True:
            while position < len(buffer) and buffer[position] in "[], \r\n\t":
                position += 1
            if position >= len(buffer):
                break
            try:
                item, end = self._decoder.raw_decode(buffer, position)
            except json.JSONDecodeError:
                break
            items.append(item)
            position = end
        self._buffer = buffer[position:]
        return items


class StreamParser:
    """Turns the text of a query response, chunk by chunk, into its header and typed rows.

    Reads the delimited format (`tombstones=False`: a header line, then one array per line) or
    the StreamedRow format (`tombstones=True`: one JSON array of header/row objects).
    """

    def __init__(self, *, tombstones: bool) -> None:
        self.header: QueryHeader | None = None
        self._array = JsonArrayStream() if tombstones else None
        self._partial_line = ""

    def feed(self, text: str) -> list[QueryHeader | Row]:
        """Add a chunk of the response; return the header and rows it completes."""
        items: list[QueryHeader | Row] = []
        if self._array is not None:
            for raw in self._array.feed(text):
                self._keep(parse_streamed_row(self.header, raw), items)
            return items
        lines = (self._partial_line + text).split("\n")
        self._partial_line = lines.pop()
        for line in lines:
            self._keep(parse_delimited_line(self.header, line), items)
        return items

    def finish(self) -> list[QueryHeader | Row]:
        """The last items, once the response has ended."""
        line, self._partial_line = self._partial_line, ""
        items: list[QueryHeader | Row] = []
        if self._array is None:
            self._keep(parse_delimited_line(self.header, line), items)
        return items

    def _keep(self, item: QueryHeader | Row | None, items: list[QueryHeader | Row]) -> None:
        if isinstance(item, QueryHeader):
            self.header = item
        if item is not None:
            items.append(item)


def error_from_response(status: int, body: bytes) -> Exception:
    """The exception for a non-2xx response, carrying ksqlDB's error code and message."""
    try:
        payload = loads(body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        text = body.decode(errors="replace").strip() or f"HTTP {status}"
        if status == 401:
            return AuthenticationError(f"ksqlDB refused the credentials: {text}")
        return StatementError(text, status * 100)
    message = str(payload.get("message", f"HTTP {status}"))
    error_code = int(payload.get("error_code", status * 100))
    if status in (401, 403):
        return AuthenticationError(message)
    if payload.get("@type") == "statement_error":
        return StatementFailed(
            message, error_code, str(payload.get("statementText", "")), payload.get("entities", [])
        )
    return StatementError(message, error_code)


def unavailable(url: str, error: httpx.TransportError) -> ServiceUnavailableError:
    """The one-line error for a server that cannot be reached."""
    reason = str(error) or type(error).__name__
    return ServiceUnavailableError(f"cannot reach the ksqlDB server at {url}: {reason}")


def _split_top_level(schema: str) -> list[str]:
    """Split a schema string at commas that are not inside <...> or (...) or back-quotes."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(schema):
        if char == "`":
            quoted = not quoted
        elif not quoted and char in "<(":
            depth += 1
        elif not quoted and char in ">)":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            parts.append(schema[start:index].strip())
            start = index + 1
    tail = schema[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def _split_column(column: str) -> tuple[str, str, str]:
    """`` `NAME` TYPE ... `` into (name, " ", rest); the name may contain doubled back-quotes."""
    if column.startswith("`"):
        index = 1
        while True:
            end = column.index("`", index)
            if column.startswith("``", end):
                index = end + 2
                continue
            return column[1:end].replace("``", "`"), " ", column[end + 1 :].strip()
    name, _, rest = column.partition(" ")
    return name, " ", rest.strip()
