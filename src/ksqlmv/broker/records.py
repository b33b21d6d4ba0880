"""RecordBatch v2 (magic 2): what the broker reads and writes of a batch.

The broker keeps batches exactly as the producer sent them. On the produce path it reads only
the 61-byte header, checks the CRC-32C (over bytes 21..end, attributes through the last record)
and overwrites the two fields the CRC does not cover: baseOffset and partitionLeaderEpoch. The
records themselves are parsed only off the hot path: to find keys when compacting and the exact
record for a timestamp lookup.

```
offset  field                 offset  field
0       baseOffset i64        27      baseTimestamp i64
8       batchLength i32       35      maxTimestamp i64
12      partitionLeaderEpoch  43      producerId i64
16      magic i8 (= 2)        51      producerEpoch i16
17      crc u32 (CRC-32C)     53      baseSequence i32
21      attributes i16        57      recordCount i32
23      lastOffsetDelta i32   61      records (one compressed block if attributes & 7)
```
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import google_crc32c

from ksqlmv.broker.compression import decompress
from ksqlmv.errors import KafkaError

__all__ = [
    "CONTROL",
    "CORRUPT_MESSAGE",
    "HEADER_SIZE",
    "LOG_OVERHEAD",
    "MESSAGE_TOO_LARGE",
    "TRANSACTIONAL",
    "BatchHeader",
    "RecordView",
    "control_batch",
    "control_type",
    "crc32c",
    "encode_batch",
    "iter_records",
    "read_header",
    "rebuild_batch",
    "records_section",
    "set_log_append_time",
    "stamp_offset",
    "validate_batches",
]

HEADER = struct.Struct(">qiibIhiqqqhii")
HEADER_SIZE = HEADER.size  # 61
LOG_OVERHEAD = 12  # baseOffset and batchLength, which batchLength does not count
_CRC_START = 21
_ATTRIBUTES_TO_END = struct.Struct(">hiqqqhii")
_OFFSET_AND_EPOCH = struct.Struct(">q")
_EPOCH = struct.Struct(">i")
_CRC = struct.Struct(">I")
_TIMESTAMPS = struct.Struct(">qq")
_PREFIX = struct.Struct(">qiib")

CORRUPT_MESSAGE = 2
MESSAGE_TOO_LARGE = 10
_LOG_APPEND_TIME = 0x08
_COMPRESSION_MASK = 0x07
TRANSACTIONAL = 0x10  # attributes bit 4: written inside a transaction
CONTROL = 0x20  # attributes bit 5: a control batch (a transaction's COMMIT or ABORT marker)
_CONTROL_KEY = struct.Struct(">hh")  # version 0, type (0 abort, 1 commit)
_CONTROL_VALUE = struct.Struct(">hi")  # version 0, coordinator epoch


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of `data`, as RecordBatch v2 checksums it."""
    return int(google_crc32c.value(data))


@dataclass(frozen=True, slots=True)
class BatchHeader:
    """The fixed header of one batch, and where it sits in the buffer it was read from."""

    position: int
    base_offset: int
    size: int  # whole batch, LOG_OVERHEAD included
    attributes: int
    last_offset_delta: int
    base_timestamp: int
    max_timestamp: int
    producer_id: int
    producer_epoch: int
    base_sequence: int
    record_count: int

    @property
    def last_offset(self) -> int:
        """Offset of the batch's last record (which compaction may have removed)."""
        return self.base_offset + self.last_offset_delta

    @property
    def compression(self) -> int:
        """0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd."""
        return self.attributes & _COMPRESSION_MASK


def read_header(
    buffer: bytes | bytearray | memoryview, position: int, origin: int = 0
) -> BatchHeader:
    """Unpack the header of the batch at `position` (the caller checked 61 bytes are there).

    `origin` is where `buffer` starts in its file, so the header knows its file position.
    """
    (
        base_offset,
        batch_length,
        _epoch,
        _magic,
        _crc,
        attributes,
        last_offset_delta,
        base_timestamp,
        max_timestamp,
        producer_id,
        producer_epoch,
        base_sequence,
        record_count,
    ) = HEADER.unpack_from(buffer, position)
    return BatchHeader(
        origin + position,
        base_offset,
        batch_length + LOG_OVERHEAD,
        attributes,
        last_offset_delta,
        base_timestamp,
        max_timestamp,
        producer_id,
        producer_epoch,
        base_sequence,
        record_count,
    )


