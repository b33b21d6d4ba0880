"""RecordBatch v2 handling, codecs and the segment index, against published vectors and kio."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cramjam
import pytest
from kio.records.readers import read_batch

from ksqlmv.broker.compression import decompress
from ksqlmv.broker.records import (
    HEADER_SIZE,
    crc32c,
    encode_batch,
    iter_records,
    read_header,
    rebuild_batch,
    records_section,
    stamp_offset,
    validate_batches,
)
from ksqlmv.broker.segment import Segment
from ksqlmv.errors import KafkaError

# sr-kafka.md B.2: key "k", value "hello", timestamp 1700000000000, no producer, epoch 0
REFERENCE_BATCH = bytes.fromhex(
    "00000000000000000000003e000000000236ff4dc30000000000000000018bcfe568000000018bcfe568"
    "00ffffffffffffffffffffffffffff0000000118000000026b0a68656c6c6f00"
)


def test_crc32c_check_value() -> None:
    assert crc32c(b"123456789") == 0xE3069283


def test_encode_batch_matches_the_reference_bytes() -> None:
    assert encode_batch([(b"k", b"hello", [], 1_700_000_000_000)]) == REFERENCE_BATCH


def test_stamping_an_offset_keeps_the_crc_valid() -> None:
    batch = bytearray(REFERENCE_BATCH)
    stamp_offset(batch, 0, 42)
    (header,) = validate_batches(bytes(batch), 1 << 20)
    assert header.base_offset == 42
    assert read_batch(bytes(batch), 0)[0].base_offset == 42  # kio reads it too


def test_encoded_records_read_back_with_kio() -> None:
    records = [
        (b"a", b"1", [("h", b"x"), ("n", None)], 1000),
        (None, None, [], 1005),
        (b"c" * 300, b"v" * 1000, [], 990),
    ]
    batch, _ = read_batch(encode_batch(records, base_offset=7), 0)
    assert batch.base_offset == 7
    assert [(r.key, r.value) for r in batch.records] == [(r[0], r[1]) for r in records]
    assert [len(r.headers) for r in batch.records] == [2, 0, 0]


def _bad(mutate: int, value: int) -> bytes:
    batch = bytearray(REFERENCE_BATCH)
    batch[mutate] = value
    return bytes(batch)


# name -> (bytes a producer sends, Kafka error code, max batch bytes)
INVALID: dict[str, tuple[bytes, int, int]] = {
    "empty": (b"", 2, 1 << 20),
    "truncated header": (REFERENCE_BATCH[:40], 2, 1 << 20),
    "length beyond the data": (REFERENCE_BATCH[:-1], 2, 1 << 20),
    "magic 1": (_bad(16, 1), 2, 1 << 20),
    "bad crc": (_bad(len(REFERENCE_BATCH) - 2, 0x41), 2, 1 << 20),
    "record count 0": (_bad(60, 0), 2, 1 << 20),
    "over the size limit": (REFERENCE_BATCH, 10, 50),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_batches_are_refused_with_their_code(case: str) -> None:
    data, code, limit = INVALID[case]
    with pytest.raises(KafkaError) as raised:
        validate_batches(data, limit)
    assert raised.value.error_code == code


def test_several_batches_in_one_produce() -> None:
    second = encode_batch([(b"x", b"y", [], 5), (b"z", None, [], 6)])
    headers = validate_batches(REFERENCE_BATCH + second, 1 << 20)
    assert [(h.position, h.record_count) for h in headers] == [(0, 1), (len(REFERENCE_BATCH), 2)]


def _xerial(raw: bytes) -> bytes:
    block = bytes(cramjam.snappy.compress_raw(raw))
    header = b"\x82SNAPPY\x00" + struct.pack(">ii", 1, 1)
    return header + struct.pack(">i", len(block)) + block


# codec number -> how a producer compresses a records section
COMPRESSORS = {
    1: lambda raw: zlib.compress(raw),
    2: lambda raw: bytes(cramjam.snappy.compress_raw(raw)),
    3: lambda raw: bytes(cramjam.lz4.compress(raw)),
    4: lambda raw: bytes(cramjam.zstd.compress(raw)),
    -2: _xerial,  # snappy as the Java client frames it
}


@pytest.mark.parametrize("codec", sorted(COMPRESSORS))
def test_compressed_records_are_read_for_compaction(codec: int) -> None:
    plain = encode_batch([(b"k%d" % i, b"v" * i, [], 100 + i) for i in range(50)])
    header = read_header(plain, 0)
    section = COMPRESSORS[codec](plain[HEADER_SIZE:])
    assert decompress(abs(codec), section) == plain[HEADER_SIZE:]
    keys = [record.key for record in iter_records(records_section(plain, header), 50)]
    assert keys == [b"k%d" % i for i in range(50)]


def test_a_rebuilt_batch_keeps_offsets_and_is_valid() -> None:
    plain = encode_batch([(b"a", b"1", [], 10), (b"b", b"2", [], 11), (b"c", None, [], 12)])
    header = read_header(plain, 0)
    section = records_section(plain, header)
    kept = [r for r in iter_records(section, 3) if r.key != b"b"]
    rebuilt = rebuild_batch(header, b"".join(section[r.start : r.end] for r in kept), len(kept))
    checked = read_header(rebuilt, 0)
    assert (checked.last_offset_delta, checked.record_count, checked.base_offset) == (2, 2, 0)
    assert crc32c(rebuilt[21:]) == struct.unpack_from(">I", rebuilt, 17)[0]
    batch, _ = read_batch(rebuilt, 0)
    assert [(r.key, r.offset) for r in batch.records] == [(b"a", 0), (b"c", 2)]


def test_segment_index_finds_offsets_and_timestamps(tmp_path: Path) -> None:
    segment = Segment.create(tmp_path, 100, index_interval=256)
    offset = 100
    for number in range(200):
        batch = encode_batch([(b"k", b"x" * 40, [], 1000 + 10 * number)] * 3, base_offset=offset)
        headers = validate_batches(batch, 1 << 20)
        segment.append(batch, headers, [offset])
        offset += 3
    assert segment.next_offset == 700
    for wanted in (100, 101, 102, 103, 350, 699):
        position = segment.position_of(wanted)
        assert position is not None
        found = read_header(segment.read(position, HEADER_SIZE), 0)
        assert found.base_offset <= wanted <= found.last_offset
    assert segment.position_of(700) is None
    for timestamp, base in ((0, 100), (1000, 100), (1005, 103), (2990, 697)):
        found_batch = segment.batch_for_timestamp(timestamp)
        assert found_batch is not None and found_batch.base_offset == base
    assert segment.batch_for_timestamp(2991) is None
    segment.seal()
    reopened = Segment.load(tmp_path, 100, 256, writable=False, recover=True)
    assert (reopened.next_offset, reopened.size) == (700, segment.size)
    assert reopened.position_of(350) == segment.position_of(350)
