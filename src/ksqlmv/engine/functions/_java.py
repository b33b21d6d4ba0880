"""Java behaviours that ksqlDB's functions show to users, reproduced exactly.

ksqlDB runs on the JVM, so some of its results are Java's: how a DOUBLE prints (`1.0E10`), how a
DECIMAL prints, 32- and 64-bit integer overflow, `String.hashCode`, and the iteration order of a
`java.util.HashMap` (which decides the order of "Valid alternatives" in resolution errors).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

__all__ = [
    "double_to_string",
    "hashmap_order",
    "int32",
    "int64",
    "java_string",
    "string_hash",
]

_T = TypeVar("_T")


def int32(value: int) -> int:
    """`value` wrapped to a Java `int`, as Java arithmetic overflows."""
    return ((value + 0x8000_0000) & 0xFFFF_FFFF) - 0x8000_0000


def int64(value: int) -> int:
    """`value` wrapped to a Java `long`."""
    return ((value + 0x8000_0000_0000_0000) & 0xFFFF_FFFF_FFFF_FFFF) - 0x8000_0000_0000_0000


def string_hash(text: str) -> int:
    """Java's `String.hashCode()`: over UTF-16 code units, 32-bit."""
    h = 0
    if text.isascii():
        for ch in text:
            h = (31 * h + ord(ch)) & 0xFFFF_FFFF
    else:
        units = text.encode("utf-16-be")
        for i in range(0, len(units), 2):
            h = (31 * h + (units[i] << 8 | units[i + 1])) & 0xFFFF_FFFF
    return int32(h)


def double_to_string(value: float) -> str:
    """Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `-Infinity`.

    Plain notation for magnitudes in [0.001, 10^7), otherwise one digit before the point and an
    exponent. The digits are the shortest that round-trip, as modern JDKs print them.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits)).rstrip("0") or "0"
    # the decimal point sits after `point` digits of `text`
    point = len(digits) + exponent
    prefix = "-" if sign else ""
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        if point <= 0:
            return f"{prefix}0.{'0' * -point}{text}"
        if point >= len(text):
            return f"{prefix}{text}{'0' * (point - len(text))}.0"
        return f"{prefix}{text[:point]}.{text[point:]}"
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{prefix}{mantissa}E{point - 1}"


def java_string(value: object) -> str:
    """`String.valueOf` for the values ksqlDB's functions print (ARRAY_JOIN, hashes).

    Booleans print as `true`/`false`, doubles as `Double.toString`, decimals as
    `BigDecimal.toString` (which is exactly `str(Decimal)`), NULL as `null`.
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return double_to_string(value)
    return str(value)


def hashmap_order(entries: Sequence[tuple[int, _T]] | Iterable[tuple[int, _T]]) -> list[_T]:
    """The iteration order of a `java.util.HashMap` filled with `(hashCode, value)` in order.

    A HashMap iterates its buckets in index order and each bucket in insertion order; the table
    starts at 16 buckets and doubles whenever it is more than three-quarters full.
    """
    items = list(entries)
    capacity = 16
    while len(items) > capacity * 3 // 4:
        capacity *= 2
    mask = capacity - 1

    def bucket(entry: tuple[int, _T]) -> int:
        h = entry[0] & 0xFFFF_FFFF
        return (h ^ (h >> 16)) & mask

    return [value for _, value in sorted(items, key=bucket)]
