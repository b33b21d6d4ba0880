"""A partition's log: its segments, the offsets it has handed out, and what readers may see.

Three offsets matter. The log start offset is the first one kept; the log end offset (LEO) is the
next one an append gets; the high watermark (HWM) is the end of what consumers may read. Appends
write to the page cache and advance the LEO and the HWM at once, waking waiting fetches, as a
Kafka leader without followers does: a record written survives `kill -9` of the broker (the page
cache is the kernel's), so consumers need not wait for the disk. The flusher fsyncs in a thread
in the background; on topics with `flush.messages=1` it only then acknowledges `acks=all`
producers, so their records survive a machine crash too.

Reads return whole batches exactly as stored, cut at a batch boundary (at least one batch, even
past `max_bytes`, KIP-74), and remember where they stopped so a consumer reading on finds its next
position without touching the index.
"""

from __future__ import annotations

import asyncio
import bisect
import struct
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ksqlmv.broker.producers import ProducerState
from ksqlmv.broker.records import (
    HEADER_SIZE,
    LOG_OVERHEAD,
    TRANSACTIONAL,
    BatchHeader,
    iter_records,
    read_header,
    records_section,
    set_log_append_time,
    stamp_offset,
)
from ksqlmv.broker.segment import Segment, fsync_directory, segment_bases
from ksqlmv.broker.topic_config import TopicSettings
from ksqlmv.broker.txn_partition import PartitionTxns
from ksqlmv.errors import KafkaError

__all__ = ["OFFSET_OUT_OF_RANGE", "PartitionLog", "SyncToken"]

OFFSET_OUT_OF_RANGE = 1
_BATCH_PREFIX = struct.Struct(">qi")
_CURSORS = 16


@dataclass(frozen=True, slots=True)
class SyncToken:
    """What one flush round of a partition covers, captured on the event loop."""

    segment: Segment
    sealing: tuple[Segment, ...]
    new_files: bool  # a segment was created since the last round: fsync the directory too


