"""Committed consumer offsets, kept in memory and appended to a durable file.

`<data-dir>/consumer-offsets.log` is a journal of JSON lines, one per committed partition
(`{"g": group, "t": topic, "p": partition, "o": offset, "e": leader epoch, "m": metadata}`) or
per deletion (`{"g": group, "delete": true}`, `{"t": topic, "delete": true}`). It is replayed at
start and then rewritten with only the live entries, so it stays as small as the state it holds.
An OffsetCommit is answered after the flusher has fsynced its lines.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ksqlmv.broker.catalog import atomic_write

__all__ = ["Committed", "OffsetStore"]

_log = logging.getLogger("ksqlmv.broker")
_FILE = "consumer-offsets.log"


@dataclass(frozen=True, slots=True)
class Committed:
    """One committed position."""

    offset: int
    leader_epoch: int
    metadata: str | None


class OffsetStore:
    """Committed offsets by group, then (topic, partition)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / _FILE
        self._groups: dict[str, dict[tuple[str, int], Committed]] = {}
        self._fd: int | None = None
        self.closed = False

    @classmethod
    def open(cls, data_dir: Path) -> OffsetStore:
        """Replay the journal, compact it, and open it for appending."""
        store = cls(data_dir)
        if store.path.exists():
            for number, line in enumerate(store.path.read_bytes().splitlines(), 1):
                try:
                    store._apply(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    # a torn last line after a crash was never acknowledged; skip it
                    _log.warning("%s line %d is not a complete entry; skipped", store.path, number)
        atomic_write(store.path, b"".join(store._lines()))
        store._fd = os.open(store.path, os.O_WRONLY | os.O_APPEND)
        return store

    def _apply(self, entry: dict[str, Any]) -> None:
        if entry.get("delete"):
            if "g" in entry:
                self._groups.pop(entry["g"], None)
            else:
                self._forget_topic(entry["t"])
            return
        group = self._groups.setdefault(entry["g"], {})
        group[(entry["t"], int(entry["p"]))] = Committed(
            int(entry["o"]), int(entry.get("e", -1)), entry.get("m")
        )

    def _lines(self) -> Iterable[bytes]:
        for group, partitions in self._groups.items():
            for (topic, partition), committed in partitions.items():
                yield _line(group, topic, partition, committed)

    def _forget_topic(self, topic: str) -> None:
        for partitions in self._groups.values():
            for key in [key for key in partitions if key[0] == topic]:
                del partitions[key]

    # -- reads -------------------------------------------------------------------------------

    def get(self, group: str, topic: str, partition: int) -> Committed | None:
        """The committed position, if any."""
        partitions = self._groups.get(group)
        return None if partitions is None else partitions.get((topic, partition))

    def partitions(self, group: str) -> dict[tuple[str, int], Committed]:
        """Every committed position of a group."""
        return dict(self._groups.get(group, {}))

    def groups(self) -> list[str]:
        """Groups with committed offsets."""
        return list(self._groups)

    # -- writes ------------------------------------------------------------------------------

    def commit(self, group: str, entries: Iterable[tuple[str, int, Committed]]) -> None:
        """Record commits in memory and append them to the journal (the caller syncs)."""
        partitions = self._groups.setdefault(group, {})
        lines = bytearray()
        for topic, partition, committed in entries:
            partitions[(topic, partition)] = committed
            lines += _line(group, topic, partition, committed)
        self._append(bytes(lines))

    def delete_group(self, group: str) -> None:
        """Forget every offset of a group."""
        if self._groups.pop(group, None) is not None:
            self._append(json.dumps({"g": group, "delete": True}).encode() + b"\n")

    def delete_topic(self, topic: str) -> None:
        """Forget every offset committed for a topic (it was deleted)."""
        self._forget_topic(topic)
        self._append(json.dumps({"t": topic, "delete": True}).encode() + b"\n")

    def _append(self, data: bytes) -> None:
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


def _line(group: str, topic: str, partition: int, committed: Committed) -> bytes:
    entry = {
        "g": group,
        "t": topic,
        "p": partition,
        "o": committed.offset,
        "e": committed.leader_epoch,
        "m": committed.metadata,
    }
    return json.dumps(entry, separators=(",", ":")).encode() + b"\n"
