"""A Python client for any ksqlDB server: the real one or ksqlmv's embedded server.

Sync (`KsqlClient`) and asyncio (`AsyncKsqlClient`) twins over httpx: statements with variables,
pull queries and push queries as typed rows (`Row`, typed from the server's `columnTypes`), inserts
through `/inserts-stream`, server info and health, basic auth and TLS. `LiveTable` and
`LiveTableReader` keep a bounded, keyed view of a table current: a pull snapshot, then push-query
changes applied by primary key, tombstones removing rows.

This package talks HTTP only; it never imports the engine or the servers.
"""

from __future__ import annotations

from ksqlmv.client._async import AsyncKsqlClient as AsyncKsqlClient
from ksqlmv.client._async import AsyncPushQuery as AsyncPushQuery
from ksqlmv.client._base import ClientOptions as ClientOptions
from ksqlmv.client._protocol import QueryHeader as QueryHeader
from ksqlmv.client._protocol import Row as Row
from ksqlmv.client._protocol import StatementFailed as StatementFailed
from ksqlmv.client._results import QueryResult as QueryResult
from ksqlmv.client._sync import KsqlClient as KsqlClient
from ksqlmv.client._sync import PushQuery as PushQuery
from ksqlmv.client._values import parse_type as parse_type
from ksqlmv.client.live import LiveTable as LiveTable
from ksqlmv.client.live import LiveTableReader as LiveTableReader
from ksqlmv.client.live import LiveTableState as LiveTableState
from ksqlmv.client.quoting import quote_identifier as quote_identifier
from ksqlmv.client.quoting import quote_literal as quote_literal
from ksqlmv.client.quoting import where_equals as where_equals

__all__ = [
    "AsyncKsqlClient",
    "AsyncPushQuery",
    "ClientOptions",
    "KsqlClient",
    "LiveTable",
    "LiveTableReader",
    "LiveTableState",
    "PushQuery",
    "QueryHeader",
    "QueryResult",
    "Row",
    "StatementFailed",
    "parse_type",
    "quote_identifier",
    "quote_literal",
    "where_equals",
]