class PartitionLog:
    """The segments of one topic partition, with append, read and lookup."""

    def __init__(
        self, directory: Path, topic: str, partition: int, settings: TopicSettings
    ) -> None:
        self.directory = directory
        self.topic = topic
        self.partition = partition
        self.settings = settings
        self.segments: list[Segment] = []
        self._bases: list[int] = []
        self.producers = ProducerState()
        self.txns = PartitionTxns()
        self.high_watermark = 0
        self._visible_base = 0
        self._visible_position = 0
        self._sealing: list[Segment] = []
        self._new_files = True
        self._active_since = time.time()
        self._cursors: OrderedDict[int, tuple[int, int]] = OrderedDict()
        self._waiters: set[asyncio.Future[None]] = set()
        self.clean_offset = 0  # compaction: offsets below this have been cleaned
        self.closed = False

    def __repr__(self) -> str:
        return f"PartitionLog({self.topic}-{self.partition})"

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        directory: Path,
        topic: str,
        partition: int,
        settings: TopicSettings,
        recovery_point: int,
    ) -> PartitionLog:
        """Open (or create) the log in `directory`, recovering segments past `recovery_point`."""
        log = cls(directory, topic, partition, settings)
        directory.mkdir(parents=True, exist_ok=True)
        bases = segment_bases(directory)
        interval = settings.index_interval_bytes
        first_recovered = max(
            (base for base in bases if base <= recovery_point), default=bases[0] if bases else 0
        )
        for number, base in enumerate(bases):
            last = number == len(bases) - 1
            recover = base >= first_recovered
            segment = Segment.load(
                directory,
                base,
                interval,
                writable=last,
                recover=recover,
                on_batch=log.producers.observe if recover else None,
            )
            log.segments.append(segment)
            if segment.truncated and not last:
                # a torn segment followed by others: those were written after the tear, so
                # none of their records was ever acknowledged as durable
                break
        log._drop_after_torn_segment(bases)
        if not log.segments:
            log.segments.append(Segment.create(directory, 0, interval))
        elif not log.segments[-1].writable:
            last_segment = log.segments[-1]
            log.segments[-1] = Segment.load(
                directory, last_segment.base_offset, interval, writable=True, recover=False
            )
        log._bases = [segment.base_offset for segment in log.segments]
        log._publish(log.segments[-1])
        return log

    def _drop_after_torn_segment(self, bases: Sequence[int]) -> None:
        kept = {segment.base_offset for segment in self.segments}
        for base in bases:
            if base not in kept:
                Segment(self.directory, base, self.settings.index_interval_bytes).delete()

    # -- offsets -----------------------------------------------------------------------------

    @property
    def log_start_offset(self) -> int:
        """First offset still kept."""
        return self.segments[0].base_offset

    @property
    def log_end_offset(self) -> int:
        """Offset the next appended record gets."""
        return self.segments[-1].next_offset

    @property
    def size(self) -> int:
        """Bytes on disk over every segment."""
        return sum(segment.size for segment in self.segments)

    # -- appending ---------------------------------------------------------------------------

    def append(self, data: bytes, headers: Sequence[BatchHeader]) -> tuple[int, int]:
        """Give the batches offsets and write them; returns (base offset, log-append time).

        `headers` come from `validate_batches(data)`. The log-append time is -1 unless the
        topic stamps LogAppendTime.
        """
        buffer = bytearray(data)
        offset = self.log_end_offset
        bases: list[int] = []
        for header in headers:
            stamp_offset(buffer, header.position, offset)
            bases.append(offset)
            if header.attributes & TRANSACTIONAL:
                self.txns.appended(header, offset)
            offset += header.last_offset_delta + 1
        append_time = -1
        if self.settings.log_append_time:
            append_time = int(time.time() * 1000)
            for header in headers:
                set_log_append_time(buffer, header, append_time)
            headers = [read_header(buffer, header.position) for header in headers]
        self._roll_if_needed(len(buffer))
        active = self.segments[-1]
        active.append(buffer, headers, bases)
        self._publish(active)
        return bases[0], append_time

    def _publish(self, active: Segment) -> None:
        """Make everything written readable: advance the HWM and wake waiting fetches."""
        self.high_watermark = active.next_offset
        self._visible_base = active.base_offset
        self._visible_position = active.size
        if self._waiters:
            waiters, self._waiters = self._waiters, set()
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def _roll_if_needed(self, incoming: int) -> None:
        active = self.segments[-1]
        if active.size == 0:
            self._active_since = time.time()
            return
        too_big = active.size + incoming > self.settings.segment_bytes
        too_old = (time.time() - self._active_since) * 1000 >= self.settings.segment_ms
        if too_big or too_old:
            self.roll()

    def roll(self) -> None:
        """Start a new segment at the log end; the old one is sealed after its next fsync."""
        old = self.segments[-1]
        new = Segment.create(self.directory, old.next_offset, self.settings.index_interval_bytes)
        self._sealing.append(old)
        self._new_files = True
        self.segments.append(new)
        self._bases.append(new.base_offset)
        self._active_since = time.time()

    # -- durability (driven by the flusher) --------------------------------------------------

    def begin_sync(self) -> SyncToken:
        """Capture what the next fsync covers (on the event loop)."""
        sealing = tuple(self._sealing)
        self._sealing.clear()
        new_files, self._new_files = self._new_files, False
        active = self.segments[-1]
        return SyncToken(active, sealing, new_files)

    def sync_files(self, token: SyncToken) -> None:
        """fsync what `token` covers (in the flusher's thread)."""
        for segment in token.sealing:
            segment.sync()
            segment.sync_index()
        token.segment.sync()
        if token.new_files:
            fsync_directory(self.directory)

    def finish_sync(self, token: SyncToken) -> None:
        """Seal the segments the fsync covered (on the event loop)."""
        for segment in token.sealing:
            segment.seal()

    def add_waiter(self, waiter: asyncio.Future[None]) -> None:
        """Resolve `waiter` when the high watermark next moves."""
        self._waiters.add(waiter)

    def remove_waiter(self, waiter: asyncio.Future[None]) -> None:
        """Forget a waiter that stopped waiting."""
        self._waiters.discard(waiter)

    # -- reading -----------------------------------------------------------------------------

    def read(self, offset: int, max_bytes: int, *, at_least_one: bool) -> bytes:
        """Whole batches from the one holding `offset`, up to `max_bytes`, below the HWM.

        With `at_least_one`, a first batch larger than `max_bytes` is returned whole.
        """
        if offset < self.log_start_offset or offset > self.high_watermark:
            raise KafkaError(
                OFFSET_OUT_OF_RANGE,
                f"offset {offset} is outside [{self.log_start_offset}, {self.high_watermark}]",
            )
        if offset == self.high_watermark:
            return b""
        index, position = self._locate(offset)
        while index < len(self.segments):
            segment = self.segments[index]
            limit = self._visible_limit(segment)
            if position < limit:
                break
            index, position = index + 1, 0
        else:
            return b""
        chunk = segment.read(position, min(max_bytes, limit - position))
        end, next_offset = _whole_batches(chunk)
        if end == 0:
            if not at_least_one or len(chunk) < LOG_OVERHEAD:
                return b""
            _, batch_length = _BATCH_PREFIX.unpack_from(chunk, 0)
            chunk = segment.read(position, batch_length + LOG_OVERHEAD)
            end, next_offset = _whole_batches(chunk)
        self._remember(next_offset, segment.base_offset, position + end)
        return chunk[:end] if end < len(chunk) else chunk

    def _visible_limit(self, segment: Segment) -> int:
        if segment.base_offset < self._visible_base:
            return segment.size
        if segment.base_offset == self._visible_base:
            return self._visible_position
        return 0

    def _locate(self, offset: int) -> tuple[int, int]:
        cursor = self._cursors.get(offset)
        if cursor is not None:
            base, position = cursor
            index = bisect.bisect_left(self._bases, base)
            if index < len(self._bases) and self._bases[index] == base:
                return index, position
        index = max(bisect.bisect_right(self._bases, offset) - 1, 0)
        while index < len(self.segments):
            found = self.segments[index].position_of(offset)
            if found is not None:
                return index, found
            index += 1
        return len(self.segments) - 1, self.segments[-1].size

    def _remember(self, next_offset: int, base: int, position: int) -> None:
        self._cursors[next_offset] = (base, position)
        if len(self._cursors) > _CURSORS:
            self._cursors.popitem(last=False)

    def forget_positions(self) -> None:
        """Drop remembered read positions (segments were rewritten or deleted)."""
        self._cursors.clear()

    def offset_for_timestamp(self, timestamp: int) -> tuple[int, int] | None:
        """(offset, timestamp) of the first visible record at or after `timestamp`."""
        for segment in self.segments:
            if segment.max_timestamp < timestamp:
                continue
            header = segment.batch_for_timestamp(timestamp)
            if header is None or header.base_offset >= self.high_watermark:
                return None
            batch = segment.read(header.position, header.size)
            if self.settings.log_append_time or header.attributes & 0x08:
                return header.base_offset, header.max_timestamp
            for record in iter_records(records_section(batch, header), header.record_count):
                record_time = header.base_timestamp + record.timestamp_delta
                if record_time >= timestamp:
                    return header.base_offset + record.offset_delta, record_time
            return header.last_offset, header.max_timestamp
        return None

    def max_timestamp_offset(self) -> tuple[int, int] | None:
        """(offset, timestamp) of the visible batch with the largest timestamp."""
        best: tuple[int, int] | None = None
        for segment in self.segments:
            if best is not None and segment.max_timestamp <= best[1]:
                continue
            for header in segment.headers(0, self._visible_limit(segment)):
                if best is None or header.max_timestamp > best[1]:
                    best = (header.last_offset, header.max_timestamp)
        return best

    # -- cleaning (driven by the cleaner) ----------------------------------------------------

    def sealed_segments(self) -> list[Segment]:
        """Segments no append, fsync or visibility change will touch again, oldest first."""
        sealing = {id(segment) for segment in self._sealing}
        return [
            segment
            for segment in self.segments[:-1]
            if segment.base_offset < self._visible_base and id(segment) not in sealing
        ]

    def drop_oldest(self, count: int) -> list[Segment]:
        """Remove the `count` oldest segments from the log (retention); returns them."""
        count = min(count, len(self.sealed_segments()))
        dropped, self.segments = self.segments[:count], self.segments[count:]
        self._bases = self._bases[count:]
        self.forget_positions()
        self.txns.forget_before(self.log_start_offset)
        for segment in dropped:
            segment.release()
        return dropped

    # -- shutdown ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close every descriptor (the caller made the data durable first)."""
        self.closed = True
        for segment in self.segments:
            segment.release()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()


def _whole_batches(chunk: bytes) -> tuple[int, int]:
    """Length of the whole batches at the start of `chunk`, and the offset after them."""
    position, size, next_offset = 0, len(chunk), -1
    while position + LOG_OVERHEAD <= size:
        base_offset, batch_length = _BATCH_PREFIX.unpack_from(chunk, position)
        end = position + LOG_OVERHEAD + batch_length
        if end > size or batch_length < HEADER_SIZE - LOG_OVERHEAD:
            break
        (last_delta,) = struct.unpack_from(">i", chunk, position + 23)
        next_offset = base_offset + last_delta + 1
        position = end
    return position, next_offset
