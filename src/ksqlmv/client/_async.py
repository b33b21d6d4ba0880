"""The asyncio client for any ksqlDB server: the same operations as `KsqlClient`, awaited."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx

from ksqlmv.client import _protocol as p
from ksqlmv.client._base import STREAM_TIMEOUT, ClientOptions
from ksqlmv.client._results import QueryResult
from ksqlmv.config import Settings
from ksqlmv.errors import KsqlmvError, ServiceUnavailableError, StatementError

__all__ = ["AsyncKsqlClient", "AsyncPushQuery"]


class AsyncKsqlClient:
    """Statements, pull queries, push queries and inserts, for asyncio code.

    >>> async with AsyncKsqlClient("http://localhost:8088") as ksql:   # doctest: +SKIP
    ...     async with await ksql.stream("SELECT * FROM orders EMIT CHANGES;") as query:
    ...         async for row in query:
    ...             print(row.as_dict())
    """

    def __init__(
        self, url: str | None = None, *, options: ClientOptions | None = None, **overrides: Any
    ) -> None:
        self.options = ClientOptions.resolve(url, options, overrides)
        self._http = httpx.AsyncClient(**self.options.httpx_arguments())
        self._http2: httpx.AsyncClient | None = None
        self._command_sequence_number: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AsyncKsqlClient:
        """A client for the server and credentials that `settings` name."""
        return cls(options=ClientOptions.from_settings(settings))

    async def __aenter__(self) -> AsyncKsqlClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every connection."""
        await self._http.aclose()
        if self._http2 is not None:
            await self._http2.aclose()

    async def execute(
        self,
        statements: str,
        *,
        properties: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Run non-query statements through `/ksql`; one ksqlDB entity per statement."""
        body = p.ksql_body(statements, properties, variables, self._command_sequence_number)
        response = await self._send("POST", "/ksql", body)
        entities: list[dict[str, Any]] = p.loads(response.content)
        self._command_sequence_number = p.last_command_sequence(
            entities, self._command_sequence_number
        )
        return entities

    async def info(self) -> dict[str, Any]:
        """`GET /info`: version, Kafka cluster id, service id and server status."""
        response = await self._send("GET", "/info")
        info: dict[str, Any] = p.loads(response.content)["KsqlServerInfo"]
        return info

    async def health(self) -> dict[str, Any]:
        """`GET /healthcheck`."""
        health: dict[str, Any] = p.loads((await self._send("GET", "/healthcheck")).content)
        return health

    async def pull(
        self,
        sql: str,
        *,
        properties: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        """Run a pull query to completion and return its typed rows."""
        async with await self.stream(sql, properties=properties, variables=variables) as query:
            rows = [row async for row in query]
            return QueryResult(query.header, rows)

    async def stream(
        self,
        sql: str,
        *,
        properties: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        tombstones: bool = False,
    ) -> AsyncPushQuery:
        """Start a query on `/query-stream`; iterate its typed rows with `async for`."""
        body = p.query_body(sql, properties, variables)
        request = self._http.build_request(
            "POST",
            "/query-stream",
            content=p.dumps(body),
            headers=p.query_stream_headers(tombstones),
            timeout=STREAM_TIMEOUT,
        )
        try:
            response = await self._http.send(request, stream=True)
        except httpx.TransportError as error:
            raise p.unavailable(self.options.url, error) from error
        if response.status_code >= 300:
            content = await response.aread()
            await response.aclose()
            raise p.error_from_response(response.status_code, content)
        query = AsyncPushQuery(self, response, tombstones=tombstones)
        await query.start()
        return query

    async def subscribe(
        self,
        sql: str,
        *,
        properties: Mapping[str, Any] | None = None,
        tombstones: bool = False,
        max_backoff: float = 10.0,
    ) -> AsyncIterator[p.Row | None]:
        """Iterate a push query for ever, reconnecting with back-off; `None` marks each start."""
        backoff = 0.25
        while True:
            try:
                async with await self.stream(
                    sql, properties=properties, tombstones=tombstones
                ) as query:
                    yield None
                    backoff = 0.25
                    async for row in query:
                        yield row
                return
            except ServiceUnavailableError:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, max_backoff)

    async def close_query(self, query_id: str) -> None:
        """`POST /close-query`: stop a push query started elsewhere."""
        await self._send("POST", "/close-query", p.closed_query_body(query_id))

    async def insert(self, target: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Insert rows through `/inserts-stream` (HTTP/2); one acknowledgement per row."""
        if self._http2 is None:
            arguments = self.options.httpx_arguments(http1=False, http2=True)
            self._http2 = httpx.AsyncClient(**arguments)
        try:
            response = await self._http2.post(
                "/inserts-stream",
                content=p.insert_lines(target, rows),
                headers={"Content-Type": "application/json"},
            )
        except httpx.TransportError as error:
            raise p.unavailable(self.options.url, error) from error
        if response.status_code >= 300:
            raise p.error_from_response(response.status_code, response.content)
        return p.insert_acks(response.text)

    async def _send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **p.request_arguments(body))
        except httpx.TransportError as error:
            raise p.unavailable(self.options.url, error) from error
        if response.status_code >= 300:
            raise p.error_from_response(response.status_code, response.content)
        return response


class AsyncPushQuery:
    """A running query for asyncio: `async for` its rows; `aclose()` stops it."""

    def __init__(
        self, client: AsyncKsqlClient, response: httpx.Response, *, tombstones: bool
    ) -> None:
        self._client = client
        self._response = response
        self._closed = False
        self._ended = False
        self._items = self._parse(tombstones)
        self.header: p.QueryHeader

    async def start(self) -> None:
        """Read the query's header (done by `AsyncKsqlClient.stream`)."""
        first = await anext(self._items, None)
        if not isinstance(first, p.QueryHeader):
            await self.aclose()
            raise StatementError("the server ended the query before its header")
        self.header = first

    @property
    def query_id(self) -> str | None:
        """The server's id for this query (used by `/close-query`)."""
        return self.header.query_id

    async def __aenter__(self) -> AsyncPushQuery:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def __aiter__(self) -> AsyncIterator[p.Row]:
        async for item in self._items:
            if isinstance(item, p.Row):
                yield item

    async def aclose(self) -> None:
        """Stop the query and free its connection; a query still running is closed on the
        server too (`/close-query`), as `PushQuery.close` does."""
        if self._closed:
            return
        self._closed = True
        header = getattr(self, "header", None)
        if not self._ended and header is not None and header.query_id:
            with contextlib.suppress(KsqlmvError):
                await self._client.close_query(header.query_id)
        await self._response.aclose()

    async def _parse(self, tombstones: bool) -> AsyncIterator[p.QueryHeader | p.Row]:
        parser = p.StreamParser(tombstones=tombstones)
        try:
            async for chunk in self._response.aiter_text():
                for item in parser.feed(chunk):
                    yield item
            self._ended = True
            for item in parser.finish():
                yield item
        except (httpx.TransportError, httpx.StreamClosed) as error:
            if self._closed:
                return
            if isinstance(error, httpx.TransportError):
                raise p.unavailable(self._client.options.url, error) from error
            raise