def validate_batches(data: bytes, max_batch_bytes: int) -> list[BatchHeader]:
    """Check the batches a producer sent and return their headers, or raise `KafkaError`.

    Checks sizes, magic, CRC and record counts; never looks inside the records, so a compressed
    batch costs the same as a plain one.
    """
    headers: list[BatchHeader] = []
    position, end = 0, len(data)
    if end == 0:
        raise KafkaError(CORRUPT_MESSAGE, "produce request carries no record batch")
    while position < end:
        if end - position < HEADER_SIZE:
            raise KafkaError(CORRUPT_MESSAGE, "record batch header is truncated")
        header = read_header(data, position)
        magic = data[position + 16]
        if magic != 2:
            raise KafkaError(CORRUPT_MESSAGE, f"record batch magic {magic} is not 2")
        if header.size < HEADER_SIZE or position + header.size > end:
            raise KafkaError(CORRUPT_MESSAGE, "record batch length does not match its bytes")
        if header.size > max_batch_bytes:
            raise KafkaError(
                MESSAGE_TOO_LARGE,
                f"record batch of {header.size} bytes exceeds max.message.bytes {max_batch_bytes}",
            )
        if header.record_count < 1 or header.last_offset_delta != header.record_count - 1:
            raise KafkaError(CORRUPT_MESSAGE, "record batch counts are inconsistent")
        stored_crc = _CRC.unpack_from(data, position + 17)[0]
        if crc32c(data[position + _CRC_START : position + header.size]) != stored_crc:
            raise KafkaError(CORRUPT_MESSAGE, "record batch fails its CRC-32C check")
        headers.append(header)
        position += header.size
    return headers


def stamp_offset(buffer: bytearray, position: int, base_offset: int) -> None:
    """Give the batch at `position` its place in the log (fields outside the CRC)."""
    _OFFSET_AND_EPOCH.pack_into(buffer, position, base_offset)
    _EPOCH.pack_into(buffer, position + 12, 0)


def set_log_append_time(buffer: bytearray, header: BatchHeader, now_ms: int) -> None:
    """Mark the batch LogAppendTime at `now_ms` and re-seal its CRC (topic config asks)."""
    position = header.position
    struct.pack_into(">h", buffer, position + 21, header.attributes | _LOG_APPEND_TIME)
    _TIMESTAMPS.pack_into(buffer, position + 27, now_ms, now_ms)
    crc = crc32c(bytes(buffer[position + _CRC_START : position + header.size]))
    _CRC.pack_into(buffer, position + 17, crc)


@dataclass(frozen=True, slots=True)
class RecordView:
    """One record inside a batch's (decompressed) records section."""

    offset_delta: int
    timestamp_delta: int
    key: bytes | None
    is_tombstone: bool
    start: int  # where its length prefix starts in the records section
    end: int


def records_section(batch: bytes, header: BatchHeader) -> bytes:
    """The records of one whole batch as bytes, decompressed if the batch is compressed."""
    section = batch[HEADER_SIZE : header.size]
    return decompress(header.compression, section) if header.compression else section


def iter_records(section: bytes, record_count: int) -> Iterator[RecordView]:
    """Parse the records of a `records_section`. Off the hot path (compaction, lookups)."""
    position = 0
    for _ in range(record_count):
        start = position
        length, position = _zigzag(section, position)
        end = position + length
        position += 1  # attributes
        timestamp_delta, position = _zigzag(section, position)
        offset_delta, position = _zigzag(section, position)
        key_length, position = _zigzag(section, position)
        key = None if key_length < 0 else section[position : position + key_length]
        position += max(key_length, 0)
        value_length, _ = _zigzag(section, position)
        yield RecordView(offset_delta, timestamp_delta, key, value_length < 0, start, end)
        position = end


