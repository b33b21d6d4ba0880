"""The blocking client for any ksqlDB server (the real one or ksqlmv's own)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx

from ksqlmv.client import _protocol as p
from ksqlmv.client._base import STREAM_TIMEOUT, ClientOptions
from ksqlmv.client._results import QueryResult
from ksqlmv.config import Settings
from ksqlmv.errors import KsqlmvError, ServiceUnavailableError, StatementError

__all__ = ["KsqlClient", "PushQuery"]


class KsqlClient:
    """Statements, pull queries, push queries and inserts against a ksqlDB server.

    >>> with KsqlClient("http://localhost:8088") as ksql:          # doctest: +SKIP
    ...     ksql.execute("CREATE STREAM s (id STRING KEY) WITH (kafka_topic='s', ...);")
    ...     result = ksql.pull("SELECT * FROM revenue_per_minute;")
    ...     for row in ksql.stream("SELECT * FROM orders EMIT CHANGES;"):
    ...         print(row.as_dict())

    Connection failures raise `ServiceUnavailableError` within seconds; refused statements raise
    `StatementError` with ksqlDB's error code; refused credentials raise `AuthenticationError`.
    """

    def __init__(
        self, url: str | None = None, *, options: ClientOptions | None = None, **overrides: Any
    ) -> None:
        self.options = ClientOptions.resolve(url, options, overrides)
        self._http = httpx.Client(**self.options.httpx_arguments())
        self._http2: httpx.Client | None = None
        self._command_sequence_number: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> KsqlClient:
        """A client for the server and credentials that `settings` name."""
        return cls(options=ClientOptions.from_settings(settings))

    def __enter__(self) -> KsqlClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection."""
        self._http.close()
        if self._http2 is not None:
            self._http2.close()

    # -- statements ---------------------------------------------------------------------------

    def execute(
        self,
        statements: str,
        *,
        properties: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Run non-query statements through `/ksql`; one ksqlDB entity per statement.

        Later requests wait for the server to have applied the commands of earlier ones.
        """
        body = p.ksql_body(statements, properties, variables, self._command_sequence_number)
        response = self._send("POST", "/ksql", body)
        entities: list[dict[str, Any]] = p.loads(response.content)
        self._command_sequence_number = p.last_command_sequence(
            entities, self._command_sequence_number
        )
        return entities

    def info(self) -> dict[str, Any]:
        """`GET /info`: version, Kafka cluster id, service id and server status."""
        info: dict[str, Any] = p.loads(self._send("GET", "/info").content)["KsqlServerInfo"]
        return info

    def health(self) -> dict[str, Any]:
        """`GET /healthcheck`."""
        health: dict[str, Any] = p.loads(self._send("GET", "/healthcheck").content)
        return health

    def list_streams(self) -> list[dict[str, Any]]:
        """`SHOW STREAMS;` as a list of stream descriptions."""
        streams: list[dict[str, Any]] = self.execute("SHOW STREAMS;")[0]["streams"]
        return streams

    def list_tables(self) -> list[dict[str, Any]]:
        """`SHOW TABLES;` as a list of table descriptions."""
        tables: list[dict[str, Any]] = self.execute("SHOW TABLES;")[0]["tables"]
        return tables

    def list_queries(self) -> list[dict[str, Any]]:
        """`SHOW QUERIES;` as a list of running queries."""
        queries: list[dict[str, Any]] = self.execute("SHOW QUERIES;")[0]["queries"]
        return queries

    def list_topics(self) -> list[dict[str, Any]]:
        """`SHOW TOPICS;` as a list of topics."""
        topics: list[dict[str, Any]] = self.execute("SHOW TOPICS;")[0]["topics"]
        return topics

    def describe(self, source: str, *, extended: bool = False) -> dict[str, Any]:
        """`DESCRIBE source [EXTENDED];` as ksqlDB's source description."""
        statement = f"DESCRIBE {source}{' EXTENDED' if extended else ''};"
        description: dict[str, Any] = self.execute(statement)[0]["sourceDescription"]
        return description

    # -- queries ------------------------------------------------------------------------------

    def pull(
        self,
        sql: str,
        *,
        properties: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        """Run a pull query to completion and return its typed rows."""
        with self.stream(sql, properties=properties, variables=variables) as query:
            rows = list(query)
            return QueryResult(query.header, rows)

    def stream(
        self,
        sql: str,
        *,
        properties: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        tombstones: bool = False,
    ) -> PushQuery:
        """Start a query on `/query-stream` and iterate its typed rows as they arrive.

        With `tombstones=True` the rows come in ksqlDB's StreamedRow format, which marks table
        deletions with `Row.tombstone`; the default delimited format leaves them out.
        """
        body = p.query_body(sql, properties, variables)
        request = self._http.build_request(
            "POST",
            "/query-stream",
            content=p.dumps(body),
            headers=p.query_stream_headers(tombstones),
            timeout=STREAM_TIMEOUT,
        )
        try:
            response = self._http.send(request, stream=True)
        except httpx.TransportError as error:
            raise p.unavailable(self.options.url, error) from error
        if response.status_code >= 300:
            content = response.read()
            response.close()
            raise p.error_from_response(response.status_code, content)
        return PushQuery(self, response, tombstones=tombstones)

    def subscribe(
        self,
        sql: str,
        *,
        properties: Mapping[str, Any] | None = None,
        tombstones: bool = False,
        max_backoff: float = 10.0,
    ) -> Iterator[p.Row | None]:
        """Iterate a push query for ever, reconnecting with back-off when the server goes away.

        Yields `None` each time the query (re)starts, so a caller can reset what it derived
        from earlier rows. Statement errors are not retried; they raise.
        """
        backoff = 0.25
        while True:
            try:
                with self.stream(sql, properties=properties, tombstones=tombstones) as query:
                    yield None
                    backoff = 0.25
                    yield from query
                return
            except ServiceUnavailableError:
                time.sleep(backoff)
                backoff = min(backoff * 2, max_backoff)

    def close_query(self, query_id: str) -> None:
        """`POST /close-query`: stop a push query started elsewhere."""
        self._send("POST", "/close-query", p.closed_query_body(query_id))

    # -- inserts ------------------------------------------------------------------------------

    def insert(self, target: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Insert rows through `/inserts-stream` (HTTP/2); returns one acknowledgement per row.

        An error acknowledgement raises `StatementError` naming the row.
        """
        if self._http2 is None:
            self._http2 = httpx.Client(**self.options.httpx_arguments(http1=False, http2=True))
        try:
            response = self._http2.post(
                "/inserts-stream",
                content=p.insert_lines(target, rows),
                headers={"Content-Type": "application/json"},
            )
        except httpx.TransportError as error:
            raise p.unavailable(self.options.url, error) from error
        if response.status_code >= 300:
            raise p.error_from_response(response.status_code, response.content)
        return p.insert_acks(response.text)

    # -- transport ----------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        try:
            response = self._http.request(method, path, **p.request_arguments(body))
        except httpx.TransportError as error:
            raise p.unavailable(self.options.url, error) from error
        if response.status_code >= 300:
            raise p.error_from_response(response.status_code, response.content)
        return response


class PushQuery:
    """A running query: iterate its rows; `close()` (or leaving the `with` block) stops it."""

    def __init__(self, client: KsqlClient, response: httpx.Response, *, tombstones: bool) -> None:
        self._client = client
        self._response = response
        self._closed = False
        self._ended = False
        self._items = self._parse(tombstones)
        first = next(self._items, None)
        if not isinstance(first, p.QueryHeader):
            self.close()
            raise StatementError("the server ended the query before its header")
        self.header = first

    @property
    def query_id(self) -> str | None:
        """The server's id for this query (used by `/close-query`)."""
        return self.header.query_id

    def __enter__(self) -> PushQuery:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[p.Row]:
        for item in self._items:
            if isinstance(item, p.Row):
                yield item

    def close(self) -> None:
        """Stop the query and free its connection.

        A query still running is closed on the server too (`/close-query`): closing the response
        alone does not wake a thread blocked reading it, and the server would keep the query.
        """
        if self._closed:
            return
        self._closed = True
        header = getattr(self, "header", None)
        if not self._ended and header is not None and header.query_id:
            with contextlib.suppress(KsqlmvError):
                self._client.close_query(header.query_id)
        self._response.close()

    def _parse(self, tombstones: bool) -> Iterator[p.QueryHeader | p.Row]:
        parser = p.StreamParser(tombstones=tombstones)
        try:
            for chunk in self._response.iter_text():
                yield from parser.feed(chunk)
            self._ended = True
            yield from parser.finish()
        except (httpx.TransportError, httpx.StreamClosed) as error:
            if self._closed:
                return
            if isinstance(error, httpx.TransportError):
                raise p.unavailable(self._client.options.url, error) from error
            raise
