"""CAST between SQL types, as ksqlDB's `CastEvaluator` allows and performs it.

`cast_function(source, target)` returns a Python function that converts one non-NULL value (None
when no conversion is needed); unsupported casts raise AnalysisError with ksqlDB's wording.
Numbers narrow the way Java does (`intValue()` truncates and wraps); strings are trimmed before
parsing; DECIMAL results must fit their precision.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from ksqlmv.engine.codegen.javatext import (
    format_date,
    format_time,
    format_timestamp,
    java_double,
    java_string,
    java_struct_string,
)
from ksqlmv.engine.functions.conversions import (
    date_from_text,
    time_from_text,
    timestamp_from_text,
)
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.types import ArrayType, BaseType, DecimalType, MapType, SqlType, StructType

__all__ = [
    "cast_function",
    "cast_value",
    "decimal_fit",
    "java_int",
    "java_long",
    "parse_boolean",
    "to_decimal",
]

Converter = Callable[[Any], Any]
_MS_PER_DAY = 86_400_000


def java_int(value: int) -> int:
    """`value` wrapped to 32 bits, as Java's `(int)` of a long."""
    return ((value + 2**31) % 2**32) - 2**31


def java_long(value: int) -> int:
    """`value` wrapped to 64 bits."""
    return ((value + 2**63) % 2**64) - 2**63


def _double_to_long(value: float) -> int:
    if math.isnan(value):
        return 0
    if math.isinf(value):
        return 2**63 - 1 if value > 0 else -(2**63)
    return max(-(2**63), min(2**63 - 1, int(value)))


def _double_to_int(value: float) -> int:
    if math.isnan(value):
        return 0
    if math.isinf(value):
        return 2**31 - 1 if value > 0 else -(2**31)
    return max(-(2**31), min(2**31 - 1, int(value)))


def decimal_fit(
    value: Decimal, precision: int, scale: int, rounding: str = ROUND_HALF_UP
) -> Decimal:
    """`value` with exactly `scale` digits, or ArithmeticError when it needs more than
    `precision - scale` digits before the point (ksqlDB's `DecimalUtil.ensureMax`)."""
    digits = precision - scale
    if abs(value) >= Decimal(10) ** digits:
        raise ArithmeticError(
            f"Numeric field overflow: A field with precision {precision} and scale {scale} "
            f"must round to an absolute value less than 10^{digits}. Got {format(value, 'f')}"
        )
    return value.quantize(Decimal(1).scaleb(-scale), rounding=rounding, context=_WIDE)


_WIDE = Context(prec=1000)


def to_decimal(value: Any) -> Decimal:
    """An INT, BIGINT, DOUBLE or DECIMAL value as a Decimal (doubles via their shortest text)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def parse_boolean(text: str) -> bool:
    """ksqlDB's lenient boolean parse: a prefix of `true` or `yes` is true, anything else false."""
    lower = text.lower()
    return bool(lower) and ("true".startswith(lower) or "yes".startswith(lower))


def _parse_double(text: str) -> float:
    value = float(text.strip())
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"Invalid double value: {text}")
    return value


def _parse_int(text: str) -> int:
    stripped = text.strip()
    if not stripped or not stripped.lstrip("+-").isdigit():
        raise ValueError(f'For input string: "{stripped}"')
    value = int(stripped)
    if not -(2**31) <= value < 2**31:
        raise ValueError(f'For input string: "{stripped}"')
    return value


def _parse_long(text: str) -> int:
    stripped = text.strip()
    if not stripped or not stripped.lstrip("+-").isdigit():
        raise ValueError(f'For input string: "{stripped}"')
    value = int(stripped)
    if not -(2**63) <= value < 2**63:
        raise ValueError(f'For input string: "{stripped}"')
    return value


def _to_decimal_cast(target: DecimalType, source: SqlType) -> Converter:
    p, s = target.precision, target.scale
    if source.base is BaseType.STRING:

        def from_string(value: str) -> Decimal:
            try:
                parsed = Decimal(value.strip())
            except InvalidOperation as error:
                raise ValueError(f"Cannot parse '{value}' as DECIMAL") from error
            return decimal_fit(parsed, p, s)

        return from_string
    if source.base is BaseType.DOUBLE:
        return lambda value: decimal_fit(Context(prec=p).create_decimal_from_float(value), p, s)
    if source.base in (BaseType.INTEGER, BaseType.BIGINT):
        return lambda value: decimal_fit(Context(prec=p).create_decimal(value), p, s)
    return lambda value: decimal_fit(value, p, s)


def _string_of(source: SqlType) -> Converter:
    if source.base is BaseType.DOUBLE:
        return java_double
    if source.base is BaseType.STRUCT:
        return java_struct_string
    return java_string


def _simple(fn: Converter) -> Callable[[SqlType, SqlType], Converter]:
    return lambda source, target: fn


