"""The metadata objects on the server: create, destroy, read and write them through the client.

The objects are ksql-migrations' own: the `MIGRATION_EVENTS` stream (JSON values, one partition)
and the `MIGRATION_SCHEMA_VERSIONS` table, a CTAS that keeps the latest value of each column per
`VERSION_KEY`. Rows are written to the stream through `/inserts-stream`, as ksql-migrations does
with its client's insertInto, and read back from the table with pull queries.

The table is materialized asynchronously. Writes are not waited for one by one (the stream keeps
their order); `settle()` waits until a pull query shows the last row written for every key, and
every command that writes settles before it lets go of the lock, so the next reader, in this
process or another, never sees an older state.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ksqlmv.client import KsqlClient, quote_literal
from ksqlmv.errors import ExecutionError, ServiceUnavailableError, StatementError, ValidationError
from ksqlmv.migrations.config import MigrationConfig
from ksqlmv.migrations.records import COLUMNS, CURRENT_KEY, MigrationRecord

__all__ = [
    "INSERTS_UNAVAILABLE",
    "MetadataStore",
    "create_stream_sql",
    "create_table_sql",
    "insert_rows",
]

_VALUE_COLUMNS = COLUMNS[1:]
# Status codes meaning "this server cannot take /inserts-stream requests from us": HTTP/2 only
# (40004, when a proxy downgrades), no such endpoint (404) or method (405).
INSERTS_UNAVAILABLE = frozenset({40004, 40400, 40500})
_VISIBLE_TIMEOUT = 30.0
_READY_TIMEOUT = 10.0
# Clients whose server refused /inserts-stream once: later inserts go straight to /ksql.
_STATEMENT_INSERTS: weakref.WeakSet[KsqlClient] = weakref.WeakSet()


def insert_rows(client: KsqlClient, target: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """Insert rows through `/inserts-stream`, or as INSERT VALUES statements where that endpoint
    cannot be used. Returns which way the rows went: `"inserts-stream"` or `"statement"`."""
    if client not in _STATEMENT_INSERTS:
        try:
            client.insert(target, rows)
            return "inserts-stream"
        except ServiceUnavailableError:
            pass  # an HTTP/1.1-only proxy breaks HTTP/2; if the server is down, /ksql says so
        except StatementError as error:
            if error.error_code not in INSERTS_UNAVAILABLE:
                raise
        _STATEMENT_INSERTS.add(client)
    statements = []
    for row in rows:
        columns = ", ".join(row)
        values = ", ".join(quote_literal(value) for value in row.values())
        # Names are checked identifiers or already quoted; values go through quote_literal.
        statements.append(f"INSERT INTO {target} ({columns}) VALUES ({values});")  # noqa: S608
    client.execute("\n".join(statements))  # one request; the server runs them in order
    return "statement"


def create_stream_sql(config: MigrationConfig, service_id: str) -> str:
    """The CREATE STREAM of the metadata stream, as ksql-migrations defines it."""
    columns = ",\n  ".join(
        [f"{COLUMNS[0]} STRING KEY"] + [f"{column} STRING" for column in _VALUE_COLUMNS]
    )
    topic = quote_literal(config.stream_topic_for(service_id))
    return (
        f"CREATE STREAM {config.stream_name} (\n  {columns}\n) WITH (\n  KAFKA_TOPIC={topic},\n"
        f"  VALUE_FORMAT='JSON',\n  PARTITIONS=1,\n  REPLICAS={config.topic_replicas}\n);"
    )


def create_table_sql(config: MigrationConfig, service_id: str) -> str:
    """The CTAS of the metadata table: the latest value of every column per version key."""
    latest = ",\n    ".join(f"LATEST_BY_OFFSET({column}) AS {column}" for column in _VALUE_COLUMNS)
    topic = quote_literal(config.table_topic_for(service_id))
    # The names are checked identifiers (see MigrationConfig) and the topic a quoted literal.
    return (
        f"CREATE TABLE {config.table_name} WITH (KAFKA_TOPIC={topic}) AS\n"  # noqa: S608
        f"  SELECT {COLUMNS[0]},\n    {latest}\n"
        f"  FROM {config.stream_name}\n  GROUP BY {COLUMNS[0]};"
    )


class MetadataStore:
    """The migrations stream and table of one server."""

    def __init__(self, client: KsqlClient, config: MigrationConfig) -> None:
        self.client = client
        self.config = config
        self.stream = config.stream_name
        self.table = config.table_name
        self._unsettled: dict[str, MigrationRecord] = {}

    # -- objects --------------------------------------------------------------------------------

    def objects(self) -> tuple[bool, bool]:
        """Whether the stream and the table exist."""
        streams = {s["name"].upper() for s in self.client.list_streams()}
        tables = {t["name"].upper() for t in self.client.list_tables()}
        return self.stream.upper() in streams, self.table.upper() in tables

    def require(self) -> None:
        """Fail unless both objects exist, saying how to create them."""
        stream, table = self.objects()
        missing = [
            f"{kind} '{name}'"
            for kind, name, there in (("stream", self.stream, stream), ("table", self.table, table))
            if not there
        ]
        if missing:
            raise ValidationError(
                f"the migrations metadata {' and '.join(missing)} do not exist on "
                f"{self.client.options.url}: run `ksqlmv migrate initialize-metadata` first"
            )

    def initialize(self) -> list[str]:
        """Create whichever of the stream and table is missing; returns the statements run."""
        service_id = str(self.client.info().get("ksqlServiceId", "default_"))
        stream_exists, table_exists = self.objects()
        ran: list[str] = []
        if not stream_exists:
            ran.append(create_stream_sql(self.config, service_id))
            self.client.execute(ran[-1])
        if not table_exists:
            ran.append(create_table_sql(self.config, service_id))
            self.client.execute(ran[-1], properties={"auto.offset.reset": "earliest"})
        return ran

    def destroy(self) -> list[str]:
        """Terminate the table's query, drop the table and the stream with their topics."""
        stream_exists, table_exists = self.objects()
        ran: list[str] = []
        if table_exists:
            writers = self.client.describe(self.table).get("writeQueries", [])
            if len(writers) > 1:
                ids = ", ".join(f"'{q['id']}'" for q in writers)
                raise ValidationError(
                    f"Found multiple queries writing to the metadata table. Query IDs: {ids}."
                )
            for query in writers:
                ran.append(f"TERMINATE {query['id']};")
                self.client.execute(ran[-1])
            ran.append(f"DROP TABLE {self.table} DELETE TOPIC;")
            self.client.execute(ran[-1])
        if stream_exists:
            ran.append(f"DROP STREAM {self.stream} DELETE TOPIC;")
            self.client.execute(ran[-1])
        return ran

    # -- rows -----------------------------------------------------------------------------------

    def read(self, keys: Iterable[str]) -> dict[str, MigrationRecord]:
        """The rows of `keys` (versions as strings, or CURRENT) that exist."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        try:
            return self._select_when_ready(wanted)
        except StatementError:
            if len(wanted) == 1:
                raise
        # Servers before 6.1 (ksqlDB 0.15) answer only single-key pull queries.
        found: dict[str, MigrationRecord] = {}
        for key in wanted:
            found.update(self._select([key]))
        return found

    def _select_when_ready(
        self, keys: Sequence[str], timeout: float = _READY_TIMEOUT
    ) -> dict[str, MigrationRecord]:
        """`_select`, retried while the server answers with a 5xx: a table created a moment ago
        (by `initialize-metadata`) may not serve pull queries yet."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._select(keys)
            except StatementError as error:
                if error.error_code < 50000 or time.monotonic() > deadline:
                    raise
            time.sleep(0.2)

    def _select(self, keys: Sequence[str]) -> dict[str, MigrationRecord]:
        if len(keys) == 1:
            condition = f"{COLUMNS[0]} = {quote_literal(keys[0])}"
        else:
            condition = f"{COLUMNS[0]} IN ({', '.join(quote_literal(k) for k in keys)})"
        result = self.client.pull(
            f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE {condition};"  # noqa: S608
        )
        found: dict[str, MigrationRecord] = {}
        for row in result.as_dicts():
            values = {str(k).upper(): v for k, v in row.items()}
            found[str(values[COLUMNS[0]])] = MigrationRecord.from_row(values)
        return found

    def write(self, record: MigrationRecord, *, current: bool = True) -> None:
        """Write the version's row and, unless `current` is false, the CURRENT row (first, as
        ksql-migrations does), in one request."""
        keys = ([CURRENT_KEY] if current else []) + [str(record.version)]
        insert_rows(self.client, self.stream, [record.row(key) for key in keys])
        self._unsettled.update(dict.fromkeys(keys, record))

    def write_current(self, record: MigrationRecord) -> None:
        """Point CURRENT at `record` without touching the version's own row."""
        insert_rows(self.client, self.stream, [record.row(CURRENT_KEY)])
        self._unsettled[CURRENT_KEY] = record

    def settle(self) -> None:
        """Wait until the table shows the last row written for every key."""
        if self._unsettled:
            self.wait_visible(self._unsettled)
            self._unsettled.clear()

    def wait_visible(
        self, expected: Mapping[str, MigrationRecord], timeout: float = _VISIBLE_TIMEOUT
    ) -> None:
        """Poll the table until every key shows its expected row."""
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            found = self.read(expected)
            if all(found.get(key) == record for key, record in expected.items()):
                return
            if time.monotonic() > deadline:
                raise ExecutionError(
                    f"the {self.table} table did not show the rows written to {self.stream} "
                    f"within {timeout:.0f} s: is its persistent query running?"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
