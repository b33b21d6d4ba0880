"""One log segment: batches back to back in `<base>.log`, a sparse index in `<base>.index`.

The index gets an entry every `index.interval.bytes` of log, written just before a batch:
`(batch base offset - segment base, file position, max timestamp of every earlier batch)`, 16
bytes. Both columns grow monotonically, so one binary search finds the batch holding an offset
and another the first batch that may hold a timestamp; a short scan of batch headers finishes
the job. Lookups read the index from the file, so memory stays flat however much is stored.

The index is derived data: a segment whose log may have a torn tail (after a crash) is
`recover`ed by scanning its batches, checking each CRC, truncating at the first bad one and
rewriting the index.
"""

from __future__ import annotations

import os
import struct
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ksqlmv.broker.records import HEADER_SIZE, BatchHeader, crc32c, read_header

__all__ = ["Segment", "close_readers", "fsync_directory", "segment_bases"]

INDEX_ENTRY = struct.Struct(">iiq")
_CHUNK = 1 << 16
_RECOVERY_CHUNK = 1 << 22
_CRC = struct.Struct(">I")


class _Readers:
    """Read-only descriptors of sealed segments, least recently used closed first."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._fds: OrderedDict[Path, int] = OrderedDict()

    def get(self, path: Path) -> int:
        fd = self._fds.get(path)
        if fd is not None:
            self._fds.move_to_end(path)
            return fd
        fd = os.open(path, os.O_RDONLY)
        self._fds[path] = fd
        if len(self._fds) > self._capacity:
            _, oldest = self._fds.popitem(last=False)
            os.close(oldest)
        return fd

    def evict(self, path: Path) -> None:
        fd = self._fds.pop(path, None)
        if fd is not None:
            os.close(fd)

    def close_all(self) -> None:
        while self._fds:
            os.close(self._fds.popitem()[1])


_READERS = _Readers(256)


def close_readers() -> None:
    """Close every cached read descriptor (at broker shutdown)."""
    _READERS.close_all()


def segment_bases(directory: Path) -> list[int]:
    """Base offsets of the segments in a partition directory, ascending."""
    return sorted(int(path.stem) for path in directory.glob("*.log") if path.stem.isdigit())


def fsync_directory(path: Path) -> None:
    """Make the entries of a directory (files created, renamed) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class Segment:
    """A segment's files and the few numbers about them the log needs in memory."""

    __slots__ = (
        "_fd",
        "_index_count",
        "_index_fd",
        "_since_index",
        "base_offset",
        "index_interval",
        "index_path",
        "max_timestamp",
        "next_offset",
        "path",
        "size",
        "truncated",
    )

    def __init__(self, directory: Path, base_offset: int, index_interval: int) -> None:
        self.base_offset = base_offset
        self.path = directory / f"{base_offset:020d}.log"
        self.index_path = directory / f"{base_offset:020d}.index"
        self.index_interval = index_interval
        self.next_offset = base_offset
        self.size = 0
        self.max_timestamp = -1
        self._fd: int | None = None
        self._index_fd: int | None = None
        self._index_count = 0
        self._since_index = 0
        self.truncated = False

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def create(cls, directory: Path, base_offset: int, index_interval: int) -> Segment:
        """A new, empty, writable segment starting at `base_offset`."""
        segment = cls(directory, base_offset, index_interval)
        segment._open_for_append(truncate=True)
        return segment

    @classmethod
    def load(
        cls,
        directory: Path,
        base_offset: int,
        index_interval: int,
        *,
        writable: bool,
        recover: bool,
        on_batch: Callable[[BatchHeader], None] | None = None,
    ) -> Segment:
        """Open an existing segment; `recover` checks every batch and rebuilds the index."""
        segment = cls(directory, base_offset, index_interval)
        segment.size = segment.path.stat().st_size
        if recover or not segment.index_path.exists():
            segment._recover(on_batch)
        else:
            segment._load_tail()
        if writable:
            segment._open_for_append(truncate=False)
        return segment

    def _open_for_append(self, *, truncate: bool) -> None:
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0)
        self._fd = os.open(self.path, flags, 0o644)
        self._index_fd = os.open(self.index_path, flags, 0o644)

    @property
    def writable(self) -> bool:
        """Whether this is (still) the segment appends go to."""
        return self._fd is not None

    def sync(self) -> None:
        """Make every appended byte durable (called from the flusher's thread)."""
        if self._fd is not None:
            os.fdatasync(self._fd)

    def sync_index(self) -> None:
        """Make the index durable too, before a segment is sealed."""
        if self._index_fd is not None:
            os.fdatasync(self._index_fd)

    def seal(self) -> None:
        """Stop appending: close the write descriptors (after `sync` and `sync_index`)."""
        for fd in (self._fd, self._index_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._index_fd = None

    def release(self) -> None:
        """Close every descriptor of this segment (on the event loop, before `unlink`)."""
        self.seal()
        _READERS.evict(self.path)

    def unlink(self) -> None:
        """Remove both files (may run in a thread, after `release`)."""
        for path in (self.path, self.index_path):
            path.unlink(missing_ok=True)

    def delete(self) -> None:
        """Close and remove both files."""
        self.release()
        self.unlink()

    def replace_with(self, log_path: Path, index_path: Path, size: int) -> None:
        """Swap in a rewritten copy of this sealed segment (compaction)."""
        _READERS.evict(self.path)
        os.replace(log_path, self.path)
        os.replace(index_path, self.index_path)
        self.size = size
        self._index_count = self.index_path.stat().st_size // INDEX_ENTRY.size

    # -- writing -----------------------------------------------------------------------------

    def append(
        self, data: bytes | bytearray, headers: Sequence[BatchHeader], bases: Sequence[int]
    ) -> None:
        """Append batches already stamped with offsets `bases`, indexing as we go."""
        assert self._fd is not None and self._index_fd is not None
        entries = bytearray()
        for header, base in zip(headers, bases, strict=True):
            if self._since_index >= self.index_interval:
                entries += INDEX_ENTRY.pack(
                    base - self.base_offset, self.size + header.position, self.max_timestamp
                )
                self._index_count += 1
                self._since_index = 0
            self._since_index += header.size
            if header.max_timestamp > self.max_timestamp:
                self.max_timestamp = header.max_timestamp
        _write_all(self._fd, data)
        if entries:
            _write_all(self._index_fd, entries)
        self.size += len(data)
        self.next_offset = bases[-1] + headers[-1].last_offset_delta + 1

    # -- reading -----------------------------------------------------------------------------

    def read(self, position: int, size: int) -> bytes:
        """Up to `size` bytes of the log from `position`."""
        fd = self._fd if self._fd is not None else _READERS.get(self.path)
        return os.pread(fd, size, position)

    def headers(self, start: int = 0, end: int | None = None) -> Iterator[BatchHeader]:
        """Headers of the batches from file position `start`, in order."""
        end = self.size if end is None else end
        position, chunk, chunk_start = start, b"", start
        while position + HEADER_SIZE <= end:
            if position + HEADER_SIZE > chunk_start + len(chunk):
                chunk, chunk_start = self.read(position, min(_CHUNK, end - position)), position
                if len(chunk) < HEADER_SIZE:
                    return
            header = read_header(chunk, position - chunk_start, chunk_start)
            if header.size < HEADER_SIZE:
                return
            yield header
            position += header.size

    def position_of(self, offset: int) -> int | None:
        """File position of the batch holding `offset` (or the first one after it), if any."""
        start = self._search(lambda entry: entry[0] <= offset - self.base_offset)
        for header in self.headers(start):
            if header.last_offset >= offset:
                return header.position
        return None

    def batch_for_timestamp(self, timestamp: int) -> BatchHeader | None:
        """The first batch whose max timestamp reaches `timestamp`, if any."""
        start = self._search(lambda entry: entry[2] < timestamp)
        for header in self.headers(start):
            if header.max_timestamp >= timestamp:
                return header
        return None

    def _search(self, before: Callable[[tuple[int, int, int]], bool]) -> int:
        """Position of the last index entry for which `before` holds (0 when none)."""
        fd = self._index_fd if self._index_fd is not None else None
        low, high, found = 0, self._index_count - 1, 0
        if high < 0:
            return 0
        if fd is None:
            fd = os.open(self.index_path, os.O_RDONLY)
        try:
            while low <= high:
                middle = (low + high) // 2
                raw = os.pread(fd, INDEX_ENTRY.size, middle * INDEX_ENTRY.size)
                if len(raw) < INDEX_ENTRY.size:
                    high = middle - 1
                    continue
                entry = INDEX_ENTRY.unpack(raw)
                if before(entry):
                    found, low = entry[1], middle + 1
                else:
                    high = middle - 1
        finally:
            if fd is not self._index_fd:
                os.close(fd)
        return found

    # -- opening -----------------------------------------------------------------------------

    def _load_tail(self) -> None:
        """Trust the files (clean shutdown): read the last index entry, scan what follows."""
        index_size = self.index_path.stat().st_size
        self._index_count = index_size // INDEX_ENTRY.size
        start, max_before = 0, -1
        if self._index_count:
            with self.index_path.open("rb") as index:
                index.seek((self._index_count - 1) * INDEX_ENTRY.size)
                _, start, max_before = INDEX_ENTRY.unpack(index.read(INDEX_ENTRY.size))
        self.max_timestamp = max_before
        last: BatchHeader | None = None
        for header in self.headers(start):
            last = header
            self.max_timestamp = max(self.max_timestamp, header.max_timestamp)
            self._since_index += header.size
        if last is not None:
            self.next_offset = last.last_offset + 1

    def _recover(self, on_batch: Callable[[BatchHeader], None] | None) -> None:
        """Check every batch, truncate a torn or corrupt tail, rebuild the index."""
        entries = bytearray()
        position, expected, valid_end = 0, self.base_offset, 0
        self.max_timestamp = -1
        with self.path.open("rb") as log:
            buffer, buffer_start = b"", 0
            while True:
                if position + HEADER_SIZE > buffer_start + len(buffer):
                    log.seek(position)
                    buffer, buffer_start = log.read(_RECOVERY_CHUNK), position
                    if len(buffer) < HEADER_SIZE:
                        break
                header = read_header(buffer, position - buffer_start, buffer_start)
                if (
                    header.size < HEADER_SIZE
                    or buffer[position - buffer_start + 16] != 2
                    or header.base_offset < expected
                    or header.last_offset_delta < 0
                ):
                    break
                if position + header.size > buffer_start + len(buffer):
                    log.seek(position)
                    buffer, buffer_start = log.read(max(header.size, _RECOVERY_CHUNK)), position
                    if len(buffer) < header.size:
                        break
                local = position - buffer_start
                stored = _CRC.unpack_from(buffer, local + 17)[0]
                if crc32c(buffer[local + 21 : local + header.size]) != stored:
                    break
                if self._since_index >= self.index_interval:
                    entries += INDEX_ENTRY.pack(
                        header.base_offset - self.base_offset, position, self.max_timestamp
                    )
                    self._since_index = 0
                self._since_index += header.size
                self.max_timestamp = max(self.max_timestamp, header.max_timestamp)
                expected = header.last_offset + 1
                position += header.size
                valid_end = position
                if on_batch is not None:
                    on_batch(header)
        if valid_end < self.size:
            os.truncate(self.path, valid_end)
            self.truncated = True
        self.size = valid_end
        self.next_offset = expected
        self._index_count = len(entries) // INDEX_ENTRY.size
        with self.index_path.open("wb") as index:
            index.write(entries)
            index.flush()
            os.fsync(index.fileno())