def _bytes_of(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except binascii.Error as error:
        raise ValueError(f"Cannot decode '{text}' as base64") from error


_B = BaseType
_RULES: dict[tuple[BaseType, BaseType], Callable[[SqlType, SqlType], Converter]] = {
    (_B.BOOLEAN, _B.STRING): _simple(java_string),
    (_B.INTEGER, _B.BIGINT): _simple(int),
    (_B.INTEGER, _B.DOUBLE): _simple(float),
    (_B.INTEGER, _B.STRING): _simple(str),
    (_B.BIGINT, _B.INTEGER): _simple(java_int),
    (_B.BIGINT, _B.DOUBLE): _simple(float),
    (_B.BIGINT, _B.STRING): _simple(str),
    (_B.DECIMAL, _B.INTEGER): _simple(lambda v: java_int(int(v))),
    (_B.DECIMAL, _B.BIGINT): _simple(lambda v: java_long(int(v))),
    (_B.DECIMAL, _B.DOUBLE): _simple(float),
    (_B.DECIMAL, _B.STRING): _simple(lambda v: format(v, "f")),
    (_B.DOUBLE, _B.INTEGER): _simple(_double_to_int),
    (_B.DOUBLE, _B.BIGINT): _simple(_double_to_long),
    (_B.DOUBLE, _B.STRING): _simple(java_double),
    (_B.STRING, _B.BOOLEAN): _simple(lambda v: parse_boolean(v.strip())),
    (_B.STRING, _B.INTEGER): _simple(_parse_int),
    (_B.STRING, _B.BIGINT): _simple(_parse_long),
    (_B.STRING, _B.DOUBLE): _simple(_parse_double),
    (_B.STRING, _B.TIMESTAMP): _simple(timestamp_from_text),
    (_B.STRING, _B.TIME): _simple(time_from_text),
    (_B.STRING, _B.DATE): _simple(date_from_text),
    (_B.STRING, _B.BYTES): _simple(_bytes_of),
    (_B.TIMESTAMP, _B.STRING): _simple(format_timestamp),
    (_B.TIMESTAMP, _B.TIME): _simple(lambda v: v % _MS_PER_DAY),
    (_B.TIMESTAMP, _B.DATE): _simple(lambda v: v // _MS_PER_DAY),
    (_B.DATE, _B.TIMESTAMP): _simple(lambda v: v * _MS_PER_DAY),
    (_B.TIME, _B.STRING): _simple(format_time),
    (_B.DATE, _B.STRING): _simple(format_date),
    (_B.ARRAY, _B.STRING): lambda s, t: _string_of(s),
    (_B.MAP, _B.STRING): lambda s, t: _string_of(s),
    (_B.STRUCT, _B.STRING): lambda s, t: _string_of(s),
}


def _unsupported(source: SqlType, target: SqlType) -> AnalysisError:
    return AnalysisError(f"Cast of {source} to {target} is not supported")


def _null_safe(fn: Converter | None) -> Converter:
    if fn is None:
        return lambda value: value
    return lambda value: None if value is None else fn(value)


def cast_function(source: SqlType | None, target: SqlType) -> Converter | None:
    """A converter of non-NULL `source` values to `target`, or None when none is needed."""
    if source is None or source == target:
        return None
    if isinstance(target, DecimalType) and source.base in (
        _B.INTEGER,
        _B.BIGINT,
        _B.DOUBLE,
        _B.DECIMAL,
        _B.STRING,
    ):
        return _to_decimal_cast(target, source)
    if isinstance(source, ArrayType) and isinstance(target, ArrayType):
        element = _null_safe(_nested(source.element, target.element, source, target))
        return lambda value: [element(v) for v in value]
    if isinstance(source, MapType) and isinstance(target, MapType):
        key = _null_safe(_nested(source.key, target.key, source, target))
        item = _null_safe(_nested(source.value, target.value, source, target))
        return lambda value: {key(k): item(v) for k, v in value.items()}
    if isinstance(source, StructType) and isinstance(target, StructType):
        converters = {
            f.name: _null_safe(_nested(f.type, t.type, source, target))
            for f in source.fields
            if (t := target.field(f.name)) is not None
        }
        names = [f.name for f in target.fields]
        return lambda value: {
            n: (converters[n](value.get(n)) if n in converters else None) for n in names
        }
    rule = _RULES.get((source.base, target.base))
    if rule is None:
        raise _unsupported(source, target)
    return rule(source, target)


def _nested(
    source: SqlType, target: SqlType, outer_source: SqlType, outer_target: SqlType
) -> Converter | None:
    try:
        return cast_function(source, target)
    except AnalysisError:
        raise _unsupported(outer_source, outer_target) from None


def cast_value(value: Any, source: SqlType | None, target: SqlType) -> Any:
    """`value` (of type `source`) cast to `target`; None stays None."""
    if value is None:
        return None
    fn = cast_function(source, target)
    return value if fn is None else fn(value)
