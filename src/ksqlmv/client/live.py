"""A live, bounded, keyed view of a ksqlDB table: a pull snapshot kept current by a push query.

`LiveTable` is the merge itself (pure, thread-safe): a snapshot replaces everything, each change
replaces the row with its key, a tombstone removes it, and the oldest rows go first when the view
is over its bound. `LiveTableReader` feeds one from a server in a background thread: it starts
the push query first, then takes the snapshot, then applies the changes that arrived meanwhile
and after, so nothing between the two is missed; it reconnects with back-off when the server
goes away and re-snapshots when it comes back.

>>> client = KsqlClient("http://localhost:8088")                  # doctest: +SKIP
>>> reader = LiveTableReader(client, "ORDERS_BY_STATUS").start()  # doctest: +SKIP
>>> reader.table.rows()                                           # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ksqlmv.client._protocol import Row
from ksqlmv.client._sync import KsqlClient
from ksqlmv.client.quoting import quote_identifier, where_equals
from ksqlmv.errors import KsqlmvError, ServiceUnavailableError

__all__ = ["LiveTable", "LiveTableReader", "LiveTableState"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveTableState:
    """A consistent copy of a live table at one moment."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    version: int
    updated_at: float | None


class LiveTable:
    """Rows by primary key; updates replace, tombstones remove, the oldest go past `max_rows`."""

    def __init__(self, key_columns: Sequence[str] = (), *, max_rows: int = 10_000) -> None:
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        self.max_rows = max_rows
        self._key_columns = tuple(key_columns)
        self._columns: tuple[str, ...] = ()
        self._rows: OrderedDict[tuple[Any, ...], Row] = OrderedDict()
        self._lock = threading.Lock()
        self._version = 0
        self._updated_at: float | None = None

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The columns that identify a row."""
        return self._key_columns

    def reset(
        self, rows: Sequence[Row], *, columns: Sequence[str], key_columns: Sequence[str] = ()
    ) -> None:
        """Replace the whole view with a snapshot."""
        with self._lock:
            if key_columns:
                self._key_columns = tuple(key_columns)
            self._columns = tuple(columns)
            self._rows.clear()
            for row in rows:
                self._upsert(row)
            self._touch()

    def apply(self, row: Row) -> None:
        """Apply one change: a tombstone deletes its key, any other row replaces it."""
        with self._lock:
            if row.tombstone:
                self._rows.pop(self._key(row), None)
            else:
                self._upsert(row)
            self._touch()

    def state(self) -> LiveTableState:
        """A consistent copy of the columns and rows, newest last."""
        with self._lock:
            rows = tuple(self._rows.values())
            return LiveTableState(self._columns, rows, self._version, self._updated_at)

    def rows(self) -> list[dict[str, Any]]:
        """The rows as dictionaries, newest last."""
        return [row.as_dict() for row in self.state().rows]

    def __len__(self) -> int:
        with self._lock:
            return len(self._rows)

    def _upsert(self, row: Row) -> None:
        key = self._key(row)
        self._rows.pop(key, None)
        self._rows[key] = row
        while len(self._rows) > self.max_rows:
            self._rows.popitem(last=False)

    def _key(self, row: Row) -> tuple[Any, ...]:
        if not self._key_columns:
            return tuple(_hashable(value) for value in row.values)
        return tuple(_hashable(row[name]) for name in self._key_columns)

    def _touch(self) -> None:
        self._version += 1
        self._updated_at = time.time()


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    return value


class LiveTableReader:
    """Keeps a `LiveTable` current from a ksqlDB server, in a background thread.

    `source` is the table's name exactly as the server lists it; `filters` restrict the view to
    rows whose columns equal the given values. Both are quoted here, never pasted into KSQL.
    With `snapshot=False` it follows a stream instead: no pull query, and every row is an event of
    its own (no primary key), the newest `max_rows` kept.
    """

    def __init__(
        self,
        client: KsqlClient,
        source: str,
        *,
        filters: Mapping[str, Any] | None = None,
        max_rows: int = 10_000,
        on_change: Callable[[LiveTable], None] | None = None,
        snapshot: bool = True,
    ) -> None:
        self.client = client
        self.source = source
        self.table = LiveTable(max_rows=max_rows)
        self.status = "starting"
        self.error: str | None = None
        condition = f" WHERE {where_equals(filters)}" if filters else ""
        # Every piece is quoted by the helpers above; nothing reaches KSQL as typed.
        select = f"SELECT * FROM {quote_identifier(source)}{condition}"  # noqa: S608
        self._pull_sql = select + ";"
        self._push_sql = select + " EMIT CHANGES;"
        self._on_change = on_change
        self._snapshot = snapshot
        self._keys: tuple[str, ...] | None = None
        self._stop = threading.Event()
        self._query: Any = None
        self._thread = threading.Thread(target=self._run, name=f"live-{source}", daemon=True)

    def start(self) -> LiveTableReader:
        """Start reading; returns at once."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading and wait for the thread to end."""
        self._stop.set()
        query = self._query
        if query is not None:
            query.close()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the background thread is alive."""
        return self._thread.is_alive()

    def _run(self) -> None:
        backoff = 0.25
        while not self._stop.is_set():
            try:
                self._follow()
                backoff = 0.25
            except ServiceUnavailableError as error:
                self.status, self.error = "reconnecting", str(error)
            except KsqlmvError as error:
                self.status, self.error = "error", str(error)
            if self._stop.wait(backoff):
                break
            backoff = min(backoff * 2, 10.0)
        self.status = "stopped"

    def _follow(self) -> None:
        properties = {"auto.offset.reset": "latest"}
        with self.client.stream(self._push_sql, properties=properties, tombstones=True) as query:
            self._query = query
            if self._stop.is_set():
                return
            if self._snapshot:
                rows = self.client.pull(self._pull_sql).rows
                keys = query.header.key_columns or self._primary_key()
            else:
                rows, keys = [], ()
            self.table.reset(rows, columns=query.header.column_names, key_columns=keys)
            self.status, self.error = "live", None
            self._changed()
            for row in query:
                self.table.apply(row)
                self._changed()
        self._query = None

    def _primary_key(self) -> tuple[str, ...]:
        """The source's key columns (with the window bounds of a windowed table), from DESCRIBE.

        ksqlDB's push-query headers do not mark key columns, so the merge cannot learn them there.
        """
        if self._keys is None:
            description = self.client.describe(quote_identifier(self.source))
            fields = description.get("fields") or []
            keys = [field["name"] for field in fields if field.get("type") == "KEY"]
            if description.get("windowType"):
                keys += ["WINDOWSTART", "WINDOWEND"]
            self._keys = tuple(keys)
        return self._keys

    def _changed(self) -> None:
        if self._on_change is None:
            return
        try:
            self._on_change(self.table)
        except Exception:  # a failing callback must not stop the view from following changes
            log.exception("on_change callback of the live view of %s failed", self.source)
