"""Requests and responses as handlers see them, whatever protocol carried them.

A handler is `async def handler(request: Request) -> Response | StreamingResponse`. The HTTP/1.1
connection (and any later HTTP/2 one) builds the `Request` and writes the answer; handlers never see
the wire. Paths stay percent-encoded (`raw_path`) because routing must split on `/` before
decoding: a Schema Registry subject may contain `%2F`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from ksqlmv.errors import HttpError

__all__ = [
    "Answer",
    "App",
    "Request",
    "Response",
    "StreamingResponse",
    "json_response",
    "parse_bool",
]

JSON = "application/json"
_TRUE = frozenset({"true"})


class Request:
    """One HTTP request: method, percent-encoded path, query, headers (lower-case names), body.

    `http_version` is "1.0", "1.1" or "2". `body_stream` is None unless the server was told to
    hand this path's body over while it arrives (see `Http2Factory(streaming_paths=...)`).
    """

    __slots__ = (
        "_query",
        "body",
        "body_stream",
        "headers",
        "http_version",
        "method",
        "path_params",
        "raw_path",
    )

    def __init__(
        self,
        method: str,
        raw_path: str,
        query_string: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        http_version: str = "1.1",
    ) -> None:
        self.method = method
        self.raw_path = raw_path
        self.headers: dict[str, str] = headers if headers is not None else {}
        self.body = body
        # Set (by HTTP/2) only for paths served while their body still arrives; `body` is then
        # empty and the handler reads the chunks from here.
        self.body_stream: AsyncIterator[bytes] | None = None
        self.http_version = http_version
        self.path_params: dict[str, str] = {}
        self._query: dict[str, list[str]] | str = query_string

    @property
    def query(self) -> dict[str, list[str]]:
        """Query parameters, each name with every value it was given (blank values kept)."""
        if isinstance(self._query, str):
            self._query = parse_qs(self._query, keep_blank_values=True)
        return self._query

    def query_value(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter, or `default` when it is absent."""
        values = self.query.get(name)
        return values[0] if values else default

    def query_bool(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter read case-insensitively (`True`, `true`), as Jersey does."""
        value = self.query_value(name)
        return default if value is None else parse_bool(value)

    def query_int(self, name: str, default: int) -> int:
        """An integer query parameter; anything unparsable is a 404, as JAX-RS answers it."""
        value = self.query_value(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise HttpError(404, "HTTP 404 Not Found") from None

    def json(self) -> Any:
        """The body parsed as JSON; a malformed body is a 400 carrying the parser's reason."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise HttpError(400, f"Unexpected character in JSON body: {error}") from None

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.raw_path}>"


def parse_bool(value: str) -> bool:
    """Read a boolean the way Java's `Boolean.parseBoolean` does: only `true` (any case) is true."""
    return value.lower() in _TRUE


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer: status, extra headers and a body of known length."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class StreamingResponse:
    """An answer whose body arrives piece by piece (sent chunked over HTTP/1.1).

    `chunks` is consumed once; the connection closes it (`aclose`) if the client goes away.
    """

    chunks: AsyncIterator[bytes]
    status: int = 200
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=())


Answer = Response | StreamingResponse
App = Callable[[Request], Awaitable[Answer]]


def json_response(
    data: Any,
    status: int = 200,
    content_type: str = JSON,
    headers: Iterable[tuple[str, str]] = (),
) -> Response:
    """Serialise `data` compactly (no spaces, UTF-8, non-ASCII kept) into a response."""
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(status, body, content_type, tuple(headers))
