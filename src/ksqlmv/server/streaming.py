"""How query results are written: the three formats of `/query-stream` and `/query`, and the
queue between a push query's pipeline and its HTTP response.

Formats (chosen by `Accept`, as ksqlDB's QueryStreamHandler chooses):

* `application/vnd.ksqlapi.delimited.v1` (default of `/query-stream`): the metadata object, then
  one JSON array per row, each on its own line; tombstones are dropped;
* `application/json`: the same items as one JSON array written as it goes;
* `application/vnd.ksql.v1+json` (and the default of `/query`): ksqlDB's StreamedRow array,
  `[{"header":{"queryId":..,"schema":..}}, {"row":{"columns":[..]}}, ...]` with tombstones
  flagged and push queries ending with `{"finalMessage":"Limit Reached"}` at their LIMIT (or
  `"Query Completed"`).

An error after the header is written in place of a row (`{"@type":"generic_error",...}` or, for
StreamedRow, `{"errorMessage":{...}}`).
"""

from __future__ import annotations

import asyncio
import enum
import json
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from ksqlmv.engine.queries.results import ResultSchema
from ksqlmv.server.values import row_encoder

__all__ = [
    "DELIMITED",
    "KSQL_JSON",
    "Format",
    "QueueSubscriber",
    "ResultWriter",
    "choose_format",
]

DELIMITED = "application/vnd.ksqlapi.delimited.v1"
KSQL_JSON = "application/vnd.ksql.v1+json"
KSQL_PROTOBUF = "application/vnd.ksql.v1+protobuf"
JSON = "application/json"
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

MAX_BUFFERED_ROWS = 100_000
"""Rows a push query keeps for a client that reads slower than they come; beyond, it ends."""


class Format(enum.Enum):
    """A response format, by its media type."""

    DELIMITED = DELIMITED
    JSON = JSON
    KSQL_JSON = KSQL_JSON


def _accepted(accept: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media and weight > 0:
            ranked.append((-weight, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def choose_format(accept: str | None, *, old_api: bool) -> Format | None:
    """The format for an `Accept` header; None when nothing acceptable is offered (406)."""
    if not accept:
        return Format.KSQL_JSON if old_api else Format.DELIMITED
    for media in _accepted(accept):
        if media == DELIMITED:
            return Format.DELIMITED
        if media == KSQL_JSON:
            return Format.KSQL_JSON
        if media == JSON:
            return Format.KSQL_JSON if old_api else Format.JSON
        if media in ("*/*", "application/*"):
            return Format.KSQL_JSON if old_api else Format.DELIMITED
    return None


class ResultWriter:
    """Turns a query's header, rows and ending into the bytes of one format."""

    def __init__(self, fmt: Format, schema: ResultSchema, query_id: str | None) -> None:
        self.format = fmt
        self.schema = schema
        self.query_id = query_id
        self.encode = row_encoder(schema.types)
        self.content_type = fmt.value

    def header(self) -> bytes:
        """The first bytes of the response."""
        if self.format is Format.KSQL_JSON:
            head: dict[str, Any] = {"schema": self.schema.schema_text()}
            if self.query_id is not None:
                head = {"queryId": self.query_id, **head}
            return ("[" + _dumps({"header": head})).encode()
        metadata = _dumps(self.schema.metadata(self.query_id))
        if self.format is Format.JSON:
            return ("[" + metadata).encode()
        return (metadata + "\n").encode()

    def rows(self, rows: Sequence[Sequence[Any]]) -> bytes:
        """Rows that are not tombstones."""
        encode = self.encode
        if self.format is Format.DELIMITED:
            return "".join(encode(r) + "\n" for r in rows).encode()
        if self.format is Format.JSON:
            return "".join("," + encode(r) for r in rows).encode()
        return "".join(',\n{"row":{"columns":' + encode(r) + "}}" for r in rows).encode()

    def tombstone(self, row: Sequence[Any]) -> bytes:
        """A table tombstone: only the StreamedRow format carries them."""
        if self.format is not Format.KSQL_JSON:
            return b""
        return (',\n{"row":{"columns":' + self.encode(row) + ',"tombstone":true}}').encode()

    def items(self, items: Sequence[tuple[Sequence[Any], bool]]) -> bytes:
        """Rows and tombstones in order."""
        if not any(t for _, t in items):
            return self.rows([r for r, _ in items])
        return b"".join(self.tombstone(r) if t else self.rows([r]) for r, t in items)

    def error(self, body: dict[str, Any]) -> bytes:
        """An error in place of the next row."""
        if self.format is Format.KSQL_JSON:
            return (",\n" + _dumps({"errorMessage": body})).encode()
        if self.format is Format.JSON:
            return ("," + _dumps(body)).encode()
        return (_dumps(body) + "\n").encode()

    def final_message(self, message: str) -> bytes:
        """`{"finalMessage": ...}`: only the StreamedRow format has one."""
        if self.format is not Format.KSQL_JSON:
            return b""
        return (",\n" + _dumps({"finalMessage": message})).encode()

    def end(self) -> bytes:
        """The last bytes of the response."""
        return b"" if self.format is Format.DELIMITED else b"]"


class QueueSubscriber:
    """A push query's rows waiting for its response, with its LIMIT counted.

    The pipeline calls `row`/`end` on the engine's thread (the event loop); the response reads
    `batches()`.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.count = 0
        self.items: deque[tuple[Any, bool]] = deque()
        self.finished = False
        self.limit_reached = limit == 0
        self.error: str | None = None
        self._wake = asyncio.Event()
        self.on_finish: Callable[[], None] | None = None
        if self.limit_reached:
            self.finished = True

    def row(self, values: Any, tombstone: bool) -> None:
        """A row from the pipeline."""
        if self.finished:
            return
        self.items.append((values, tombstone))
        self.count += 1
        if self.limit is not None and self.count >= self.limit:
            self.limit_reached = True
            self._finish()
        elif len(self.items) > MAX_BUFFERED_ROWS:
            self.end("The client did not read the query's rows fast enough; query closed.")
        self._wake.set()

    def end(self, error: str | None) -> None:
        """The query stops (`error` says why when it failed)."""
        if self.finished:
            return
        self.error = error
        self._finish()
        self._wake.set()

    def _finish(self) -> None:
        self.finished = True
        if self.on_finish is not None:
            self.on_finish()

    async def batches(self) -> AsyncIterator[list[tuple[Any, bool]]]:
        """Everything that arrived since the last batch, until the query ends."""
        while True:
            if not self.items and not self.finished:
                self._wake.clear()
                await self._wake.wait()
            if self.items:
                batch = list(self.items)
                self.items.clear()
                yield batch
            elif self.finished:
                return
