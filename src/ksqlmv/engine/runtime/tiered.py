"""The entries of a table's state store, bounded in memory: the rest live in a `DiskTier`.

A store whose entries are a `MemoryData` is a plain dict (every lookup at C speed) until, at a
checkpoint, it holds more than its limit (`ksqlmv.state.store.memory.max.entries`). Then every
entry is written to its disk tier, the oldest are dropped from memory, and the dict becomes a
`TieredData` (its class changes; the object, which operators and pull queries hold, does not).
From then on each checkpoint writes the keys changed since the last one in one transaction and
drops the oldest entries again; a lookup that misses memory reads the disk. Nothing is written to
disk per record, so the per-record path stays a dict operation (plus a Python call for `get`).

Memory holds, per key, the newest value: an entry in memory always wins over the disk. A key
deleted since the last checkpoint is in `deleted` until then, so that the disk's older copy is not
read back. Only the query's own thread moves entries from disk into memory (`owner`): a pull
query reading a key the query is deleting at the same moment could otherwise bring it back. A
Bloom filter of the keys on disk (`seen`) answers most lookups of keys that are nowhere (the new
ids of a table keyed by a fresh id) without reading the disk.

>>> import tempfile, pathlib
>>> from ksqlmv.engine.runtime.disk import DiskTier
>>> data = MemoryData(); data.attach(DiskTier(pathlib.Path(tempfile.mkdtemp()) / "s"), limit=1)
>>> data[("a",)] = 1; data[("b",)] = 2
>>> data.checkpoint([])  # over the limit: the oldest, ("a",), leaves memory
>>> dict.__len__(data), data.get(("a",)), sorted(data.items())
(1, 1, [(('a',), 1), (('b',), 2)])
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from ksqlmv.engine.runtime.bloom import KeyFilter
from ksqlmv.engine.runtime.codec import decode, decode_many, encode
from ksqlmv.engine.runtime.disk import DiskTier, key_text

__all__ = ["MEMORY_ENTRIES_PROPERTY", "Change", "MemoryData", "TieredData", "memory_entries"]

log = logging.getLogger(__name__)

MEMORY_ENTRIES_PROPERTY = "ksqlmv.state.store.memory.max.entries"
"""How many entries each table store keeps in memory; the rest are on local disk."""

DEFAULT_MEMORY_ENTRIES = 100_000
"""At about 0.5-1.5 KB an entry in memory (a row of ten columns), up to 50-150 MB a store: a table
of that many rows answers lookups and joins from memory (reads from disk cost 12-80 us each, which
took pull lookups over a 100,000-row table from about 3,900 to 2,900 a second and halved a
stream-table join's rate against 100,000 customers); bigger tables spill."""

_MISSING: Any = object()

Change = tuple[Any, bytes, Any, "bytes | None"]
"""A key changed since the last checkpoint: key, encoded key, value, encoded value (None when
the key was deleted)."""


def memory_entries(properties: dict[str, Any]) -> int:
    """The per-store bound on entries in memory, from the query's properties (at least 1)."""
    value = properties.get(MEMORY_ENTRIES_PROPERTY)
    if value is None:
        return DEFAULT_MEMORY_ENTRIES
    try:
        return max(1, int(str(value)))
    except ValueError:
        log.warning(
            "%s=%r is not a number: using %d",
            MEMORY_ENTRIES_PROPERTY,
            value,
            DEFAULT_MEMORY_ENTRIES,
        )
        return DEFAULT_MEMORY_ENTRIES


class MemoryData(dict[Any, Any]):
    """A store's entries, all in memory; becomes a `TieredData` once it outgrows its limit."""

    __slots__ = ("deleted", "disk", "limit", "owner", "seen")

    def __init__(self) -> None:
        super().__init__()
        self.disk: DiskTier | None = None
        self.limit = 0
        self.deleted: set[Any] = set()
        self.owner: int | None = None
        self.seen = KeyFilter(1)  # every key on disk is in it (filled when the store spills)

    def attach(self, disk: DiskTier, limit: int) -> None:
        """Keep at most `limit` entries in memory (at checkpoints), the rest on `disk`."""
        self.disk = disk
        self.limit = max(1, limit)

    def spilling(self) -> bool:
        """Whether the next checkpoint writes to disk: a disk is attached, and entries are on
        it already or memory holds more than the limit."""
        return self.disk is not None and (
            type(self) is not MemoryData or dict.__len__(self) > self.limit
        )

    def checkpoint(self, changed: list[Change]) -> None:
        """After a checkpoint wrote `changed` to the changelog: move what is over the limit to
        disk. The query's thread calls this, between records."""
        disk = self.disk
        if disk is None:
            return
        self.owner = threading.get_ident()
        if type(self) is MemoryData:
            if dict.__len__(self) <= self.limit:
                return  # nothing on disk yet, and nothing to move there
            # The first spill: every entry goes to disk (only memory knew them).
            entries = list(dict.items(self))
            disk.write(((key_text(k), encode(k), encode(v)) for k, v in entries), ())
            self.seen = _filter_of((key for key, _ in entries), len(entries))
            self.__class__ = TieredData
        else:
            written = [(key_text(k), rk, rv) for k, rk, _, rv in changed if rv is not None]
            removed = [key_text(k) for k, _, _, rv in changed if rv is None]
            disk.write(written, removed)
            seen = self.seen
            for key, _, _, raw in changed:
                if raw is not None:
                    seen.add(key)
            if seen.full():
                self.seen = _filter_of(self._disk_keys(), 4 * seen.capacity)
            self.deleted.clear()
        if dict.__len__(self) > self.limit:
            # Recently changed keys stay: move them behind the older ones first.
            for key, _, _, raw in changed:
                if raw is not None:
                    value = dict.pop(self, key, _MISSING)
                    if value is not _MISSING:
                        dict.__setitem__(self, key, value)
            self._evict()

    def restore_rows(self, rows: list[tuple[Any, bytes, bytes]]) -> int:
        """Restore `(key, encoded key, encoded value)` entries straight to disk when there are
        more than the limit (their values are decoded when read); returns how many went there."""
        disk = self.disk
        if disk is None or len(rows) <= self.limit:
            return 0
        disk.write(((key_text(key), raw_key, raw) for key, raw_key, raw in rows), ())
        self.seen = _filter_of((key for key, _, _ in rows), len(rows))
        self.__class__ = TieredData  # first: from now on a lookup that misses memory reads disk
        for key, _, _ in rows:
            dict.pop(self, key, None)
        self.owner = threading.get_ident()
        return len(rows)

    def _disk_keys(self) -> Iterator[Any]:
        disk = self.disk
        rows = disk.rows() if disk is not None else []
        for key in decode_many([row[1] for row in rows]):
            if not isinstance(key, ValueError):
                yield key

    def _evict(self) -> None:
        excess = dict.__len__(self) - self.limit
        if excess > 0:
            # The oldest first: a dict keeps insertion order. One C call, so that a pull query's
            # thread never sees the dict change size while it copies it.
            for key in list(itertools.islice(dict.keys(self), excess)):
                dict.pop(self, key, None)


class TieredData(MemoryData):
    """A store's entries: the newest in memory (this dict), the rest on disk."""

    __slots__ = ()

    def _load(self, key: Any) -> Any:
        """The value of `key` on disk (`_MISSING` if none), kept in memory on the owner's thread."""
        disk = self.disk
        if disk is None or key not in self.seen or key in self.deleted:
            return _MISSING  # most new keys of a table keyed by a fresh id stop here
        raw = disk.get(key_text(key))
        if raw is None:
            return _MISSING
        try:
            value = decode(raw)
        except ValueError as error:
            log.warning("skipping an entry of %s that does not decode: %s", disk.path, error)
            return _MISSING
        if threading.get_ident() == self.owner:
            return dict.setdefault(self, key, value)  # a newer value written meanwhile wins
        return value

    def __missing__(self, key: Any) -> Any:
        value = self._load(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        """The value of `key` (from memory, else from disk), or `default`."""
        value = dict.get(self, key, _MISSING)
        if value is _MISSING:
            value = self._load(key)
            if value is _MISSING:
                return default
        return value

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        disk = self.disk
        return (
            disk is not None
            and key in self.seen
            and key not in self.deleted
            and disk.has(key_text(key))
        )

    def pop(self, key: Any, default: Any = None) -> Any:
        """Remove `key` from memory and (at the next checkpoint) from disk."""
        value = self.get(key, _MISSING)
        self.deleted.add(key)  # before it leaves memory: from now on a miss must not find it
        dict.pop(self, key, None)
        return default if value is _MISSING else value

    def __delitem__(self, key: Any) -> None:
        if self.pop(key, _MISSING) is _MISSING:
            raise KeyError(key)

    def items(self) -> Iterator[tuple[Any, Any]]:  # type: ignore[override]
        """Every entry: memory's, then the disk's that memory does not hold."""
        memory = list(dict.items(self))
        found = memory
        disk = self.disk
        if disk is None:
            return iter(found)
        skip = {key_text(key) for key, _ in memory}
        skip.update(key_text(key) for key in list(self.deleted))
        rows = [row for row in disk.rows() if row[0] not in skip]
        keys = decode_many([row[1] for row in rows])
        values = decode_many([row[2] for row in rows])
        for key, value in zip(keys, values, strict=True):
            if isinstance(key, ValueError) or isinstance(value, ValueError):
                log.warning("skipping an entry of %s that does not decode", disk.path)
                continue
            found.append((key, value))
        return iter(found)

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        """Every value."""
        return (value for _, value in self.items())

    def keys(self) -> Iterator[Any]:  # type: ignore[override]
        """Every key."""
        return (key for key, _ in self.items())

    def __iter__(self) -> Iterator[Any]:
        return self.keys()

    def __len__(self) -> int:
        disk = self.disk
        if disk is None:
            return dict.__len__(self)
        memory = {key_text(key) for key in list(dict.keys(self))}
        gone = {key_text(key) for key in list(self.deleted)} - memory
        return len(memory | (disk.texts() - gone))


def _filter_of(keys: Iterable[Any], count: int) -> KeyFilter:
    """A filter of `keys` (`count` of them), with room for as many again and more."""
    found = KeyFilter(max(2 * count, 1 << 16))
    for key in keys:
        found.add(key)
    return found
