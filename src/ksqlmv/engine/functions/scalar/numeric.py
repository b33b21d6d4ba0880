"""Numeric functions: ABS, CEIL, FLOOR, ROUND, TRUNC, SIGN, GREATEST, LEAST and RANDOM.

DECIMAL results keep their argument's scale, as ksqlDB's do (`ROUND(DECIMAL(5, 2), 1)` is still a
DECIMAL(5, 2): 1.25 becomes 1.30), except one-argument ROUND and TRUNC, which return a
DECIMAL(precision - scale, 0). ROUND rounds halves up, towards positive infinity. Doubles follow
Java: `ROUND(DOUBLE)` is `Math.round`, `TRUNC(DOUBLE)` a cast to BIGINT.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._values import (
    DECIMAL_CONTEXT,
    first_argument_type,
    java_order_key,
    quantizer,
    widen_decimals,
)
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.categories import MATHEMATICAL
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param, varargs
from ksqlmv.errors import AnalysisError, FunctionError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import SqlType

__all__ = ["FUNCTIONS", "java_round"]

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


def _long(value: float) -> int:
    """Java's (long) cast of a double: truncation, NaN is 0, out of range saturates."""
    if value != value:
        return 0
    if value >= 9.223372036854776e18:
        return _LONG_MAX
    if value <= -9.223372036854776e18:
        return _LONG_MIN
    return int(value)


def java_round(value: float) -> int:
    """Java's `Math.round(double)`: the closest long, halves rounded up."""
    if value != value:
        return 0
    if math.isinf(value):
        return _LONG_MAX if value > 0 else _LONG_MIN
    floor = math.floor(value)
    result = floor + 1 if value - floor >= 0.5 else floor
    return max(_LONG_MIN, min(_LONG_MAX, result))


def _big_decimal(value: float) -> Decimal:
    """BigDecimal.valueOf(double): the value's shortest decimal form."""
    if math.isnan(value) or math.isinf(value):
        raise FunctionError(
            f"Character {value} is neither a decimal digit number, decimal point, "
            'nor "e" notation exponential mark.'
        )
    return Decimal(repr(value))


def _scaled(value: Decimal, places: int, rounding: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding, context=DECIMAL_CONTEXT)


def _half_up(value: Decimal, places: int) -> Decimal:
    # ksqlDB rounds positive values HALF_UP and the rest HALF_DOWN: halves go towards +infinity
    return _scaled(value, places, ROUND_HALF_UP if value > 0 else ROUND_HALF_DOWN)


def _abs_int(value: int | None) -> int | None:
    if value is None:
        return None
    # Math.abs of the most negative int or long overflows to itself
    return value if value in (-(2**31), _LONG_MIN) else abs(value)


def _same(value: Any) -> Any:
    return value


def _abs_any(value: Any) -> Any:
    return None if value is None else abs(value)


def _ceil_double(value: float | None) -> float | None:
    return None if value is None else float(math.ceil(value)) if math.isfinite(value) else value


def _floor_double(value: float | None) -> float | None:
    return None if value is None else float(math.floor(value)) if math.isfinite(value) else value


