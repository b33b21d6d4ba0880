"""Helpers the generated expression code calls: Java-exact arithmetic, NULL-aware comparisons.

ksqlDB compiles expressions to Java, so its results carry Java's arithmetic (INT and BIGINT wrap
on overflow, integer division truncates toward zero, a double divided by zero is infinite) and
its NULL handling (comparisons with NULL are false; a NULL operand of AND, OR, NOT, arithmetic or
a CASE condition is an error that turns the whole expression into NULL).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Context, Decimal, Inexact
from typing import Any

from ksqlmv.engine.codegen.javatext import java_string

__all__ = ["HELPERS", "NullOperandError", "like_regex"]


class NullOperandError(TypeError):
    """A NULL where ksqlDB's generated Java would throw a NullPointerException."""


def _b(value: Any) -> bool:
    if value is None:
        raise NullOperandError("null boolean operand")
    return bool(value)


def _w32(value: int) -> int:
    return ((value + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def _w64(value: int) -> int:
    return ((value + 0x8000000000000000) & 0xFFFFFFFFFFFFFFFF) - 0x8000000000000000


def _idiv(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("/ by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _idiv32(a: int, b: int) -> int:
    return _w32(_idiv(a, b))


def _idiv64(a: int, b: int) -> int:
    return _w64(_idiv(a, b))


def _imod(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("/ by zero")
    return int(math.fmod(a, b)) if abs(a) < 2**52 else a - b * _idiv(a, b)


def _ddiv(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _dmod(a: float, b: float) -> float:
    if b == 0 or math.isinf(a):
        return math.nan
    return math.fmod(a, b)


def _sconcat(a: Any, b: Any) -> str:
    # Java's String + treats NULL as the text "null".
    return (java_string(a) if not isinstance(a, str) else a) + (
        java_string(b) if not isinstance(b, str) else b
    )


def _decop(op: str, a: Decimal, b: Decimal, precision: int, scale: int) -> Decimal:
    context = Context(prec=precision, traps=[Inexact])
    if op == "+":
        result = context.add(a, b)
    elif op == "-":
        result = context.subtract(a, b)
    elif op == "*":
        result = context.multiply(a, b)
    elif op == "/":
        if b == 0:
            raise ZeroDivisionError("Division by zero")
        result = context.divide(a, b)
    else:
        if b == 0:
            raise ZeroDivisionError("Division by zero")
        result = context.remainder(a, b)
    return result.quantize(Decimal(1).scaleb(-scale), context=Context(prec=1000, traps=[Inexact]))


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _ne(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a != b


def _lt(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a < b


def _le(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a <= b


def _gt(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a > b


def _ge(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a >= b


def _distinct(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return bool(a != b)


def _not_distinct(a: Any, b: Any) -> bool:
    return not _distinct(a, b)


def _between(value: Any, low: Any, high: Any) -> bool:
    return _ge(value, low) and _le(value, high)


def _in(value: Any, items: tuple[Any, ...]) -> bool:
    if value is None:
        return False
    return any(item is not None and item == value for item in items)


def _field(struct: dict[str, Any] | None, name: str) -> Any:
    return None if struct is None else struct.get(name)


def _aget(items: list[Any] | None, index: int | None) -> Any:
    if items is None:
        return None
    if index is None:
        raise NullOperandError("null array index")
    position = index - 1 if index >= 0 else len(items) + index
    if position < 0 or position >= len(items):
        return None
    return items[position]


def _mget(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return None if mapping is None else mapping.get(key)


_LIKE_CACHE: dict[tuple[str, str | None], re.Pattern[str]] = {}


def like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    """The regular expression a LIKE pattern stands for (`%` any run, `_` one character)."""
    key = (pattern, escape)
    cached = _LIKE_CACHE.get(key)
    if cached is not None:
        return cached
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif escape is not None and char == escape:
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    if escaped:
        raise ValueError("LIKE pattern must not end with escape character")
    compiled = re.compile("".join(parts), re.DOTALL)
    if len(_LIKE_CACHE) < 10_000:
        _LIKE_CACHE[key] = compiled
    return compiled


def _like(value: str, pattern: str, escape: str | None) -> bool:
    if value is None or pattern is None:
        raise NullOperandError("null LIKE operand")
    return like_regex(pattern, escape).fullmatch(value) is not None


HELPERS: dict[str, Callable[..., Any]] = {
    name: fn
    for name, fn in globals().items()
    if name.startswith("_") and not name.startswith("__") and callable(fn) and name != "_LIKE_CACHE"
}
