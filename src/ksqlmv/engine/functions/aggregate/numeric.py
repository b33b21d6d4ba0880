"""COUNT, SUM, SUM_LIST, AVG, MIN and MAX.

All skip NULL values. INT and BIGINT sums wrap around on overflow as Java's do; a DECIMAL sum keeps
the column's precision and scale and fails a record whose sum no longer fits. AVG of no values
is 0.0. MIN and MAX cannot undo, so ksqlDB (and this engine) refuse them over a TABLE.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import int32, int64
from ksqlmv.engine.functions._values import java_order_key, quantizer
from ksqlmv.engine.functions.aggregate.base import Aggregate
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.define import aggregate, aggregate_overload
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BIGINT, DOUBLE, INTEGER, SqlType

__all__ = ["FUNCTIONS"]

_T = p.generic("T")
_WRAP: dict[SqlType, Callable[[Any], Any]] = {INTEGER: int32, BIGINT: int64}


def _type_of(args: tuple[ArgType, ...]) -> SqlType:
    first = args[0]
    assert isinstance(first, SqlType)
    return first


# ------------------------------------------------------------------------------ COUNT


def _count_add(acc: int, value: Any) -> int:
    return acc if value is None else acc + 1


def _count_undo(acc: int, value: Any) -> int:
    return acc if value is None else acc - 1


def _plus(a: Any, b: Any) -> Any:
    return a + b


def _same(acc: Any) -> Any:
    return acc


def _count(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    return Aggregate("COUNT", BIGINT, BIGINT, lambda: 0, _count_add, _plus, _same, _count_undo)


# ------------------------------------------------------------------------------ SUM


def _sum_numbers(kind: SqlType) -> Aggregate:
    wrap = _WRAP.get(kind)
    zero: int | float = 0.0 if kind == DOUBLE else 0

    if wrap is None:

        def add(acc: Any, value: Any) -> Any:
            return acc if value is None else acc + value

        def undo(acc: Any, value: Any) -> Any:
            return acc if value is None else acc - value

        merge = _plus
    else:
        fit = wrap

        def add(acc: Any, value: Any) -> Any:
            return acc if value is None else fit(acc + value)

        def undo(acc: Any, value: Any) -> Any:
            return acc if value is None else fit(acc - value)

        def merge(a: Any, b: Any) -> Any:
            return fit(a + b)

    return Aggregate("SUM", kind, kind, lambda: zero, add, merge, _same, undo)


def _sum_decimal(kind: t.DecimalType) -> Aggregate:
    context = Context(prec=kind.precision, rounding=ROUND_HALF_UP)
    fit = quantizer(kind)
    digits = kind.precision - kind.scale
    limit = Decimal(10) ** digits

    def add(acc: Decimal, value: Decimal | None) -> Decimal:
        if value is None:
            return acc
        total = context.add(acc, value)
        if limit <= abs(total):
            raise FunctionError(
                f"Numeric field overflow: A field with precision {kind.precision} and scale "
                f"{kind.scale} must round to an absolute value less than 10^{digits}. Got "
                f"{format(total, 'f')}"
            )
        return fit(total)

    def undo(acc: Decimal, value: Decimal | None) -> Decimal:
        return acc if value is None else fit(context.subtract(acc, value))

    def merge(a: Decimal, b: Decimal) -> Decimal:
        return fit(context.add(a, b))

    return Aggregate("SUM", kind, kind, lambda: fit(Decimal(0)), add, merge, _same, undo)


def _sum(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    kind = _type_of(args)
    if isinstance(kind, t.DecimalType):
        return _sum_decimal(kind)
    return _sum_numbers(kind)


def _sum_list(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    array = _type_of(args)
    assert isinstance(array, t.ArrayType)
    kind = array.element
    wrap: Callable[[Any], Any] = _WRAP.get(kind, _same)
    zero: int | float = 0.0 if kind == DOUBLE else 0

    def total(values: list[Any]) -> Any:
        result: Any = zero
        for value in values:
            if value is not None:
                result = wrap(result + value)
        return result

    def add(acc: Any, values: list[Any] | None) -> Any:
        return acc if values is None else wrap(acc + total(values))

    def undo(acc: Any, values: list[Any] | None) -> Any:
        return acc if values is None else wrap(acc - total(values))

    return Aggregate(
        "sum_list", kind, kind, lambda: zero, add, lambda a, b: wrap(a + b), _same, undo
    )


# ------------------------------------------------------------------------------ AVG


def _average(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    kind = _type_of(args)
    wrap: Callable[[Any], Any] = _WRAP.get(kind, _same)
    zero: int | float = 0.0 if kind == DOUBLE else 0
    state = t.StructType((t.StructField("SUM", kind), t.StructField("COUNT", BIGINT)))

    def add(acc: dict[str, Any], value: Any) -> dict[str, Any]:
        if value is None:
            return acc
        return {"SUM": wrap(acc["SUM"] + value), "COUNT": acc["COUNT"] + 1}

    def undo(acc: dict[str, Any], value: Any) -> dict[str, Any]:
        if value is None:
            return acc
        return {"SUM": wrap(acc["SUM"] - value), "COUNT": acc["COUNT"] - 1}

    def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {"SUM": wrap(a["SUM"] + b["SUM"]), "COUNT": a["COUNT"] + b["COUNT"]}

    def result(acc: dict[str, Any]) -> float:
        count = acc["COUNT"]
        if count == 0:
            return 0.0
        return float(acc["SUM"]) / float(count)

    return Aggregate(
        "avg", state, DOUBLE, lambda: {"SUM": zero, "COUNT": 0}, add, merge, result, undo
    )


# ------------------------------------------------------------------------------ MIN / MAX


def _extreme(name: str, keep_new: Callable[[Any, Any], bool]) -> Callable[..., Aggregate]:
    def create(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
        kind = _type_of(args)
        order = java_order_key(kind)

        if order is None:

            def add(acc: Any, value: Any) -> Any:
                if value is None:
                    return acc
                if acc is None:
                    return value
                return value if keep_new(value, acc) else acc
        else:
            key = order

            def add(acc: Any, value: Any) -> Any:
                if value is None:
                    return acc
                if acc is None:
                    return value
                return value if keep_new(key(value), key(acc)) else acc

        return Aggregate(name, kind, kind, lambda: None, add, add, _same)

    return create


_NUMERIC_OVERLOADS = (
    (p.BIGINT, "Long"),
    (p.INT, "Integer"),
    (p.DOUBLE, "Double"),
)
_COMPARABLE = (
    (p.INT, "an integer"),
    (p.BIGINT, "a long"),
    (p.DOUBLE, "a double"),
    (p.DECIMAL, "a decimal"),
    (p.DATE, "a date"),
    (p.TIME, "a time"),
    (p.TIMESTAMP, "a timestamp"),
    (p.STRING, "a string"),
    (p.BYTES, "a bytes"),
)


def _extreme_entry(name: str, word: str, keep_new: Callable[[Any, Any], bool]) -> FunctionEntry:
    create = _extreme(name, keep_new)
    return aggregate(
        name,
        f"Computes the {word} value for a key.",
        *(
            aggregate_overload(
                [param("val1", kind)], kind, create, f"Computes the {word} value for {label} key."
            )
            for kind, label in _COMPARABLE
        ),
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    aggregate(
        "avg",
        "Returns the average value of the column computed as the sum divided by thecount. "
        "Applicable only to numeric types.",
        *(
            aggregate_overload(
                [param("val1", kind)],
                p.DOUBLE,
                _average,
                f"Compute average of column with type {label}.",
                table=True,
            )
            for kind, label in _NUMERIC_OVERLOADS
        ),
    ),
    aggregate(
        "COUNT",
        "Counts records by key.",
        aggregate_overload(
            [param("val1", _T)], p.BIGINT, _count, "Counts records by key.", table=True
        ),
    ),
    _extreme_entry("MAX", "maximum", lambda new, old: new > old),
    _extreme_entry("MIN", "minimum", lambda new, old: new < old),
    aggregate(
        "SUM",
        "Computes the sum for a key.",
        aggregate_overload(
            [param("val1", p.DECIMAL)],
            p.DECIMAL,
            _sum,
            "Computes the sum of decimal values for a key, resulting in a decimal "
            "with the same precision and scale.",
            table=True,
        ),
        aggregate_overload(
            [param("val1", p.DOUBLE)], p.DOUBLE, _sum, "Computes the sum for a key.", table=True
        ),
        aggregate_overload(
            [param("val1", p.BIGINT)], p.BIGINT, _sum, "Computes the sum for a key.", table=True
        ),
        aggregate_overload(
            [param("val1", p.INT)], p.INT, _sum, "Computes the sum for a key.", table=True
        ),
    ),
    aggregate(
        "sum_list",
        "Returns the sum of elements contained in the list.",
        aggregate_overload(
            [param("val1", p.array(p.DOUBLE))],
            p.DOUBLE,
            _sum_list,
            "sum double values in a list into a single double",
            table=True,
        ),
        aggregate_overload(
            [param("val1", p.array(p.INT))],
            p.INT,
            _sum_list,
            "sum int values in a list into a single int",
            table=True,
        ),
        aggregate_overload(
            [param("val1", p.array(p.BIGINT))],
            p.BIGINT,
            _sum_list,
            "sum long values in a list into a single long",
            table=True,
        ),
    ),
)
