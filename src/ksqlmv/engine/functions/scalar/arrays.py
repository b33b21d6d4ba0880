"""Array functions: ARRAY_SORT/MIN/MAX/JOIN/LENGTH, SLICE, GENERATE_SERIES and ENTRIES.

Elements sort in Java's natural order, NULLs last; arrays of ARRAY, MAP or STRUCT cannot be sorted
or searched for a minimum, as in ksqlDB. Each call site builds its callable for its element type.
Set operations on arrays live in `array_sets`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import java_string
from ksqlmv.engine.functions._values import (
    JAVA_CLASS_NAMES,
    element_type,
    is_comparable,
    java_order_key,
)
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.categories import ARRAY, MAP
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError
from ksqlmv.sql.types import BaseType, SqlType

__all__ = ["FUNCTIONS"]


_T = p.generic("T")
_ARRAY_T = p.array(_T)
_JOINABLE = frozenset(
    {
        BaseType.BOOLEAN,
        BaseType.INTEGER,
        BaseType.BIGINT,
        BaseType.DOUBLE,
        BaseType.DECIMAL,
        BaseType.STRING,
    }
)


def _length(values: list[Any] | None) -> int | None:
    return None if values is None else len(values)


def _not_comparable(element: SqlType | None) -> FunctionError:
    name = JAVA_CLASS_NAMES.get(element.base, "java.lang.Object") if element else "Object"
    return FunctionError(f"class {name} cannot be cast to class java.lang.Comparable")


def _extreme(pick_max: bool) -> Callable[[tuple[ArgType, ...], SqlType], Callable[[Any], Any]]:
    def build(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any], Any]:
        element = element_type(args[0])
        comparable = is_comparable(element)
        order = java_order_key(element)
        pick = max if pick_max else min

        def call(values: list[Any] | None) -> Any:
            if values is None:
                return None
            present = [v for v in values if v is not None]
            if not present:
                return None
            if not comparable:
                raise _not_comparable(element)
            # the first of equal values wins, as in ksqlDB's loop
            return pick(present, key=order) if order is not None else pick(present)

        return call

    return build


def _sort(args: tuple[ArgType, ...], _: SqlType) -> Callable[..., Any]:
    element = element_type(args[0])
    comparable = is_comparable(element)
    order = java_order_key(element)

    def call(values: list[Any] | None, direction: str | None = "ASC") -> list[Any] | None:
        if values is None or direction is None:
            return None
        upper = direction.upper()
        if upper not in ("ASC", "ASCENDING", "DESC", "DESCENDING"):
            return None
        if len(values) < 2:
            return list(values)
        if not comparable:
            raise _not_comparable(element)
        present = [v for v in values if v is not None]
        nulls = [None] * (len(values) - len(present))
        present.sort(key=order, reverse=upper.startswith("DESC"))
        return present + nulls

    return call


def _join(args: tuple[ArgType, ...], _: SqlType) -> Callable[..., str | None]:
    element = element_type(args[0])
    if element is not None and element.base not in _JOINABLE:
        message = (
            f"error: hit element of type {JAVA_CLASS_NAMES[element.base]} which is currently not "
            "supported"
        )

        def refuse(values: list[Any] | None, delimiter: str | None = ",") -> str | None:
            if values is None:
                return None
            if any(v is not None for v in values):
                raise FunctionError(message)
            return (delimiter or "").join("null" for _ in values)

        return refuse

    def join(values: list[Any] | None, delimiter: str | None = ",") -> str | None:
        if values is None:
            return None
        return (delimiter or "").join(java_string(v) for v in values)

    return join


def _slice(values: list[Any] | None, start: int | None, end: int | None) -> list[Any] | None:
    if values is None:
        return None
    first = 0 if start is None else start - 1
    last = len(values) if end is None else end
    if first < 0 or last > len(values) or first > last:
        return None
    return values[first:last]


def _series(start: int | None, end: int | None, step: int | None = None) -> list[int]:
    if start is None or end is None:
        raise FunctionError("Failed to invoke function GENERATE_SERIES: NULL bounds")
    if step is None:
        step = 1 if end - start > 0 else -1
    if step == 0:
        raise FunctionError("GENERATE_SERIES step cannot be zero")
    diff = end - start
    if (diff > 0 and step < 0) or (diff < 0 and step > 0):
        raise FunctionError("GENERATE_SERIES step has wrong sign")
    return list(range(start, end + (1 if step > 0 else -1), step))


def _entries(values: dict[str, Any] | None, ordered: bool | None) -> list[dict[str, Any]] | None:
    if ordered is None:
        raise FunctionError("Failed to invoke function ENTRIES: sorted is NULL")
    if values is None:
        return None
    items = sorted(values.items(), key=lambda item: item[0]) if ordered else values.items()
    return [{"K": key, "V": value} for key, value in items]


_ENTRY_TYPES = (
    (p.INT, "INT"),
    (p.BIGINT, "BIGINT"),
    (p.DOUBLE, "DOUBLE"),
    (p.BOOLEAN, "BOOLEAN"),
    (p.STRING, "STRING"),
)


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "ARRAY_JOIN",
        ARRAY,
        "joins the array elements into a flat string representation",
        overload(
            [param("array", _ARRAY_T, "the array to join using the default delimiter ','")],
            p.STRING,
            _join,
            specialize=True,
        ),
        overload(
            [
                param("array", _ARRAY_T, "the array to join using the specified delimiter"),
                param("delimiter", p.STRING, "the string to be used as element delimiter"),
            ],
            p.STRING,
            _join,
            specialize=True,
        ),
    ),
    scalar(
        "ARRAY_LENGTH",
        ARRAY,
        "Returns the length on an array",
        overload([param("array", _ARRAY_T, "The array")], p.INT, _length),
    ),
    scalar(
        "array_max",
        ARRAY,
        "Return the maximum value from within an array of primitive values, according to their "
        "natural sort order. If the array is NULL, or contains only NULLs, return NULL.",
        overload(
            [param("input", _ARRAY_T, "Array of values from which to find the maximum")],
            _T,
            _extreme(True),
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "array_min",
        ARRAY,
        "Return the minimum value from within an array of primitive values, according to their "
        "natural sort order. If the array is NULL, or contains only NULLs, return NULL.",
        overload(
            [param("input", _ARRAY_T, "Array of values from which to find the minimum")],
            _T,
            _extreme(False),
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "array_sort",
        ARRAY,
        "Sort an array of primitive values, according to their natural sort order. Any NULLs in "
        "the array will be placed at the end.",
        overload([param("input", _ARRAY_T, "The array to sort")], _ARRAY_T, _sort, specialize=True),
        overload(
            [
                param("input", _ARRAY_T, "The array to sort"),
                param("direction", p.STRING, "Marks the end of the series (inclusive)"),
            ],
            _ARRAY_T,
            _sort,
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "ENTRIES",
        MAP,
        "Construct an array from the entries in a map.The array can be optionally sorted on the "
        "keys.",
        *(
            overload(
                [
                    param("map", p.map_of(p.STRING, kind), "The map to create entries from"),
                    param(
                        "sorted", p.BOOLEAN, "If true then the resulting entries are sorted by key"
                    ),
                ],
                p.array(p.struct_of(("K", p.STRING), ("V", kind))),
                _entries,
            )
            for kind, _ in _ENTRY_TYPES
        ),
    ),
    scalar(
        "GENERATE_SERIES",
        ARRAY,
        "Construct an array of a range of values",
        overload(
            [
                param("start", p.INT, "The beginning of the series"),
                param("end", p.INT, "Marks the end of the series (inclusive)"),
            ],
            p.array(p.INT),
            _series,
        ),
        overload(
            [
                param("start", p.INT, "The beginning of the series"),
                param("end", p.INT, "Marks the end of the series (inclusive)"),
                param("step", p.INT, "Difference between each value in the series"),
            ],
            p.array(p.INT),
            _series,
        ),
        overload(
            [
                param("start", p.BIGINT, "The beginning of the series"),
                param("end", p.BIGINT, "Marks the end of the series (inclusive)"),
            ],
            p.array(p.BIGINT),
            _series,
        ),
        overload(
            [
                param("start", p.BIGINT, "The beginning of the series"),
                param("end", p.BIGINT, "Marks the end of the series (inclusive)"),
                param("step", p.INT, "Difference between each value in the series"),
            ],
            p.array(p.BIGINT),
            _series,
        ),
    ),
    scalar(
        "slice",
        ARRAY,
        "slice of an ARRAY",
        overload(
            [
                param("in", _ARRAY_T, "the input array"),
                param("from", p.INT, "start index"),
                param("to", p.INT, "end index"),
            ],
            _ARRAY_T,
            _slice,
        ),
    ),
)
