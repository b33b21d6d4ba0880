"""The durable side of transactions: the coordinator's state and the aborted ranges.

Kafka keeps its transaction coordinator's state in the `__transaction_state` topic; this broker
keeps it in `<data-dir>/transactions.log`, a journal of JSON lines, each a whole snapshot of one
transactional id (producer id and epoch, timeout, state, partitions with the log end offset each
had when it joined, consumer groups, and the offsets waiting for the commit). The last line of an
id wins; the file is replayed and compacted at start, like the committed offsets.

`<data-dir>/aborted-txns.log` holds each aborted range of each partition (see
`txn_partition.py`): written with the ABORT marker, fsynced with it, loaded at start. A range
whose marker is past the recovered end of its log was never durable and is dropped; the
coordinator, which still has that transaction as preparing, writes marker and range again.
"""

from __future__ import annotations

import enum
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ksqlmv.broker.catalog import Catalog, atomic_write
from ksqlmv.broker.offsets import Committed
from ksqlmv.broker.txn_partition import AbortedRange

__all__ = ["AbortedJournal", "TransactionLog", "TxnMetadata", "TxnState"]

_log = logging.getLogger("ksqlmv.broker")
_STATE_FILE = "transactions.log"
_ABORTED_FILE = "aborted-txns.log"


class TxnState(enum.Enum):
    """Where a transactional id's current transaction is (Kafka's coordinator states)."""

    EMPTY = "Empty"
    ONGOING = "Ongoing"
    PREPARE_COMMIT = "PrepareCommit"
    PREPARE_ABORT = "PrepareAbort"
    COMPLETE_COMMIT = "CompleteCommit"
    COMPLETE_ABORT = "CompleteAbort"

    @property
    def preparing(self) -> bool:
        """Decided but not yet written into every partition (in doubt after a crash)."""
        return self in (TxnState.PREPARE_COMMIT, TxnState.PREPARE_ABORT)

    @property
    def idle(self) -> bool:
        """No transaction in progress: a new one may begin."""
        return self in (TxnState.EMPTY, TxnState.COMPLETE_COMMIT, TxnState.COMPLETE_ABORT)


@dataclass(slots=True)
class TxnMetadata:
    """One transactional id and its current transaction."""

    transactional_id: str
    producer_id: int
    epoch: int
    timeout_ms: int
    state: TxnState = TxnState.EMPTY
    partitions: dict[tuple[str, int], int] = field(default_factory=dict)  # -> LEO when added
    groups: set[str] = field(default_factory=set)
    offsets: dict[str, dict[tuple[str, int], Committed]] = field(default_factory=dict)
    started_ms: int = -1

    def snapshot(self) -> dict[str, Any]:
        """The journal's JSON form."""
        return {
            "id": self.transactional_id,
            "pid": self.producer_id,
            "e": self.epoch,
            "to": self.timeout_ms,
            "s": self.state.value,
            "parts": [[t, p, leo] for (t, p), leo in self.partitions.items()],
            "groups": sorted(self.groups),
            "offs": {
                group: [[t, p, c.offset, c.leader_epoch, c.metadata] for (t, p), c in found.items()]
                for group, found in self.offsets.items()
            },
            "start": self.started_ms,
        }

    @classmethod
    def from_snapshot(cls, entry: dict[str, Any]) -> TxnMetadata:
        """Read back `snapshot()`."""
        return cls(
            str(entry["id"]),
            int(entry["pid"]),
            int(entry["e"]),
            int(entry["to"]),
            TxnState(entry["s"]),
            {(str(t), int(p)): int(leo) for t, p, leo in entry.get("parts", [])},
            set(entry.get("groups", [])),
            {
                group: {(str(t), int(p)): Committed(int(o), int(e), m) for t, p, o, e, m in found}
                for group, found in entry.get("offs", {}).items()
            },
            int(entry.get("start", -1)),
        )


class _Journal:
    """An append-only file of JSON lines that the flusher syncs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.closed = False

    def _read(self) -> Iterable[dict[str, Any]]:
        if not self.path.exists():
            return
        for number, line in enumerate(self.path.read_bytes().splitlines(), 1):
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict):
                    raise TypeError(type(entry).__name__)
            except (ValueError, TypeError):
                # a torn last line after a crash was never acknowledged; skip it
                _log.warning("%s line %d is not a complete entry; skipped", self.path, number)
                continue
            yield entry

    def _rewrite(self, entries: Iterable[dict[str, Any]]) -> None:
        atomic_write(self.path, b"".join(_line(entry) for entry in entries))
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def _append(self, entries: Iterable[dict[str, Any]]) -> None:
        data = b"".join(_line(entry) for entry in entries)
        if self._fd is not None and data:
            os.write(self._fd, data)

    # -- the flusher's protocol --------------------------------------------------------------

    def begin_sync(self) -> None:
        """Nothing to capture: a sync covers every line appended so far."""

    def sync_files(self, token: None) -> None:
        """fsync the journal."""
        if self._fd is not None:
            os.fdatasync(self._fd)

    def finish_sync(self, token: None) -> None:
        """Nothing to publish."""

    def close(self) -> None:
        """Close the journal."""
        self.closed = True
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class TransactionLog(_Journal):
    """Every transactional id's state, replayed at start."""

    @classmethod
    def open(cls, data_dir: Path) -> tuple[TransactionLog, dict[str, TxnMetadata]]:
        """Replay the journal, compact it; the journal and the state by transactional id."""
        journal = cls(data_dir / _STATE_FILE)
        found: dict[str, TxnMetadata] = {}
        for entry in journal._read():
            try:
                meta = TxnMetadata.from_snapshot(entry)
            except (ValueError, KeyError, TypeError) as error:
                _log.warning("%s: an entry does not decode (%s); skipped", journal.path, error)
                continue
            found[meta.transactional_id] = meta
        journal._rewrite(meta.snapshot() for meta in found.values())
        return journal, found

    def write(self, meta: TxnMetadata) -> None:
        """Append the id's current state (the caller has the flusher sync it)."""
        self._append([meta.snapshot()])


class AbortedJournal(_Journal):
    """Every partition's aborted ranges."""

    @classmethod
    def open(cls, data_dir: Path, catalog: Catalog) -> AbortedJournal:
        """Load the ranges into their partitions' `txns`, keeping only the valid ones.

        A range stays if its partition exists, its marker is below the log end, and it is not
        wholly below the log start.
        """
        journal = cls(data_dir / _ABORTED_FILE)
        kept: list[dict[str, Any]] = []
        for entry in journal._read():
            try:
                topic, partition = str(entry["t"]), int(entry["p"])
                found = AbortedRange(int(entry["pid"]), int(entry["f"]), int(entry["l"]))
            except (ValueError, KeyError, TypeError):
                continue
            owner = catalog.topics.get(topic)
            if owner is None or not 0 <= partition < len(owner.partitions):
                continue
            log = owner.partitions[partition]
            if found.last >= log.log_end_offset or found.last < log.log_start_offset:
                continue
            log.txns.add_aborted(found)
            kept.append(entry)
        journal._rewrite(kept)
        return journal

    def append(self, entries: Iterable[tuple[str, int, AbortedRange]]) -> None:
        """Write ranges (the caller has the flusher sync them with the markers)."""
        self._append(
            {"t": topic, "p": partition, "pid": item.producer_id, "f": item.first, "l": item.last}
            for topic, partition, item in entries
        )


def _line(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, separators=(",", ":")).encode() + b"\n"
