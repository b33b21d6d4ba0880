"""STDDEV_SAMP, STDDEV_SAMPLE and CORRELATION.

STDDEV_SAMP returns the sample *variance* (ksqlDB's long-standing behaviour, kept for
compatibility); STDDEV_SAMPLE returns its square root. Both keep a running sum, count and M2
(Welford), with ksqlDB's integer arithmetic for INT and BIGINT columns. CORRELATION is Pearson's
coefficient over pairs where neither value is NULL; division follows IEEE rules (0/0 is NaN).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import int32, int64
from ksqlmv.engine.functions.aggregate.base import Aggregate
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.define import aggregate, aggregate_overload
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BIGINT, DOUBLE, INTEGER, SqlType

__all__ = ["FUNCTIONS", "java_divide"]

State = dict[str, Any]
_WRAP: dict[SqlType, Callable[[Any], Any]] = {INTEGER: int32, BIGINT: int64}


def _identity(value: Any) -> Any:
    return value


def java_divide(numerator: float, denominator: float) -> float:
    """Double division as the JVM does it: no exception for a zero denominator."""
    if denominator == 0:
        if numerator == 0 or numerator != numerator:
            return math.nan
        return math.copysign(math.inf, numerator) * math.copysign(1.0, denominator)
    return numerator / denominator


def _java_long_div(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("/ by zero")
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


def _stddev(name: str, sqrt: bool) -> Callable[..., Aggregate]:
    def create(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
        kind = args[0]
        assert isinstance(kind, SqlType)
        wrap: Callable[[Any], Any] = _WRAP.get(kind, _identity)
        integral = kind != DOUBLE
        zero: int | float = 0 if integral else 0.0

        def delta(acc: State, value: Any) -> float:
            # newValue * (count + 1) - (sum + newValue), in the column's arithmetic
            if integral:
                return float(int64(value * (acc["COUNT"] + 1) - wrap(acc["SUM"] + value)))
            return float(value * (acc["COUNT"] + 1) - (acc["SUM"] + value))

        def merge_inner(a: State, b: State) -> float:
            if integral and not sqrt:
                return float(
                    _java_long_div(a["SUM"], a["COUNT"]) - _java_long_div(b["SUM"], b["COUNT"])
                )
            return float(a["SUM"]) / float(a["COUNT"]) - float(b["SUM"]) / float(b["COUNT"])

        def add(acc: State, value: Any) -> State:
            if value is None:
                return acc
            count = acc["COUNT"] + 1
            m2 = 0.0
            if count - 1 > 0:
                change = delta(acc, value)
                m2 = java_divide(change * change, float(count * (count - 1)))
            return {"SUM": wrap(value + acc["SUM"]), "COUNT": count, "M2": m2 + acc["M2"]}

        def undo(acc: State, value: Any) -> State:
            if value is None:
                return acc
            count = acc["COUNT"] - 1
            m2 = 0.0
            if count > 0:
                change = delta(acc, value)
                m2 = java_divide(change * change, float(count * (count + 1)))
            return {"SUM": wrap(acc["SUM"] - value), "COUNT": count, "M2": acc["M2"] - m2}

        def merge(a: State, b: State) -> State:
            count = a["COUNT"] + b["COUNT"]
            if a["COUNT"] == 0 or b["COUNT"] == 0:
                m2 = a["M2"] + b["M2"]
            else:
                inner = merge_inner(a, b)
                m2 = (
                    a["M2"]
                    + b["M2"]
                    + java_divide(a["COUNT"] * b["COUNT"] * inner * inner, float(count))
                )
            return {"SUM": wrap(a["SUM"] + b["SUM"]), "COUNT": count, "M2": m2}

        def result(acc: State) -> float:
            count = acc["COUNT"]
            if count < 2:
                return 0.0
            variance = java_divide(acc["M2"], float(count - 1))
            return (
                math.sqrt(variance) if sqrt and variance >= 0 else (math.nan if sqrt else variance)
            )

        state = t.StructType(
            (
                t.StructField("SUM", kind),
                t.StructField("COUNT", BIGINT),
                t.StructField("M2", DOUBLE),
            )
        )
        return Aggregate(
            name,
            state,
            DOUBLE,
            lambda: {"SUM": zero, "COUNT": 0, "M2": 0.0},
            add,
            merge,
            result,
            undo,
        )

    return create


_CORRELATION_FIELDS = ("X_SUM", "Y_SUM", "X_SQUARED_SUM", "Y_SQUARED_SUM", "XY_SUM")
_CORRELATION_STATE = t.StructType(
    (
        *(t.StructField(name, DOUBLE) for name in _CORRELATION_FIELDS),
        t.StructField("COUNT", BIGINT),
    )
)


def _correlation(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    def step(acc: State, pair: tuple[Any, Any], sign: int) -> State:
        x_value, y_value = pair
        if x_value is None or y_value is None:
            return acc
        x, y = float(x_value), float(y_value)
        return {
            "X_SUM": acc["X_SUM"] + sign * x,
            "Y_SUM": acc["Y_SUM"] + sign * y,
            "X_SQUARED_SUM": acc["X_SQUARED_SUM"] + sign * x * x,
            "Y_SQUARED_SUM": acc["Y_SQUARED_SUM"] + sign * y * y,
            "XY_SUM": acc["XY_SUM"] + sign * x * y,
            "COUNT": acc["COUNT"] + sign,
        }

    def merge(a: State, b: State) -> State:
        return {name: a[name] + b[name] for name in (*_CORRELATION_FIELDS, "COUNT")}

    def result(acc: State) -> float:
        count = acc["COUNT"]
        sum_x, sum_y = acc["X_SUM"], acc["Y_SUM"]
        numerator = count * acc["XY_SUM"] - sum_x * sum_y
        spread_x = count * acc["X_SQUARED_SUM"] - sum_x * sum_x
        spread_y = count * acc["Y_SQUARED_SUM"] - sum_y * sum_y
        product = spread_x * spread_y
        denominator = math.sqrt(product) if product >= 0 else math.nan
        return java_divide(numerator, denominator)

    def initial() -> State:
        return {**dict.fromkeys(_CORRELATION_FIELDS, 0.0), "COUNT": 0}

    return Aggregate(
        "correlation",
        _CORRELATION_STATE,
        DOUBLE,
        initial,
        lambda acc, pair: step(acc, pair, 1),
        merge,
        result,
        lambda acc, pair: step(acc, pair, -1),
    )


def _stddev_entry(name: str, sqrt: bool) -> FunctionEntry:
    create = _stddev(name, sqrt)
    return aggregate(
        name,
        "Returns the sample standard deviation of the column. Applicable only to numeric types.",
        aggregate_overload(
            [param("val1", p.BIGINT)],
            p.DOUBLE,
            create,
            "Compute sample standard deviation of column with type Long.",
            table=True,
        ),
        aggregate_overload(
            [param("val1", p.INT)],
            p.DOUBLE,
            create,
            "Compute sample standard deviation of column with type Integer.",
            table=True,
        ),
        aggregate_overload(
            [param("val1", p.DOUBLE)],
            p.DOUBLE,
            create,
            "Compute sample standard deviation of column with type Double.",
            table=True,
        ),
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    aggregate(
        "correlation",
        "Computes the Pearson correlation coefficient between two columns of data.",
        *(
            aggregate_overload(
                [param("val1", kind), param("val2", kind)],
                p.DOUBLE,
                _correlation,
                f"Computes the Pearson correlation coefficient between two {label} columns.",
                table=True,
            )
            for kind, label in ((p.DOUBLE, "DOUBLE"), (p.INT, "INTEGER"), (p.BIGINT, "BIGINT"))
        ),
    ),
    _stddev_entry("STDDEV_SAMP", sqrt=False),
    _stddev_entry("STDDEV_SAMPLE", sqrt=True),
)
