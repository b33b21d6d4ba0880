"""The four codecs a RecordBatch may use, for the few places the broker reads records.

Producers' batches are stored and served compressed; only compaction (which needs keys) and
timestamp lookups (which need each record's timestamp) decompress, one batch at a time.

Snappy comes in two framings: raw blocks (librdkafka) and the xerial stream format the Java
client writes (magic `\\x82SNAPPY\\0`, two version ints, then length-prefixed raw blocks).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

import cramjam

from ksqlmv.errors import KafkaError

__all__ = ["CODEC_NAMES", "decompress"]

CODEC_NAMES = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}

_XERIAL_MAGIC = b"\x82SNAPPY\x00"
_XERIAL_HEADER = len(_XERIAL_MAGIC) + 8
_CHUNK = struct.Struct(">i")
_CORRUPT_MESSAGE = 2


def _gzip(data: bytes) -> bytes:
    # 32 + MAX_WBITS: accept gzip and zlib headers alike
    return zlib.decompress(data, 32 + zlib.MAX_WBITS)


def _snappy(data: bytes) -> bytes:
    if not data.startswith(_XERIAL_MAGIC):
        return bytes(cramjam.snappy.decompress_raw(data))
    out = bytearray()
    position = _XERIAL_HEADER
    while position < len(data):
        (length,) = _CHUNK.unpack_from(data, position)
        position += _CHUNK.size
        out += bytes(cramjam.snappy.decompress_raw(data[position : position + length]))
        position += length
    return bytes(out)


def _lz4(data: bytes) -> bytes:
    return bytes(cramjam.lz4.decompress(data))


def _zstd(data: bytes) -> bytes:
    return bytes(cramjam.zstd.decompress(data))


_DECOMPRESSORS: dict[int, Callable[[bytes], bytes]] = {
    1: _gzip,
    2: _snappy,
    3: _lz4,
    4: _zstd,
}


def decompress(codec: int, data: bytes) -> bytes:
    """The records section of a batch compressed with `codec` (attributes & 7)."""
    decompressor = _DECOMPRESSORS.get(codec)
    if decompressor is None:
        raise KafkaError(_CORRUPT_MESSAGE, f"unknown compression codec {codec}")
    try:
        return decompressor(data)
    except (zlib.error, cramjam.DecompressionError, struct.error) as error:
        name = CODEC_NAMES[codec]
        raise KafkaError(_CORRUPT_MESSAGE, f"{name} records do not decompress: {error}") from error
