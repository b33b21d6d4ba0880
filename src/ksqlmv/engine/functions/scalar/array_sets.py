"""Array set functions: ARRAY_DISTINCT, ARRAY_EXCEPT, ARRAY_INTERSECT, ARRAY_UNION,
ARRAY_REMOVE, ARRAY_CONCAT and ARRAY_CONTAINS.

Elements compare with Java's `equals`: lists, maps and structs by content, `NaN` equal to itself,
and results keep first-occurrence order as ksqlDB's LinkedHashSet-based implementations do.
Each call site builds its callable for its element type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._values import (
    element_type,
    equality_key,
)
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.categories import ARRAY
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.sql.types import SqlType

__all__ = ["FUNCTIONS"]


_T = p.generic("T")
_ARRAY_T = p.array(_T)


def _keyed(args: tuple[ArgType, ...]) -> Callable[[Any], Any]:
    key = equality_key(element_type(args[0]))
    return key if key is not None else (lambda value: value)


def _distinct_values(values: list[Any], key: Callable[[Any], Any]) -> list[Any]:
    seen: dict[Any, Any] = {}
    for value in values:
        seen.setdefault(key(value), value)
    return list(seen.values())


def _distinct(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any], Any]:
    key = _keyed(args)
    return lambda values: None if values is None else _distinct_values(values, key)


def _except(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any, Any], Any]:
    key = _keyed(args)

    def call(left: list[Any] | None, right: list[Any] | None) -> list[Any] | None:
        if left is None or right is None:
            return None
        excluded = {key(v) for v in right}
        return [v for v in _distinct_values(left, key) if key(v) not in excluded]

    return call


def _intersect(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any, Any], Any]:
    key = _keyed(args)

    def call(left: list[Any] | None, right: list[Any] | None) -> list[Any] | None:
        if left is None or right is None:
            return None
        kept = {key(v) for v in right}
        return [v for v in _distinct_values(left, key) if key(v) in kept]

    return call


def _union(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any, Any], Any]:
    key = _keyed(args)

    def call(left: list[Any] | None, right: list[Any] | None) -> list[Any] | None:
        if left is None or right is None:
            return None
        return _distinct_values(left + right, key)

    return call


def _concat(left: list[Any] | None, right: list[Any] | None) -> list[Any] | None:
    if left is None and right is None:
        return None
    return (left or []) + (right or [])


def _remove(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any, Any], Any]:
    key = _keyed(args)

    def call(values: list[Any] | None, victim: Any) -> list[Any] | None:
        if values is None:
            return None
        target = key(victim)
        return [v for v in values if key(v) != target]

    return call


def _contains(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any, Any], bool]:
    key = _keyed(args)

    def call(values: list[Any] | None, value: Any) -> bool:
        if values is None:
            return False
        target = key(value)
        return any(key(v) == target for v in values)

    return call


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "array_concat",
        ARRAY,
        "Concatenates two arrays, creating an array that contains all the elements in the first "
        "array followed by all the elements in the second array. Returns NULL if both input "
        "arrays are NULL. If only one argument is NULL, the result is the other argument. The two "
        "arrays must be of the same type.",
        overload(
            [
                param("left", _ARRAY_T, "First array of values"),
                param("right", _ARRAY_T, "Second array of values"),
            ],
            _ARRAY_T,
            _concat,
        ),
        author="",
    ),
    scalar(
        "array_distinct",
        ARRAY,
        "Returns an array of all the distinct values, including NULL if present, from the input "
        "array. The output array elements will be in order of their first occurrence in the "
        "input. Returns NULL if the input array is NULL.",
        overload(
            [param("input", _ARRAY_T, "Array of values to distinct")],
            _ARRAY_T,
            _distinct,
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "array_except",
        ARRAY,
        "Returns an array of all the elements in an array except for those also present in a "
        "second array. The order of entries in the first array is preserved although any "
        "duplicates are removed. Returns NULL if either input is NULL.",
        overload(
            [
                param("left", _ARRAY_T, "Array of values"),
                param("right", _ARRAY_T, "Array of exceptions"),
            ],
            _ARRAY_T,
            _except,
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "array_intersect",
        ARRAY,
        "Returns an array of all the distinct elements from the intersection of both input "
        "arrays, or NULL if either input array is NULL. The order of entries in the output is "
        "the same as in the first input array.",
        overload(
            [
                param("left", _ARRAY_T, "First array of values"),
                param("right", _ARRAY_T, "Second array of values"),
            ],
            _ARRAY_T,
            _intersect,
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "array_remove",
        ARRAY,
        "Removes all the elements equal to a specific value from an array. Returns NULL if the "
        "input array is NULL.",
        overload(
            [param("array", _ARRAY_T, "Array of values"), param("victim", _T, "Value to remove")],
            _ARRAY_T,
            _remove,
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "array_union",
        ARRAY,
        "Returns an array of all the distinct elements from both input arrays, or NULL if either "
        "array is NULL.",
        overload(
            [
                param("left", _ARRAY_T, "First array of values"),
                param("right", _ARRAY_T, "Second array of values"),
            ],
            _ARRAY_T,
            _union,
            specialize=True,
        ),
        author="",
    ),
    scalar(
        "ARRAY_CONTAINS",
        ARRAY,
        "Returns true if the array is non-null and contains the supplied value.",
        overload(
            [param("array", _ARRAY_T), param("val", _T)], p.BOOLEAN, _contains, specialize=True
        ),
    ),
)
