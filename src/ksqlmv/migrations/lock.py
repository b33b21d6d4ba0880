"""A lease lock kept on the server, so two `apply` runs on different machines cannot both run.

Design. The lock lives in the migrations stream itself, under the reserved key `LOCK`, so it works
on any ksqlDB server whose metadata either tool created, and needs nothing the server does not
already offer. ksql-migrations never reads that key (it reads `CURRENT` and numeric versions), so
the two tools still share the metadata.

Each lock event is one row of the stream: `STATE` is ACQUIRE, RENEW, RELEASE or BREAK, `CHECKSUM`
holds the claimant's random token, `VERSION` a random id of the event itself, `NAME` says who
(command, user, host, pid), `STARTED_ON` is the event time and `COMPLETED_ON` the lease's end,
both epoch milliseconds; BREAK names the broken token in `PREVIOUS`.

The stream has one partition, so every reader sees the same events in the same order, and the
holder is a pure function of that order (`holder_after`): an ACQUIRE is granted when nobody holds
the lock or the holder's lease ended before the ACQUIRE's time; RENEW extends the holder's lease;
RELEASE and BREAK free it. To acquire, a process appends an ACQUIRE and reads the log (a push query
from the earliest offset) up to its own event: if the lock was granted to its token, it holds the
lock. Otherwise it waits and tries again until its timeout, then fails with `LockHeldError`
naming the holder. Nobody can be granted a lock that another holds: ACQUIREs are decided in log
order, one at a time, identically by every reader.

Leases bound how long a crashed process blocks others (default ten minutes; the holder renews
between statements). Lease ends are compared across machines, so clocks must agree to well within
a lease. `repair --break-lock` frees a lock whose holder is gone.
"""

from __future__ import annotations

import getpass
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from ksqlmv.client import KsqlClient
from ksqlmv.errors import ExecutionError, LockHeldError
from ksqlmv.migrations.records import COLUMNS, NO_ERROR, NONE_VERSION, format_time
from ksqlmv.migrations.store import insert_rows

__all__ = [
    "DEFAULT_LEASE",
    "LOCK_KEY",
    "LockEvent",
    "LockKind",
    "ServerLock",
    "holder_after",
]

LOCK_KEY = "LOCK"
DEFAULT_LEASE = 600.0
_READ_TIMEOUT = 30.0


class LockKind(Enum):
    """What a lock event does."""

    ACQUIRE = "ACQUIRE"
    RENEW = "RENEW"
    RELEASE = "RELEASE"
    BREAK = "BREAK"


@dataclass(frozen=True, slots=True)
class LockEvent:
    """One row of the lock's log."""

    kind: LockKind
    token: str
    owner: str
    at_ms: int
    expires_ms: int
    target: str = NONE_VERSION
    """For BREAK: the token whose lock is broken."""
    event_id: str = ""
    """Unique per event, so a reader can stop at exactly this one (kept in `VERSION`)."""

    def row(self) -> dict[str, str]:
        """The stream row that records this event."""
        values = (
            LOCK_KEY,
            self.event_id or "0",
            self.owner,
            self.kind.value,
            self.token,
            str(self.at_ms),
            str(self.expires_ms),
            self.target,
            NO_ERROR,
        )
        return dict(zip(COLUMNS, values, strict=True))

    @classmethod
    def from_row(cls, row: dict[str, object]) -> LockEvent:
        """Read an event back from a query row (column names in any case)."""
        values = {str(k).upper(): str(v) for k, v in row.items()}
        return cls(
            LockKind(values["STATE"]),
            values["CHECKSUM"],
            values["NAME"],
            int(values["STARTED_ON"]),
            int(values["COMPLETED_ON"]),
            values.get("PREVIOUS", NONE_VERSION),
            values.get("VERSION", ""),
        )

    def describe(self) -> str:
        """Who holds the lock, since when and until when."""
        return (
            f"{self.owner}, since {format_time(str(self.at_ms))}, "
            f"lease ending {format_time(str(self.expires_ms))}"
        )


def holder_after(events: Iterable[LockEvent]) -> LockEvent | None:
    """The holder once every event has been applied in order (None when the lock is free).

    The returned event is the holder's ACQUIRE with its lease end updated by its RENEWs.
    """
    holder: LockEvent | None = None
    for event in events:
        if event.kind is LockKind.ACQUIRE:
            if holder is None or holder.expires_ms <= event.at_ms:
                holder = event
        elif holder is not None and event.kind is LockKind.RENEW:
            if event.token == holder.token:
                holder = replace(holder, expires_ms=event.expires_ms)
        elif holder is not None and event.kind is LockKind.RELEASE:
            if event.token == holder.token:
                holder = None
        elif holder is not None and event.kind is LockKind.BREAK and event.target == holder.token:
            holder = None
    return holder


