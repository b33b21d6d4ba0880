"""Live readers shared by every viewer: one per server, source and filters, closed when unwatched.

A push query is a server resource (ksqlDB runs at most `ksql.max.push.queries`, 100 by default),
so ten people watching ORDERS_BY_STATUS share one `LiveTableReader`. Each viewer (a browser
session) holds a lease on the readers it shows and renews it every time its view refreshes;
`unwatch`, `release_viewer` (the session ended) or an expired lease (the tab was closed without a
goodbye) drops the viewer, and a reader with no viewers left is stopped in the background, so the
script that let go never waits for it.

Nothing here touches Streamlit: the registry is plain threads and locks, tested on its own.

>>> registry = ReaderRegistry(open_reader)                              # doctest: +SKIP
>>> reader = registry.watch(ReaderKey("http://localhost:8088", "ORDERS_BY_STATUS"), "viewer-1")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ksqlmv.client import ClientOptions, KsqlClient, LiveTable, LiveTableReader

__all__ = ["Reader", "ReaderInfo", "ReaderKey", "ReaderRegistry", "open_reader"]


class Reader(Protocol):
    """What the registry manages: a `LiveTableReader` or anything that starts and stops like it."""

    table: LiveTable
    status: str
    error: str | None

    def start(self) -> Any:
        """Start reading in the background; returns at once."""

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading and release the server's query."""


@dataclass(frozen=True, slots=True)
class ReaderKey:
    """Which live view: the server, the source and its filters (column to value), and its kind.

    `kind` is TABLE (pull snapshot, then changes merged by primary key) or STREAM (the newest
    events, no snapshot).
    """

    url: str
    source: str
    filters: tuple[tuple[str, Any], ...] = ()
    kind: str = "TABLE"
    max_rows: int = 5_000

    @classmethod
    def of(
        cls,
        url: str,
        source: str,
        filters: Mapping[str, Any] | None = None,
        *,
        kind: str = "TABLE",
        max_rows: int = 5_000,
    ) -> ReaderKey:
        """A key with its filters in a canonical (sorted) order."""
        return cls(url, source, tuple(sorted((filters or {}).items())), kind, max_rows)


@dataclass(frozen=True, slots=True)
class ReaderInfo:
    """One shared reader as the sidebar shows it."""

    key: ReaderKey
    viewers: int
    status: str
    rows: int


@dataclass(slots=True)
class _Entry:
    reader: Reader
    leases: dict[str, float] = field(default_factory=dict)
    """Viewer id to the clock time its lease ends."""


def open_reader(key: ReaderKey, options: ClientOptions) -> LiveTableReader:
    """A started reader for `key`, with a client of its own (closed when the reader stops)."""
    client = KsqlClient(options=options)
    reader = LiveTableReader(
        client,
        key.source,
        filters=dict(key.filters),
        max_rows=key.max_rows,
        snapshot=key.kind != "STREAM",
    )
    return reader.start()


class ReaderRegistry:
    """Reference-counted live readers, shared across sessions, each viewer holding a lease.

    Args:
        factory: builds and starts the reader for a key.
        lease: seconds a viewer's claim lasts without being renewed by `watch`.
        clock: the time source (monotonic seconds); tests pass their own.
        reap_every: seconds between checks for expired leases in a background thread; None
            leaves reaping to explicit `reap()` calls.
    """

    def __init__(
        self,
        factory: Callable[[ReaderKey], Reader],
        *,
        lease: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        reap_every: float | None = 5.0,
    ) -> None:
        self._factory = factory
        self._lease = lease
        self._clock = clock
        self._reap_every = reap_every
        self._entries: dict[ReaderKey, _Entry] = {}
        self._lock = threading.Lock()
        self._reaper: threading.Thread | None = None
        self._closing: list[threading.Thread] = []

    def watch(self, key: ReaderKey, viewer: str) -> Reader:
        """The shared reader for `key`, started if nobody watched it; renews `viewer`'s lease."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry(self._factory(key))
            entry.leases[viewer] = self._clock() + self._lease
            self._start_reaper()
            return entry.reader

    def unwatch(self, key: ReaderKey, viewer: str) -> None:
        """`viewer` no longer shows `key`; the reader stops if nobody else does."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.leases.pop(viewer, None)
                self._drop_if_unwatched(key, entry)

    def release_viewer(self, viewer: str, *, keep: ReaderKey | None = None) -> None:
        """Drop every lease `viewer` holds (except on `keep`): it left, or shows something else."""
        with self._lock:
            for key, entry in list(self._entries.items()):
                if key != keep:
                    entry.leases.pop(viewer, None)
                    self._drop_if_unwatched(key, entry)

    def reap(self) -> list[ReaderKey]:
        """Expire old leases and stop the readers nobody watches; returns their keys."""
        now = self._clock()
        stopped: list[ReaderKey] = []
        with self._lock:
            for key, entry in list(self._entries.items()):
                for viewer, until in list(entry.leases.items()):
                    if until <= now:
                        del entry.leases[viewer]
                if self._drop_if_unwatched(key, entry):
                    stopped.append(key)
        return stopped

    def readers(self) -> list[ReaderInfo]:
        """Every running reader with its number of viewers, its status and its row count."""
        with self._lock:
            entries = list(self._entries.items())
        return [
            ReaderInfo(key, len(entry.leases), entry.reader.status, len(entry.reader.table))
            for key, entry in entries
        ]

    def close(self, timeout: float = 10.0) -> None:
        """Stop every reader now and wait for them (and the ones already closing) to end."""
        with self._lock:
            readers = [entry.reader for entry in self._entries.values()]
            self._entries.clear()
            closing, self._closing = self._closing, []
        for reader in readers:
            _stop(reader)
        for thread in closing:
            thread.join(timeout)

    def _drop_if_unwatched(self, key: ReaderKey, entry: _Entry) -> bool:
        """Called with the lock held."""
        if entry.leases:
            return False
        del self._entries[key]
        # Stopping joins the reader's thread; do it aside so no script run waits for it.
        thread = threading.Thread(target=_stop, args=(entry.reader,), daemon=True)
        self._closing = [t for t in self._closing if t.is_alive()] + [thread]
        thread.start()
        return True

    def _start_reaper(self) -> None:
        """Called with the lock held: one reaper thread while any reader runs."""
        if self._reap_every is None or (self._reaper is not None and self._reaper.is_alive()):
            return
        self._reaper = threading.Thread(target=self._reap_loop, name="reader-reaper", daemon=True)
        self._reaper.start()

    def _reap_loop(self) -> None:
        assert self._reap_every is not None
        while True:
            time.sleep(self._reap_every)
            self.reap()
            with self._lock:
                if not self._entries:
                    self._reaper = None
                    return


def _stop(reader: Reader) -> None:
    reader.stop()
    client = getattr(reader, "client", None)
    if isinstance(client, KsqlClient):
        client.close()
