"""Expected-versus-actual record values, as ksqlDB's `ExpectedRecordComparator` matches them.

Expected values are JSON (numbers with a fraction are `Decimal`s). A whole number matches an
actual integer or a DECIMAL without fraction digits; a fractional number matches a DOUBLE within
1e-6 or a DECIMAL with the same digits and scale; a string matches a string, a DECIMAL's text or
BYTES' base64; objects match structs and maps field by field (by name, then upper-cased name)
with the same number of fields.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

__all__ = ["coerce_bytes", "matches"]


def _number(actual: Any, expected: int | Decimal | float) -> bool:
    if isinstance(actual, bool):
        return False
    if isinstance(actual, int):
        return int(expected) == actual
    if isinstance(actual, float):
        return abs(float(expected) - actual) < 0.000_001
    if isinstance(actual, Decimal):
        if isinstance(expected, int):
            exponent = actual.as_tuple().exponent
            return isinstance(exponent, int) and exponent >= 0 and int(actual) == expected
        if isinstance(expected, float):
            return False
        return actual == expected and actual.as_tuple().exponent == expected.as_tuple().exponent
    return False


def _text(actual: Any, expected: str) -> bool:
    if isinstance(actual, str):
        return actual == expected
    if isinstance(actual, Decimal):
        try:
            parsed = Decimal(expected)
        except ArithmeticError:
            return False
        return actual == parsed and actual.as_tuple().exponent == parsed.as_tuple().exponent
    if isinstance(actual, bytes | bytearray):
        return expected == base64.b64encode(bytes(actual)).decode("ascii")
    return False


def _struct(actual: Any, expected: dict[str, Any]) -> bool:
    if not isinstance(actual, dict) or len(actual) != len(expected):
        return False
    for name, value in expected.items():
        found = actual.get(name)
        if found is None:
            found = actual.get(name.upper())
        if not matches(found, value):
            return False
    return True


def _array(actual: Any, expected: list[Any]) -> bool:
    if not isinstance(actual, list) or len(actual) != len(expected):
        return False
    return all(matches(a, e) for a, e in zip(actual, expected, strict=True))


def matches(actual: Any, expected: Any) -> bool:
    """True when `actual` matches the JSON value `expected`."""
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual == expected
    if isinstance(expected, int | Decimal | float):
        return _number(actual, expected)
    if isinstance(expected, str):
        return _text(actual, expected)
    if isinstance(expected, dict):
        return _struct(actual, expected)
    if isinstance(expected, list):
        return _array(actual, expected)
    return False


def coerce_bytes(value: Any) -> Any:
    """Top-level BYTES fields of a record as base64 text (empty bytes as NULL), as ksqlDB does."""
    if not isinstance(value, dict):
        return value
    return {
        k: ((base64.b64encode(v).decode("ascii") if v else None) if isinstance(v, bytes) else v)
        for k, v in value.items()
    }
