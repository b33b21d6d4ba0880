"""Retention and compaction: the background work that keeps logs from growing forever.

Both touch only sealed segments (never the one being appended to, never data above the high
watermark), as Kafka does.

- `delete` policy: the oldest segments go once their newest record is older than `retention.ms`,
  or while the log is larger than `retention.bytes` without them.
- `compact` policy: once the dirty part of the log (not cleaned yet) is at least
  `min.cleanable.dirty.ratio` of it, one pass maps each key of the dirty segments to its latest
  offset, then rewrites every sealed segment keeping only records that are their key's latest
  (records without a key are kept). A tombstone is dropped once it is superseded or older than
  `delete.retention.ms`. Untouched batches are copied as they are; a batch that loses records
  is rewritten uncompressed with its original offsets. The file work runs in a thread; the swap
  happens on the event loop. Transactions: only segments below the last stable offset are
  cleaned, the records of aborted transactions are removed, and transaction markers are kept
  (they never count as a key's latest record).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ksqlmv.broker.catalog import Catalog
from ksqlmv.broker.log import PartitionLog
from ksqlmv.broker.records import (
    CONTROL,
    HEADER_SIZE,
    TRANSACTIONAL,
    BatchHeader,
    iter_records,
    read_header,
    rebuild_batch,
    records_section,
)
from ksqlmv.broker.segment import INDEX_ENTRY, Segment
from ksqlmv.broker.topic_config import TopicSettings
from ksqlmv.broker.txn_partition import AbortedRange

__all__ = ["Cleaner"]

_log = logging.getLogger("ksqlmv.broker")


@dataclass(frozen=True, slots=True)
class _Rewritten:
    segment: Segment
    log_path: Path
    index_path: Path
    size: int


class Cleaner:
    """Runs retention and compaction over every partition, one pass at a time."""

    def __init__(self, catalog: Catalog, map_entries: int) -> None:
        self._catalog = catalog
        self._map_entries = map_entries

    async def run_once(self) -> None:
        """One pass over every partition."""
        for topic in list(self._catalog.topics.values()):
            for log in list(topic.partitions):
                if log.closed:
                    continue
                if topic.settings.delete:
                    await self.apply_retention(log)
                if topic.settings.compact and not log.closed:
                    await self.compact(log)

    async def apply_retention(self, log: PartitionLog) -> None:
        """Delete the segments that retention.ms or retention.bytes let go."""
        settings = log.settings
        sealed = log.sealed_segments()
        now = time.time() * 1000
        count = 0
        if settings.retention_ms >= 0:
            while count < len(sealed) and sealed[count].max_timestamp < now - settings.retention_ms:
                count += 1
        if settings.retention_bytes >= 0:
            total = log.size - sum(segment.size for segment in sealed[:count])
            while count < len(sealed) and total - sealed[count].size >= settings.retention_bytes:
                total -= sealed[count].size
                count += 1
        if count:
            dropped = log.drop_oldest(count)
            _log.info("%s: retention removed %d segment(s)", log, len(dropped))
            for segment in dropped:
                await asyncio.to_thread(segment.unlink)

    async def compact(self, log: PartitionLog) -> None:
        """Compact the sealed segments of `log` if enough of them is dirty."""
        settings = log.settings
        now = time.time() * 1000
        stable = log.txns.stable_offset(log.high_watermark)
        sealed = [
            segment
            for segment in log.sealed_segments()
            if segment.max_timestamp <= now - settings.min_compaction_lag_ms
            and segment.next_offset <= stable
        ]
        dirty = [segment for segment in sealed if segment.next_offset > log.clean_offset]
        total = sum(segment.size for segment in sealed)
        if not dirty or not total:
            return
        if sum(segment.size for segment in dirty) / total < settings.min_cleanable_dirty_ratio:
            return
        aborted: dict[int, list[AbortedRange]] = {}
        for aborted_range in log.txns.aborted:
            aborted.setdefault(aborted_range.producer_id, []).append(aborted_range)
        rewritten, cleaned_to = await asyncio.to_thread(
            _compact_segments, sealed, dirty, settings, self._map_entries, now, aborted
        )
        if log.closed:
            for item in rewritten:
                item.log_path.unlink(missing_ok=True)
                item.index_path.unlink(missing_ok=True)
            return
        present = {id(segment) for segment in log.segments}
        for item in rewritten:
            if id(item.segment) in present:
                item.segment.replace_with(item.log_path, item.index_path, item.size)
        log.forget_positions()
        log.clean_offset = cleaned_to
        after = sum(item.size for item in rewritten)
        _log.info("%s: compacted %d segment(s) to %d bytes", log, len(rewritten), after)


def _key_digest(key: bytes) -> bytes:
    # a fixed 16-byte digest bounds the map's memory whatever the key sizes (Kafka does the same)
    return hashlib.blake2b(key, digest_size=16).digest()


def _batches(segment: Segment) -> Iterator[tuple[BatchHeader, bytes]]:
    """Every batch of a sealed segment, streamed through a private file (we are in a thread)."""
    with segment.path.open("rb") as file:
        position = 0
        while True:
            head = file.read(HEADER_SIZE)
            if len(head) < HEADER_SIZE:
                return
            header = read_header(head, 0, position)
            if header.size < HEADER_SIZE:
                return
            rest = file.read(header.size - HEADER_SIZE)
            if len(rest) < header.size - HEADER_SIZE:
                return
            yield header, head + rest
            position += header.size


def _in_aborted(header: BatchHeader, aborted: dict[int, list[AbortedRange]]) -> bool:
    """Whether a data batch belongs to an aborted transaction (its ABORT marker does not)."""
    if header.attributes & (TRANSACTIONAL | CONTROL) != TRANSACTIONAL:
        return False
    ranges = aborted.get(header.producer_id, ())
    return any(found.first <= header.base_offset <= found.last for found in ranges)


def _compact_segments(
    sealed: list[Segment],
    dirty: list[Segment],
    settings: TopicSettings,
    map_entries: int,
    now: float,
    aborted: dict[int, list[AbortedRange]],
) -> tuple[list[_Rewritten], int]:
    latest: dict[bytes, int] = {}
    cleaned_to = dirty[0].base_offset
    for segment in dirty:
        seen: dict[bytes, int] = {}
        for header, batch in _batches(segment):
            if header.attributes & CONTROL or _in_aborted(header, aborted):
                continue
            section = records_section(batch, header)
            for record in iter_records(section, header.record_count):
                if record.key is not None:
                    seen[_key_digest(record.key)] = header.base_offset + record.offset_delta
        if len(latest) + len(seen) > map_entries and latest:
            break  # the map is full: the rest waits for the next pass
        latest.update(seen)
        cleaned_to = segment.next_offset
    horizon = now - settings.delete_retention_ms
    rewritten = []
    for segment in sealed:
        if segment.base_offset >= cleaned_to:
            break
        rewritten.append(_rewrite(segment, latest, horizon, aborted))
    return rewritten, cleaned_to


def _rewrite(
    segment: Segment,
    latest: dict[bytes, int],
    horizon: float,
    aborted: dict[int, list[AbortedRange]],
) -> _Rewritten:
    log_path = segment.path.with_name(segment.path.name + ".cleaned")
    index_path = segment.index_path.with_name(segment.index_path.name + ".cleaned")
    output = bytearray()
    entries = bytearray()
    since_index, max_before = 0, -1
    for header, batch in _batches(segment):
        if _in_aborted(header, aborted):
            continue
        kept: list[bytes] = []
        section = records_section(batch, header)
        records = list(iter_records(section, header.record_count))
        for record in records if not header.attributes & CONTROL else ():
            offset = header.base_offset + record.offset_delta
            if record.key is not None and latest.get(_key_digest(record.key), -1) > offset:
                continue
            if record.is_tombstone and header.max_timestamp < horizon:
                continue
            kept.append(section[record.start : record.end])
        if header.attributes & CONTROL:
            out = batch
        elif not kept:
            continue
        else:
            out = (
                batch
                if len(kept) == len(records)
                else rebuild_batch(header, b"".join(kept), len(kept))
            )
        if since_index >= segment.index_interval:
            entries += INDEX_ENTRY.pack(
                header.base_offset - segment.base_offset, len(output), max_before
            )
            since_index = 0
        since_index += len(out)
        max_before = max(max_before, header.max_timestamp)
        output += out
    for path, data in ((log_path, output), (index_path, entries)):
        with path.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    return _Rewritten(segment, log_path, index_path, len(output))