def _keep_scale(rounding: str) -> Callable[[Decimal | None], Decimal | None]:
    def call(value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        whole = value.quantize(Decimal(1), rounding=rounding, context=DECIMAL_CONTEXT)
        return whole.quantize(Decimal(1).scaleb(exponent), context=DECIMAL_CONTEXT)

    return call


def _round_long(value: int | None) -> int | None:
    return value


def _round_double(value: float | None) -> int | None:
    return None if value is None else java_round(value)


def _round_double_places(value: float | None, places: int | None) -> float | None:
    if value is None or places is None:
        return None
    return float(_half_up(_big_decimal(value), places))


def _round_decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else _half_up(value, 0)


def _round_decimal_places(value: Decimal | None, places: int | None) -> Decimal | None:
    if value is None or places is None:
        return None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    # the scale of the result stays the argument's (ksqlDB issue 6235)
    return _half_up(value, places).quantize(Decimal(1).scaleb(exponent), context=DECIMAL_CONTEXT)


def _trunc_long(value: int | None) -> int | None:
    return value


def _trunc_double(value: float | None) -> int | None:
    return None if value is None else _long(value)


def _trunc_double_places(value: float | None, places: int | None) -> float | None:
    if value is None or places is None:
        return None
    return float(_scaled(_big_decimal(value), places, ROUND_DOWN))


def _trunc_decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else _scaled(value, 0, ROUND_DOWN)


def _trunc_decimal_places(value: Decimal | None, places: int | None) -> Decimal | None:
    if value is None or places is None:
        return None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    truncated = _scaled(value, places, ROUND_DOWN)
    return truncated.quantize(Decimal(1).scaleb(exponent), context=DECIMAL_CONTEXT)


def _whole_decimal(args: Sequence[ArgType]) -> SqlType:
    first = args[0]
    if not isinstance(first, t.DecimalType):
        raise AnalysisError(
            "The schema provider method for round expects a BigDecimal parametertype as a "
            "parameter."
        )
    return t.DecimalType(first.precision - first.scale, 0)


def _sign(value: float | None) -> int | None:
    if value is None:
        return None
    if value != value:
        return 0
    return (value > 0) - (value < 0)


def _extreme(pick: Callable[..., Any]) -> Callable[[tuple[ArgType, ...], SqlType], Any]:
    """GREATEST/LEAST for one argument type, built once per call site."""

    def build(args: tuple[ArgType, ...], return_type: SqlType) -> Callable[..., Any]:
        key = java_order_key(return_type)
        fit = quantizer(return_type) if isinstance(return_type, t.DecimalType) else None

        def call(first: Any, *rest: Any) -> Any:
            values = [v for v in (first, *rest) if v is not None]
            if not values:
                return None
            found = pick(values, key=key) if key is not None else pick(values)
            return fit(found) if fit is not None else found

        return call

    return build


def _widened(args: Sequence[ArgType]) -> SqlType:
    return widen_decimals([a for a in args if isinstance(a, SqlType)])


_COMPARABLE = (p.INT, p.BIGINT, p.DOUBLE, p.STRING, p.BYTES, p.DATE, p.TIME, p.TIMESTAMP)


def _extreme_entry(name: str, description: str, pick: Callable[..., Any]) -> FunctionEntry:
    build = _extreme(pick)
    variants = [
        overload([param("val", kind), varargs("vals", kind)], kind, build, specialize=True)
        for kind in _COMPARABLE
    ]
    variants.append(
        overload(
            [param("val", p.DECIMAL), varargs("vals", p.DECIMAL)],
            p.DECIMAL,
            build,
            provider=_widened,
            specialize=True,
        )
    )
    return scalar(name, MATHEMATICAL, description, *variants)


_ROUND = (
    "Round a value to the number of decimal places as specified by scale to the right of the "
    "decimal point. If scale is negative then value is rounded to the right of the decimal point. "
    "Numbers equidistant to the nearest value are rounded up (in the positive direction). If the "
    "number of decimal places is not provided it defaults to zero."
)
_TRUNC = (
    "Truncates a value to the number of decimal places as specified by scale to the right of the "
    "decimal point. If scale is negative then value is truncated to the right of the decimal "
    "point."
)

FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "Abs",
        MATHEMATICAL,
        "Returns the absolute value of its argument. If the argument is not negative, the "
        "argument is returned. If the argument is negative, the negation of the argument is "
        "returned.",
        overload([param("val", p.INT)], p.INT, _abs_int),
        overload([param("val", p.BIGINT)], p.BIGINT, _abs_int),
        overload([param("val", p.DOUBLE)], p.DOUBLE, _abs_any),
        overload([param("val", p.DECIMAL)], p.DECIMAL, _abs_any, provider=first_argument_type),
    ),
    scalar(
        "Ceil",
        MATHEMATICAL,
        "Returns the smallest integer greater than or equal to the specified numeric expression.",
        overload([param("val", p.INT)], p.INT, _same),
        overload([param("val", p.BIGINT)], p.BIGINT, _same),
        overload([param("val", p.DOUBLE)], p.DOUBLE, _ceil_double),
        overload(
            [param("val", p.DECIMAL)],
            p.DECIMAL,
            _keep_scale(ROUND_CEILING),
            provider=first_argument_type,
        ),
    ),
    scalar(
        "Floor",
        MATHEMATICAL,
        "Returns the largest integer less than or equal to the specified numeric expression.",
        overload([param("val", p.INT)], p.INT, _same),
        overload([param("val", p.BIGINT)], p.BIGINT, _same),
        overload([param("val", p.DOUBLE)], p.DOUBLE, _floor_double),
        overload(
            [param("val", p.DECIMAL)],
            p.DECIMAL,
            _keep_scale(ROUND_FLOOR),
            provider=first_argument_type,
        ),
    ),
    _extreme_entry(
        "greatest",
        "Returns the highest non-null value among a variable number of comparable columns.",
        max,
    ),
    _extreme_entry(
        "least",
        "Returns the lowest non-null value among a variable number of comparable columns",
        min,
    ),
    scalar(
        "random",
        MATHEMATICAL,
        "Returns a random number greater than or equal to 0.0 and less than 1.0.",
        overload([], p.DOUBLE, random.random),
        author="",
    ),
    scalar(
        "Round",
        MATHEMATICAL,
        _ROUND,
        overload([param("val", p.BIGINT)], p.BIGINT, _round_long),
        overload([param("val", p.INT)], p.BIGINT, _round_long),
        overload([param("val", p.DOUBLE)], p.BIGINT, _round_double),
        overload(
            [param("val", p.DOUBLE), param("decimalPlaces", p.INT)], p.DOUBLE, _round_double_places
        ),
        overload([param("val", p.DECIMAL)], p.DECIMAL, _round_decimal, provider=_whole_decimal),
        overload(
            [param("val", p.DECIMAL), param("decimalPlaces", p.INT)],
            p.DECIMAL,
            _round_decimal_places,
            provider=first_argument_type,
        ),
    ),
    scalar(
        "sign",
        MATHEMATICAL,
        "The sign of a value.",
        overload(
            [param("value", p.INT, "The value to get the sign of.")],
            p.INT,
            _sign,
            "Returns the sign of an INT value, denoted by 1, 0 or -1.",
        ),
        overload(
            [param("value", p.BIGINT, "The value to get the sign of.")],
            p.INT,
            _sign,
            "Returns the sign of an BIGINT value, denoted by 1, 0 or -1.",
        ),
        overload(
            [param("value", p.DOUBLE, "The value to get the sign of.")],
            p.INT,
            _sign,
            "Returns the sign of an DOUBLE value, denoted by 1, 0 or -1.",
        ),
    ),
    scalar(
        "trunc",
        MATHEMATICAL,
        _TRUNC,
        overload([param("val", p.BIGINT)], p.BIGINT, _trunc_long),
        overload([param("val", p.INT)], p.BIGINT, _trunc_long),
        overload([param("val", p.DOUBLE)], p.BIGINT, _trunc_double),
        overload(
            [param("val", p.DOUBLE), param("decimalPlaces", p.INT)], p.DOUBLE, _trunc_double_places
        ),
        overload([param("val", p.DECIMAL)], p.DECIMAL, _trunc_decimal, provider=_whole_decimal),
        overload(
            [param("val", p.DECIMAL), param("decimalPlaces", p.INT)],
            p.DECIMAL,
            _trunc_decimal_places,
            provider=first_argument_type,
        ),
    ),
)