def rebuild_batch(header: BatchHeader, records: bytes, record_count: int) -> bytes:
    """A batch keeping `header`'s offsets, timestamps and producer fields over other records.

    Compaction uses it: the records keep their deltas (so their offsets), the batch keeps its
    base and last offset (so producer sequence state stays valid), and the result is written
    uncompressed.
    """
    body = (
        _ATTRIBUTES_TO_END.pack(
            header.attributes & ~_COMPRESSION_MASK,
            header.last_offset_delta,
            header.base_timestamp,
            header.max_timestamp,
            header.producer_id,
            header.producer_epoch,
            header.base_sequence,
            record_count,
        )
        + records
    )
    prefix = _PREFIX.pack(header.base_offset, len(body) + 9, 0, 2)
    return prefix + _CRC.pack(crc32c(body)) + body


def encode_batch(
    records: Sequence[tuple[bytes | None, bytes | None, Sequence[tuple[str, bytes | None]], int]],
    *,
    base_offset: int = 0,
    producer_id: int = -1,
    producer_epoch: int = -1,
    base_sequence: int = -1,
    attributes: int = 0,
) -> bytes:
    """An uncompressed batch of `(key, value, headers, timestamp_ms)` records.

    For tools and tests that speak the protocol directly, and for the transaction markers the
    broker writes itself; producers use their own encoders.
    """
    base_timestamp = min(record[3] for record in records)
    max_timestamp = max(record[3] for record in records)
    encoded = bytearray()
    for offset_delta, (key, value, headers, timestamp) in enumerate(records):
        body = bytearray(b"\0")
        body += _encode_zigzag(timestamp - base_timestamp)
        body += _encode_zigzag(offset_delta)
        body += _encode_bytes(key)
        body += _encode_bytes(value)
        body += _encode_zigzag(len(headers))
        for name, header_value in headers:
            body += _encode_bytes(name.encode())
            body += _encode_bytes(header_value)
        encoded += _encode_zigzag(len(body)) + body
    header = BatchHeader(
        0,
        base_offset,
        0,
        attributes,
        len(records) - 1,
        base_timestamp,
        max_timestamp,
        producer_id,
        producer_epoch,
        base_sequence,
        len(records),
    )
    return rebuild_batch(header, bytes(encoded), len(records))


def control_batch(producer_id: int, producer_epoch: int, *, commit: bool, now_ms: int) -> bytes:
    """A transaction marker: the control batch that ends `producer_id`'s transaction.

    One record whose key is `(version 0, type)` (0 ABORT, 1 COMMIT) and whose value is
    `(version 0, coordinator epoch 0)`, in a batch flagged transactional and control, without a
    sequence number, as Kafka's coordinator writes it.
    """
    key = _CONTROL_KEY.pack(0, 1 if commit else 0)
    return encode_batch(
        [(key, _CONTROL_VALUE.pack(0, 0), (), now_ms)],
        producer_id=producer_id,
        producer_epoch=producer_epoch,
        attributes=TRANSACTIONAL | CONTROL,
    )


def control_type(batch: bytes, header: BatchHeader) -> int | None:
    """1 for a COMMIT marker, 0 for an ABORT marker, None for any other batch."""
    if not header.attributes & CONTROL:
        return None
    for record in iter_records(records_section(batch, header), header.record_count):
        if record.key is not None and len(record.key) >= _CONTROL_KEY.size:
            return int(_CONTROL_KEY.unpack_from(record.key, 0)[1])
    return None


def _zigzag(buffer: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return (result >> 1) ^ -(result & 1), position
        shift += 7


def _encode_zigzag(value: int) -> bytes:
    number = (value << 1) ^ (value >> 63)
    out = bytearray()
    while number >= 0x80:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _encode_bytes(value: bytes | None) -> bytes:
    if value is None:
        return _encode_zigzag(-1)
    return _encode_zigzag(len(value)) + value