class ServerLock:
    """The lock of one migrations stream, held by this process while a command writes metadata.

    >>> with ServerLock(client, "MIGRATION_EVENTS", purpose="apply").hold(timeout=60):
    ...     ...                                             # doctest: +SKIP
    """

    def __init__(
        self,
        client: KsqlClient,
        stream: str,
        *,
        purpose: str,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.stream = stream
        self.lease = lease
        self.clock = clock
        self.owner = f"{purpose} by {_user()}@{socket.gethostname()} pid {os.getpid()}"
        self.token = uuid.uuid4().hex
        self.held = False
        self._renewed_at = 0.0

    # -- acquiring and releasing ----------------------------------------------------------------

    def acquire(self, timeout: float, poll: float = 1.0) -> None:
        """Take the lock, waiting up to `timeout` seconds for its holder to let go."""
        deadline = time.monotonic() + timeout
        while True:
            holder = self._claim()
            if holder is not None and holder.token == self.token:
                self.held = True
                self._renewed_at = self.clock()
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                shown = holder.describe() if holder else "an unknown holder"
                raise LockHeldError(
                    f"another process holds the migrations lock on {self.client.options.url}: "
                    f"{shown}. Waited {timeout:.0f} s. If that process is gone, run "
                    "`ksqlmv migrate repair --break-lock`"
                )
            time.sleep(min(poll, max(remaining, 0.0)))

    def release(self) -> None:
        """Let go of the lock (no-op unless held)."""
        if self.held:
            self._append(LockKind.RELEASE)
            self.held = False

    def renew_if_due(self) -> None:
        """Extend the lease once a third of it has passed; fail if the lock was lost meanwhile."""
        if not self.held or self.clock() - self._renewed_at < self.lease / 3:
            return
        event = self._append(LockKind.RENEW)
        holder = holder_after(self._read_until(event))
        if holder is None or holder.token != self.token:
            self.held = False
            raise LockHeldError(
                "the migrations lock was taken over while this process held it (its lease ended):"
                " stopping before the next statement"
            )
        self._renewed_at = self.clock()

    def hold(self, timeout: float) -> _Held:
        """A context manager that acquires on entry and releases on exit."""
        return _Held(self, timeout)

    # -- inspecting and breaking ----------------------------------------------------------------

    def current_holder(self) -> LockEvent | None:
        """Who holds the lock now (None if free).

        Appends a RENEW under a fresh token as a marker to read up to: a RENEW from a token that
        does not hold the lock changes nothing.
        """
        probe = self._append(LockKind.RENEW, token=f"probe-{uuid.uuid4().hex}")
        return holder_after(self._read_until(probe))

    def break_lock(self) -> LockEvent | None:
        """Free the lock whoever holds it; returns the holder that was removed, if any."""
        holder = self.current_holder()
        if holder is not None and holder.token != self.token:
            self._append(LockKind.BREAK, target=holder.token)
        return holder

    # -- the log ----------------------------------------------------------------------------------

    def _claim(self) -> LockEvent | None:
        event = self._append(LockKind.ACQUIRE)
        return holder_after(self._read_until(event))

    def _append(
        self, kind: LockKind, *, token: str | None = None, target: str = NONE_VERSION
    ) -> LockEvent:
        now = int(self.clock() * 1000)
        event = LockEvent(
            kind,
            token or self.token,
            self.owner,
            now,
            now + int(self.lease * 1000),
            target,
            uuid.uuid4().hex,
        )
        insert_rows(self.client, self.stream, [event.row()])
        return event

    def _read_until(self, marker: LockEvent, timeout: float = _READ_TIMEOUT) -> Sequence[LockEvent]:
        """Every lock event from the start of the log up to and including `marker`."""
        sql = (
            f"SELECT {', '.join(COLUMNS)} FROM {self.stream} "  # noqa: S608 - a checked identifier
            f"WHERE {COLUMNS[0]} = '{LOCK_KEY}' EMIT CHANGES;"
        )
        events: list[LockEvent] = []
        with self.client.stream(sql, properties={"auto.offset.reset": "earliest"}) as query:
            # The push query never ends on its own: a timer closes it if the marker never comes.
            timer = threading.Timer(timeout, query.close)
            timer.start()
            try:
                for row in query:
                    event = LockEvent.from_row(row.as_dict())
                    events.append(event)
                    if event.event_id == marker.event_id:
                        return events
            finally:
                timer.cancel()
        raise ExecutionError(
            f"the lock event written to {self.stream} did not come back within {timeout:.0f} s"
        )


class _Held:
    def __init__(self, lock: ServerLock, timeout: float) -> None:
        self.lock = lock
        self.timeout = timeout

    def __enter__(self) -> ServerLock:
        self.lock.acquire(self.timeout)
        return self.lock

    def __exit__(self, *exc_info: object) -> None:
        self.lock.release()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"
