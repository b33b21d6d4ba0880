"""Transactions as one partition sees them: open transactions, the LSO, aborted ranges.

A transactional producer's batches are stored as sent, flagged transactional. The first one a
producer writes in a transaction opens it here (its offset); the COMMIT or ABORT marker the
coordinator writes ends it. The **last stable offset** (LSO) is the first offset of the oldest
open transaction (the high watermark when there is none): a `read_committed` consumer reads only
below it. Each aborted transaction leaves `(producer id, first offset, marker offset)`, which
`read_committed` fetches return for the range they cover so that the client drops those batches.

Aborted ranges are durable in `txn_log.AbortedJournal`; open transactions are reopened at start
from the coordinator's state (`reopen`).
"""

from __future__ import annotations

import bisect
import struct
from dataclasses import dataclass, field

from ksqlmv.broker.records import CONTROL, TRANSACTIONAL, BatchHeader

__all__ = ["AbortedRange", "PartitionTxns", "cut_at"]

_BATCH_PREFIX = struct.Struct(">qi")


@dataclass(frozen=True, slots=True)
class AbortedRange:
    """Offsets `first` to `last` (the ABORT marker) of an aborted transaction of a producer."""

    producer_id: int
    first: int
    last: int


@dataclass(slots=True)
class PartitionTxns:
    """Open transactions and aborted ranges of one partition."""

    open: dict[int, int] = field(default_factory=dict)  # producer id -> first offset
    aborted: list[AbortedRange] = field(default_factory=list)  # ascending by `last`

    def appended(self, header: BatchHeader, base_offset: int) -> None:
        """Note a batch just appended at `base_offset` (opens its producer's transaction)."""
        if header.attributes & (TRANSACTIONAL | CONTROL) == TRANSACTIONAL:
            self.open.setdefault(header.producer_id, base_offset)

    def reopen(self, producer_id: int, first: int) -> None:
        """After a restart: a transaction the coordinator has open may have data from `first`."""
        known = self.open.get(producer_id)
        self.open[producer_id] = first if known is None else min(known, first)

    def close(self, producer_id: int, marker_offset: int, *, commit: bool) -> AbortedRange | None:
        """End the producer's transaction at its marker; the aborted range, if it had data."""
        first = self.open.pop(producer_id, None)
        if commit or first is None:
            return None
        found = AbortedRange(producer_id, first, marker_offset)
        self.add_aborted(found)
        return found

    def add_aborted(self, found: AbortedRange) -> None:
        """Remember an aborted range (loaded, or just written)."""
        if not self.aborted or self.aborted[-1].last <= found.last:
            self.aborted.append(found)
        else:
            bisect.insort(self.aborted, found, key=lambda item: item.last)

    def stable_offset(self, high_watermark: int) -> int:
        """The LSO: the oldest open transaction's first offset, at most the high watermark."""
        if not self.open:
            return high_watermark
        return min(min(self.open.values()), high_watermark)

    def aborted_between(self, start: int, end: int) -> list[AbortedRange]:
        """Aborted ranges that overlap offsets `[start, end)`, oldest first."""
        if not self.aborted:
            return []
        index = bisect.bisect_left(self.aborted, start, key=lambda item: item.last)
        return [item for item in self.aborted[index:] if item.first < end]

    def forget_before(self, offset: int) -> None:
        """Drop ranges wholly below `offset` (retention deleted their segments)."""
        index = bisect.bisect_left(self.aborted, offset, key=lambda item: item.last)
        if index:
            del self.aborted[:index]


def cut_at(chunk: bytes, stable: int) -> bytes:
    """The whole batches of `chunk` that start below the LSO `stable`.

    An open transaction's first batch starts exactly at the LSO, so no batch straddles it.
    """
    position, size = 0, len(chunk)
    while position + _BATCH_PREFIX.size <= size:
        base_offset, length = _BATCH_PREFIX.unpack_from(chunk, position)
        if base_offset >= stable:
            break
        position += _BATCH_PREFIX.size + length
    return chunk if position >= size else chunk[:position]
