"""COUNT_DISTINCT: ksqlDB's HyperLogLog estimate, register for register.

ksqlDB offers each value to stream-lib's HyperLogLog with 2^14 registers of 5 bits packed six to
a 32-bit word (2731 words: the accumulator, an ARRAY<INTEGER>), hashing with MurmurHash 2: integers
by their 64-bit value, doubles by their bits, strings by their UTF-8 bytes and anything else by
Java's `toString`. The estimate uses linear counting while it is small. Reproducing all of it
gives the same, sometimes inexact, counts ksqlDB reports.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Mapping
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import java_string
from ksqlmv.engine.functions.aggregate.base import Aggregate
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.conversions import date_text, time_text, timestamp_text
from ksqlmv.engine.functions.define import aggregate, aggregate_overload
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BIGINT, INTEGER, BaseType, SqlType

__all__ = ["FUNCTIONS", "murmur_bytes", "murmur_long"]

_LOG2M = 14
_REGISTERS = 1 << _LOG2M
_WORDS = _REGISTERS // 6 + 1  # getSizeForCount: 2730 words do not hold 16384 registers
_M = 0x5BD1E995
_MASK = 0xFFFF_FFFF
_ALPHA_MM = (0.7213 / (1 + 1.079 / _REGISTERS)) * _REGISTERS * _REGISTERS


def _signed(value: int) -> int:
    value &= _MASK
    return value - (1 << 32) if value & 0x8000_0000 else value


def murmur_long(data: int) -> int:
    """stream-lib's `MurmurHash.hashLong`, a 32-bit signed hash of a 64-bit value."""
    k = ((data & _MASK) * _M) & _MASK
    k ^= k >> 24
    h = (k * _M) & _MASK
    k = (((data >> 32) & _MASK) * _M) & _MASK
    k ^= k >> 24
    h = (h * _M) & _MASK
    h ^= (k * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return _signed(h)


def murmur_bytes(data: bytes, seed: int = -1) -> int:
    """stream-lib's `MurmurHash.hash(byte[])` (MurmurHash 2, seed -1)."""
    length = len(data)
    h = (seed ^ length) & _MASK
    whole = length >> 2
    for i in range(whole):
        k = int.from_bytes(data[4 * i : 4 * i + 4], "little")
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = (h * _M) & _MASK
        h ^= k
    left = length - (whole << 2)
    if left:
        # Java sign-extends each byte before shifting it in
        if left >= 3:
            h ^= (_signed_byte(data[length - 3]) << 16) & _MASK
        if left >= 2:
            h ^= (_signed_byte(data[length - 2]) << 8) & _MASK
        h ^= _signed_byte(data[length - 1]) & _MASK
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return _signed(h)


def _signed_byte(value: int) -> int:
    return value - 256 if value > 127 else value


def _hasher(kind: SqlType) -> Callable[[Any], int]:
    """MurmurHash.hash(Object) for the Java value ksqlDB holds for `kind`."""
    base = kind.base
    if base in (BaseType.INTEGER, BaseType.BIGINT):
        return murmur_long
    if base is BaseType.DOUBLE:
        return lambda value: murmur_long(struct.unpack(">q", struct.pack(">d", value))[0])
    if base is BaseType.STRING:
        return lambda value: murmur_bytes(value.encode("utf-8", errors="surrogatepass"))
    text = _java_text(kind)
    return lambda value: murmur_bytes(text(value).encode("utf-8"))


def _java_text(kind: SqlType) -> Callable[[Any], str]:
    """Object.toString for values of `kind` (what MurmurHash hashes for other types)."""
    base = kind.base
    if base is BaseType.BYTES:
        return lambda value: f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if base is BaseType.DATE:
        return date_text
    if base is BaseType.TIME:
        return lambda value: _sql_time(value)
    if base is BaseType.TIMESTAMP:
        return _sql_timestamp
    if isinstance(kind, t.ArrayType):
        element = _java_text(kind.element)
        return lambda value: (
            "[" + ", ".join("null" if item is None else element(item) for item in value) + "]"
        )
    return java_string


def _sql_time(millis: int) -> str:
    text = time_text(millis)
    return text if text.count(":") == 2 else text + ":00"


def _sql_timestamp(millis: int) -> str:
    stamp = timestamp_text(millis).replace("T", " ")
    whole, _, fraction = stamp.partition(".")
    return f"{whole}.{fraction.rstrip('0') or '0'}"


def _offer(registers: list[int], hashed: int) -> list[int]:
    value = hashed & _MASK
    position = value >> (32 - _LOG2M)
    shifted = ((value << _LOG2M) & _MASK) | ((1 << (_LOG2M - 1)) + 1)
    rank = 33 - shifted.bit_length()
    word, slot = divmod(position, 6)
    shift = 5 * slot
    current = (registers[word] >> shift) & 0x1F
    if current >= rank:
        return registers
    updated = list(registers)
    updated[word] = (registers[word] & ~(0x1F << shift)) | (rank << shift)
    return updated


def cardinality(registers: list[int]) -> int:
    """stream-lib's `HyperLogLog.cardinality()` for a register set."""
    total = 0.0
    zeros = 0
    for position in range(_REGISTERS):
        word, slot = divmod(position, 6)
        value = (registers[word] >> (5 * slot)) & 0x1F
        total += 1.0 / (1 << value)
        if value == 0:
            zeros += 1
    estimate = _ALPHA_MM * (1 / total)
    if estimate <= 2.5 * _REGISTERS:
        if zeros == 0:
            return 2**63 - 1
        return _java_round(_REGISTERS * math.log(_REGISTERS / zeros))
    return _java_round(estimate)


def _java_round(value: float) -> int:
    floor = math.floor(value)
    return int(floor + 1 if value - floor >= 0.5 else floor)


def _merge(a: list[int], b: list[int]) -> list[int]:
    merged = []
    for left, right in zip(a, b, strict=True):
        word = 0
        for slot in range(6):
            mask = 0x1F << (5 * slot)
            word |= max(left & mask, right & mask)
        merged.append(word)
    return merged


def _count_distinct(
    args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]
) -> Aggregate:
    kind = args[0]
    assert isinstance(kind, SqlType)
    hasher = _hasher(kind)

    def add(acc: list[int], value: Any) -> list[int]:
        return acc if value is None else _offer(acc, hasher(value))

    return Aggregate(
        "COUNT_DISTINCT",
        t.ArrayType(INTEGER),
        BIGINT,
        lambda: [0] * _WORDS,
        add,
        _merge,
        cardinality,
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    aggregate(
        "COUNT_DISTINCT",
        "This function returns the number of items found in a group. The implementation is "
        "probabilistic with a typical accuracy (standard error) of less than 1%.",
        aggregate_overload(
            [param("val1", p.generic("T"))], p.BIGINT, _count_distinct, "Count distinct"
        ),
    ),
)
