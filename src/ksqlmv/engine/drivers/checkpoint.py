"""Checkpointed state stores: changelogs that restore to exactly the state of committed input.

A store of a query on the Kafka driver remembers which keys changed (`dirty`). At each
checkpoint the query's changes are written to each store's compacted changelog topic
(`write_changes`); once they and every result the query produced before them are acknowledged by
the broker, a **marker** record (key `CHECKPOINT_KEY`) holding a sequence number and the source
offsets the changes correspond to follows them (`mark`); only then are the offsets committed to
the query's consumer group. (A marker sent along with the results can reach the broker before
them, as batches of different partitions succeed or fail on their own, e.g. when the broker
dies: a restart would resume after results that were never written, and never write them.)
`write` does both at once, for records that become visible together (one transaction).

Restoring reads every changelog of the query. Changes take effect only when the marker after
them is read, so a batch that was cut short by a crash is ignored. The target is the newest
checkpoint that *every* store of the query completed (a crash can fall between the markers of two
stores); stores that got further are restored to that target too, and the keys they wrote past it
are marked dirty so that the next checkpoint rewrites them with their restored values. The query
then resumes reading from the target's offsets, so its state is that of processing every input
record exactly once, whenever it was killed.

```python
store = tracked_store("Aggregate-Materialize", "..-changelog", windowed=False)
checkpointer = Checkpointer([store], produce)
checkpointer.processed(record)          # for each record the query processed
checkpointer.write_changes()            # changes produced
checkpointer.mark()                     # once they and the results are acknowledged: markers
plan = plan_restore({store.topic: changelog_records}); plan.apply({store.topic: store})
```
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ksqlmv.engine.runtime.codec import decode, decode_many, encode
from ksqlmv.engine.runtime.disk import DiskTier
from ksqlmv.engine.runtime.stores import KeyValueStore, WindowStore
from ksqlmv.engine.runtime.tiered import Change, MemoryData, memory_entries

__all__ = [
    "CHECKPOINT_KEY",
    "STATE_DIR_PROPERTY",
    "Checkpointer",
    "RestorePlan",
    "Segment",
    "TrackedStore",
    "bound_memory",
    "plan_restore",
    "tracked_store",
]

log = logging.getLogger(__name__)

CHECKPOINT_KEY = b"\x00ksqlmv.checkpoint"
"""The prefix of marker keys (no store key encodes to it: encoded keys are JSON). Markers
alternate between two keys, so that compaction always leaves the last two: stores never differ by
more than one checkpoint."""

Offsets = dict[tuple[str, int], int]
Produce = Callable[[str, bytes | None, bytes | None, int, tuple[Any, ...]], None]


class TrackedStore:
    """The changelog side of a store: its topic and the keys changed since the last checkpoint.

    `spill` is the store's entries when they may move to disk (non-windowed stores): each
    checkpoint hands it what it wrote, and it keeps its memory bounded (`bound_memory`)."""

    def __init__(self, store: KeyValueStore, topic: str, spill: MemoryData | None = None) -> None:
        self.store = store
        self.topic = topic
        self.dirty: dict[Any, int] = {}
        self.spill = spill


def tracked_store(name: str, topic: str, windowed: bool) -> tuple[KeyValueStore, TrackedStore]:
    """A store whose changes are remembered for the next checkpoint."""
    if windowed:
        store: KeyValueStore = WindowStore(name)
        tracker = TrackedStore(store, topic)
    else:
        store = KeyValueStore(name)
        store.data = spill = MemoryData()
        tracker = TrackedStore(store, topic, spill)
    store.changelog = tracker.dirty.__setitem__  # a C call per change: dirty[key] = ts
    return store, tracker


STATE_DIR_PROPERTY = "ksql.streams.state.dir"
"""Where stores keep what does not fit in memory (Kafka Streams' `state.dir`); a temporary
directory of the process when unset."""

_TEMPORARY: list[Path] = []
_FILES = itertools.count()


def bound_memory(trackers: Iterable[TrackedStore], properties: Mapping[str, Any]) -> None:
    """Give each non-windowed store of a query its disk tier under the state directory, and its
    bound on entries in memory (`ksqlmv.state.store.memory.max.entries`); before restoring."""
    limit = memory_entries(dict(properties))
    configured = properties.get(STATE_DIR_PROPERTY)
    for tracker in trackers:
        if tracker.spill is None:
            continue
        if configured:
            directory = Path(str(configured))
        else:
            if not _TEMPORARY:
                _TEMPORARY.append(Path(tempfile.mkdtemp(prefix="ksqlmv-state-")))
                atexit.register(shutil.rmtree, _TEMPORARY[0], ignore_errors=True)
            directory = _TEMPORARY[0]
        path = directory / f"{tracker.topic}.{os.getpid()}-{next(_FILES)}.sqlite"
        try:
            # A file of its own: a store built again replaces one whose file may still be open.
            for stale in directory.glob(f"{tracker.topic}.*.sqlite"):
                stale.unlink(missing_ok=True)  # left by an earlier build or process
            disk = DiskTier(path)
        except (OSError, sqlite3.Error) as error:
            log.warning("store %s keeps all its entries in memory: %s", tracker.store.name, error)
            continue
        tracker.spill.attach(disk, limit)


@dataclass
class Checkpointer:
    """The checkpoints of one query: what it processed and what its stores changed."""

    stores: list[TrackedStore]
    produce: Produce
    sequence: int = 0
    offsets: Offsets = field(default_factory=dict)
    snapshot: Callable[[], dict[str, Any]] | None = None
    """The query's operator snapshots, carried in each marker with the offsets."""
    marker: tuple[bytes, bytes] | None = None
    """The key and value of the marker of the last `write_changes`, until `mark` produces it."""

    def processed(self, topic: str, partition: int, offset: int) -> None:
        """Record that the query has processed `offset` of `topic`/`partition`."""
        self.offsets[(topic, partition)] = offset + 1

    def write(self) -> None:
        """Produce every dirty key's current value, then a marker, to each store's changelog."""
        self.write_changes()
        self.mark()

    def write_changes(self) -> None:
        """Produce every dirty key's current value to each store's changelog, and prepare the
        marker that completes them (`mark`), with the offsets and snapshots of this moment."""
        self.sequence += 1
        content: dict[str, Any] = {
            "seq": self.sequence,
            "offsets": [[t, p, o] for (t, p), o in self.offsets.items()],
        }
        if self.snapshot is not None:
            content["operators"] = self.snapshot()
        marker = encode(content)
        marker_key = CHECKPOINT_KEY + b"%d" % (self.sequence % 2)
        produce = self.produce
        for tracked in self.stores:
            data = tracked.store.data
            spill = tracked.spill
            changed: list[Change] | None = [] if spill is not None and spill.spilling() else None
            for key, ts in tracked.dirty.items():
                value = data.get(key)
                raw_key = encode(key)
                raw_value = None if value is None else encode(value)
                produce(tracked.topic, raw_key, raw_value, max(ts, 0), ())
                if changed is not None:
                    changed.append((key, raw_key, value, raw_value))
            tracked.dirty.clear()
            if spill is not None and changed is not None:
                spill.checkpoint(changed)  # the disk tier gets the same encodings
        self.marker = (marker_key, marker)

    def mark(self) -> None:
        """Produce the marker of the last `write_changes` to each store's changelog: call it
        only once everything the query produced up to then is acknowledged."""
        if self.marker is None:
            return
        marker_key, marker = self.marker
        self.marker = None
        for tracked in self.stores:
            self.produce(tracked.topic, marker_key, marker, 0, ())


Raw = tuple[bytes, bytes | None]
"""A changelog record as read: key bytes, value bytes (None deletes)."""


@dataclass
class Segment:
    """The changes of one store between two markers, and the marker that completed them.

    Changes stay encoded until applied: only the last change of each key is ever decoded.
    """

    sequence: int
    offsets: Offsets
    changes: list[Raw]
    operators: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Log:
    segments: list[Segment] = field(default_factory=list)
    tail: list[Raw] = field(default_factory=list)


def _read(records: Iterable[tuple[bytes | None, bytes | None]], topic: str) -> _Log:
    found = _Log()
    for key, value in records:
        if key is None:
            continue
        if not key.startswith(CHECKPOINT_KEY):
            found.tail.append((key, value))
            continue
        try:
            marker = decode(value or b"")
            offsets = {(t, p): o for t, p, o in marker.get("offsets", [])}
            operators = dict(marker.get("operators") or {})
            found.segments.append(Segment(int(marker["seq"]), offsets, found.tail, operators))
            found.tail = []
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("skipping a marker of changelog %s that does not decode: %s", topic, error)
    return found


def _decoded(raw: list[bytes], topic: str) -> list[Any]:
    """The decoded items; those that do not decode become `_UNREADABLE` (and are logged)."""
    found = decode_many(raw)
    for index, item in enumerate(found):
        if isinstance(item, ValueError):
            log.warning("skipping a record of changelog %s that does not decode: %s", topic, item)
            found[index] = _UNREADABLE
    return found


_UNREADABLE: Any = object()


@dataclass
class RestorePlan:
    """What a query's stores restore to, and where the query resumes."""

    logs: dict[str, _Log]
    target: int | None
    resume: Offsets
    next_sequence: int
    operators: dict[str, Any] = field(default_factory=dict)
    """The operator snapshots of the target checkpoint."""

    def apply(self, stores: dict[str, TrackedStore]) -> int:
        """Restore each store (by changelog topic); returns how many keys were restored."""
        applied = 0
        for topic, tracked in stores.items():
            found = self.logs.get(topic) or _Log()
            latest: dict[bytes, bytes | None] = {}
            past: set[bytes] = set()
            for segment in found.segments:
                if self.target is not None and segment.sequence <= self.target:
                    for raw_key, raw_value in segment.changes:
                        latest[raw_key] = raw_value
                else:
                    past.update(raw_key for raw_key, _ in segment.changes)
            # Keys written past the target are rewritten with their restored values (or
            # deleted) at the next checkpoint, so that later restores cannot see those writes.
            past.update(raw_key for raw_key, _ in found.tail)
            keys = _decoded(list(latest), topic)
            applied += _restore_store(tracked, keys, latest, topic)
            for key in _decoded(list(past), topic):
                if key is not _UNREADABLE:
                    tracked.dirty[key] = 0
        return applied


def _restore_store(
    tracked: TrackedStore, keys: list[Any], latest: dict[bytes, bytes | None], topic: str
) -> int:
    """Restore one store to `latest` (raw key → raw value, None deletes), whose keys decode to
    `keys`; returns how many keys were restored."""
    spill = tracked.spill
    if spill is not None:
        # More entries than memory keeps go straight to disk, still encoded.
        rows = [
            (key, raw_key, raw_value)
            for key, (raw_key, raw_value) in zip(keys, latest.items(), strict=True)
            if key is not _UNREADABLE and raw_value is not None
        ]
        if spill.restore_rows(rows):
            return sum(1 for key in keys if key is not _UNREADABLE)
    present = [raw for raw in latest.values() if raw is not None]
    values = iter(_decoded(present, topic))
    entries = []
    for key, raw_value in zip(keys, latest.values(), strict=True):
        value = None if raw_value is None else next(values)
        if key is not _UNREADABLE and value is not _UNREADABLE:
            entries.append((key, value))
    tracked.store.restore_many(entries)
    return len(entries)


def plan_restore(
    records: Mapping[str, Iterable[tuple[bytes | None, bytes | None]]],
) -> RestorePlan:
    """Read each store's changelog records `(key, value)` and choose the checkpoint to restore."""
    logs = {topic: _read(found, topic) for topic, found in records.items()}
    # The newest checkpoint every store completed (a crash may fall between two stores' markers).
    seen = [{s.sequence for s in found.segments} for found in logs.values()]
    common = set.intersection(*seen) if seen else set()
    target = max(common) if common else None
    resume: Offsets = {}
    operators: dict[str, Any] = {}
    if target is not None:
        for found in logs.values():
            for segment in found.segments:
                if segment.sequence == target:
                    resume, operators = segment.offsets, segment.operators
                    break
            if resume:
                break
    sequences = [s.sequence for found in logs.values() for s in found.segments]
    return RestorePlan(logs, target, resume, max(sequences, default=0), operators)
