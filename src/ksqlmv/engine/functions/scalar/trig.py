"""Transcendental functions: trigonometry, exponentials, logarithms, powers and roots.

Each takes an INT, BIGINT or DOUBLE and returns a DOUBLE with Java's `Math` results: NaN for an
argument outside the domain (`ACOS(2)`, `LN(-1)`, `SQRT(-1)`), infinities on overflow and for
`LN(0)` or `COT(0)`, where Python's `math` would raise. Note that ksqlDB's one-argument LOG is
the natural logarithm, whatever its description says.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import MATHEMATICAL
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param

__all__ = ["FUNCTIONS"]

_NUMBERS = ((p.INT, "an INT"), (p.BIGINT, "a BIGINT"), (p.DOUBLE, "a DOUBLE"))
_INF = math.inf
_NAN = math.nan


def _unary(function: Callable[[float], float]) -> Callable[[float | None], float | None]:
    def call(value: float | None) -> float | None:
        if value is None:
            return None
        try:
            return function(float(value))
        except ValueError:
            return _NAN

    return call


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _cosh(x: float) -> float:
    try:
        return math.cosh(x)
    except OverflowError:
        return _INF


def _sinh(x: float) -> float:
    try:
        return math.sinh(x)
    except OverflowError:
        return math.copysign(_INF, x)


def _ln(x: float) -> float:
    if x == 0.0:
        return -_INF
    if x < 0 or x != x:
        return _NAN
    return math.log(x)


def _cot(x: float) -> float:
    tangent = math.tan(x)
    if tangent == 0.0:
        return math.copysign(_INF, tangent)
    return 1.0 / tangent


def _pow(base: float, exponent: float) -> float:
    try:
        return math.pow(base, exponent)
    except OverflowError:
        odd = exponent.is_integer() and exponent % 2 == 1
        return -_INF if base < 0 and odd else _INF
    except ValueError:
        if base == 0.0:
            odd = exponent.is_integer() and exponent % 2 == 1
            return math.copysign(_INF, base) if odd else _INF
        return _NAN


def _power(base: float | None, exponent: float | None) -> float | None:
    if base is None or exponent is None:
        return None
    return _pow(float(base), float(exponent))


def _log2(base: float | None, value: float | None) -> float | None:
    if base is None or value is None:
        return None
    b = float(base)
    if b <= 0 or b == 1:
        return _NAN
    return _ln(float(value)) / _ln(b)


def _atan2(y: float | None, x: float | None) -> float | None:
    if y is None or x is None:
        return None
    return math.atan2(float(y), float(x))


def _family(
    name: str,
    description: str,
    function: Callable[[float], float],
    param_name: str,
    param_description: str,
    variant_description: str,
) -> FunctionEntry:
    """One function over INT, BIGINT and DOUBLE, returning DOUBLE."""
    call = _unary(function)
    return scalar(
        name,
        MATHEMATICAL,
        description,
        *(
            overload(
                [param(param_name, kind, param_description)],
                p.DOUBLE,
                call,
                variant_description.format(article),
            )
            for kind, article in _NUMBERS
        ),
    )


def _binary(
    name: str,
    description: str,
    names: tuple[str, str],
    descriptions: tuple[str, str],
    variant_description: str,
    call: Callable[..., float | None],
) -> FunctionEntry:
    return scalar(
        name,
        MATHEMATICAL,
        description,
        *(
            overload(
                [param(names[0], kind, descriptions[0]), param(names[1], kind, descriptions[1])],
                p.DOUBLE,
                call,
                variant_description.format(label),
            )
            for kind, label in ((p.INT, "INT"), (p.BIGINT, "BIGINT"), (p.DOUBLE, "DOUBLE"))
        ),
    )


_LOG_VARIANTS = tuple(
    # ksqlDB's one-argument LOG is Math.log, the natural logarithm
    overload(
        [param("value", kind, "the value get the base 10 logarithm of.")],
        p.DOUBLE,
        _unary(_ln),
        f"Returns the base 10 logarithm of {article} value.",
    )
    for kind, article in _NUMBERS
) + tuple(
    overload(
        [
            param("base", kind, "the base of the logarithm."),
            param("value", kind, "the value get the logarithm of."),
        ],
        p.DOUBLE,
        _log2,
        f"Returns the logarithm with the given base of {article} value.",
    )
    for kind, article in _NUMBERS
)

FUNCTIONS: tuple[FunctionEntry, ...] = (
    _family(
        "acos",
        "The inverse (arc) cosine of a value. The returned value is in radians.",
        math.acos,
        "value",
        "The value to get the inverse cosine of.",
        "Returns the inverse (arc) cosine of {} value",
    ),
    _family(
        "asin",
        "The inverse (arc) sine of a value. The returned value is in radians.",
        math.asin,
        "value",
        "The value to get the inverse sine of.",
        "Returns the inverse (arc) sine of {} value",
    ),
    _family(
        "atan",
        "The inverse (arc) tangent of a value. The returned value is in radians.",
        math.atan,
        "value",
        "The value to get the inverse tangent of.",
        "Returns the inverse (arc) tangent of {} value",
    ),
    scalar(
        "atan2",
        MATHEMATICAL,
        "The inverse (arc) tangent of y / x. This is equivalent to the angle theta when "
        "Cartesian coordinates (x, y) are converted to polar coordinates (radius, theta). The "
        "returned value is in radians.",
        *(
            overload(
                [
                    param("y", kind, "The ordinate (y) coordinate."),
                    param("x", kind, "The abscissa (x) coordinate."),
                ],
                p.DOUBLE,
                _atan2,
                "Returns the inverse (arc) tangent of y / x",
            )
            for kind, _ in _NUMBERS
        ),
    ),
    _family(
        "cbrt",
        "The cube root of a value.",
        math.cbrt,
        "value",
        "The value to get the cube root of.",
        "Returns the cube root of {} value",
    ),
    _family(
        "cos",
        "The cosine of a value.",
        math.cos,
        "value",
        "The value in radians to get the cosine of.",
        "Returns the cosine of {} value",
    ),
    _family(
        "cosh",
        "The hyperbolic cosine of a value.",
        _cosh,
        "value",
        "The value in radians to get the hyperbolic cosine of.",
        "Returns the hyperbolic cosine of {} value",
    ),
    _family(
        "cot",
        "The cotangent of a value.",
        _cot,
        "value",
        "The value in radians to get the cotangent of.",
        "Returns the cotangent of {} value",
    ),
    _family(
        "degrees",
        "Converts a value in radians to a value in degrees.",
        math.degrees,
        "value",
        "The value in radians to convert to degrees.",
        "Converts {} value in radians to a value in degrees",
    ),
    _family(
        "exp",
        "The exponential of a value.",
        _exp,
        "exponent",
        "the exponent to raise e to.",
        "Returns Euler's number e raised to the power of {} value.",
    ),
    _family(
        "ln",
        "The natural logarithm of a value.",
        _ln,
        "value",
        "the value get the natual logarithm of.",
        "Returns the natural logarithm (base e) of {} value.",
    ),
    scalar("log", MATHEMATICAL, "The logarithm of a value.", *_LOG_VARIANTS),
    scalar(
        "pi",
        MATHEMATICAL,
        "Returns an approximate value of pi.",
        overload([], p.DOUBLE, lambda: math.pi, "Returns an approximate value of pi"),
    ),
    _binary(
        "power",
        "Given a base and an exponent, returns the result of the base raised to the exponent.",
        ("base", "exponent"),
        ("the base of the power.", "the exponent of the power."),
        "Returns the {0} base raised to the {0} exponent.",
        _power,
    ),
    _family(
        "radians",
        "Converts a value in degrees to a value in radians.",
        math.radians,
        "value",
        "The value in degrees to convert to radians.",
        "Converts {} value in degrees to a value in radians",
    ),
    _family(
        "sin",
        "The sine of a value.",
        math.sin,
        "value",
        "The value in radians to get the sine of.",
        "Returns the sine of {} value",
    ),
    _family(
        "sinh",
        "The hyperbolic sine of a value.",
        _sinh,
        "value",
        "The value in radians to get the hyperbolic sine of.",
        "Returns the hyperbolic sine of {} value",
    ),
    _family(
        "sqrt",
        "The square root of a value.",
        math.sqrt,
        "value",
        "The value to get the square root of.",
        "Returns the correctly rounded positive square root of a DOUBLE value",
    ),
    _family(
        "tan",
        "The tangent of a value.",
        math.tan,
        "value",
        "The value in radians to get the tangent of.",
        "Returns the tangent of {} value",
    ),
    _family(
        "tanh",
        "The hyperbolic tangent of a value.",
        math.tanh,
        "value",
        "The value in radians to get the hyperbolic tangent of.",
        "Returns the hyperbolic tangent of {} value",
    ),
)
