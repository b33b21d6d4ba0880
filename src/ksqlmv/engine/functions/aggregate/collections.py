"""Aggregates that collect values: COLLECT_LIST, COLLECT_SET, HISTOGRAM, TOPK, TOPKDISTINCT and
ATTR.

COLLECT_LIST keeps NULLs and can undo (it removes the last equal value); COLLECT_SET keeps
distinct values. Both stop growing at `ksql.functions.collect_list.limit` (or
`collect_set.limit`). HISTOGRAM counts at most 1000 distinct strings. TOPK sorts on its first
column and, given more columns, returns structs `{sort_col, col0, col1, ...}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._values import equality_key, java_order_key
from ksqlmv.engine.functions.aggregate.base import Aggregate
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.define import aggregate, aggregate_overload
from ksqlmv.engine.functions.signature import FunctionEntry, param, varargs
from ksqlmv.errors import AnalysisError, FunctionError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BIGINT, INTEGER, STRING, SqlType

__all__ = ["FUNCTIONS"]

_T = p.generic("T")
_HISTOGRAM_LIMIT = 1000
_UNLIMITED = 2**31 - 1


def _type_of(args: tuple[ArgType, ...], index: int = 0) -> SqlType:
    arg = args[index]
    if not isinstance(arg, SqlType):
        raise AnalysisError("aggregate arguments must have a type")
    return arg


def _limit(config: Mapping[str, Any], key: str) -> int:
    value = config.get(key)
    if value is None:
        return _UNLIMITED
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise AnalysisError(f"Invalid value for {key}: {value}") from None
    return _UNLIMITED if limit < 0 else limit


def _same(acc: Any) -> Any:
    return acc


def _key_of(kind: SqlType) -> Callable[[Any], Any]:
    key = equality_key(kind)
    return key if key is not None else _same


# ------------------------------------------------------------------------------ COLLECT_*


def _collect_list(
    args: tuple[ArgType, ...], _: tuple[Any, ...], config: Mapping[str, Any]
) -> Aggregate:
    kind = _type_of(args)
    limit = _limit(config, "ksql.functions.collect_list.limit")
    key = _key_of(kind)

    def add(acc: list[Any], value: Any) -> list[Any]:
        return [*acc, value] if len(acc) < limit else acc

    def merge(a: list[Any], b: list[Any]) -> list[Any]:
        return a + b[: max(limit - len(a), 0)]

    def undo(acc: list[Any], value: Any) -> list[Any]:
        target = key(value)
        for index in range(len(acc) - 1, -1, -1):
            if key(acc[index]) == target:
                return acc[:index] + acc[index + 1 :]
        return acc

    array = t.ArrayType(kind)
    return Aggregate("collect_list", array, array, list, add, merge, _same, undo)


def _collect_set(
    args: tuple[ArgType, ...], _: tuple[Any, ...], config: Mapping[str, Any]
) -> Aggregate:
    kind = _type_of(args)
    limit = _limit(config, "ksql.functions.collect_set.limit")
    key = _key_of(kind)

    def add(acc: list[Any], value: Any) -> list[Any]:
        if len(acc) >= limit:
            return acc
        target = key(value)
        if any(key(item) == target for item in acc):
            return acc
        return [*acc, value]

    def merge(a: list[Any], b: list[Any]) -> list[Any]:
        result = a
        for value in b:
            if len(result) == limit:
                break
            result = add(result, value)
        return result

    array = t.ArrayType(kind)
    return Aggregate("collect_set", array, array, list, add, merge, _same)


# ------------------------------------------------------------------------------ HISTOGRAM


def _histogram(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    def add(acc: dict[Any, int], value: Any) -> dict[Any, int]:
        if len(acc) < _HISTOGRAM_LIMIT or value in acc:
            return {**acc, value: acc.get(value, 0) + 1}
        return acc

    def merge(a: dict[Any, int], b: dict[Any, int]) -> dict[Any, int]:
        result = dict(a)
        for value, count in b.items():
            if len(result) < _HISTOGRAM_LIMIT or value in result:
                result[value] = result.get(value, 0) + count
        return result

    def undo(acc: dict[Any, int], value: Any) -> dict[Any, int]:
        if value not in acc:
            raise FunctionError("Cannot undo a value the histogram has not counted")
        result = dict(acc)
        if result[value] - 1 < 1:
            del result[value]
        else:
            result[value] -= 1
        return result

    counts = t.MapType(STRING, BIGINT)
    return Aggregate("histogram", counts, counts, dict, add, merge, _same, undo)


# ------------------------------------------------------------------------------ TOPK


def _topk(args: tuple[ArgType, ...], literals: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    size = literals[0]
    if not isinstance(size, int) or isinstance(size, bool):
        raise AnalysisError("TOPK's k must be an INT literal")
    sort_type = _type_of(args)
    order = java_order_key(sort_type)
    order_of: Callable[[Any], Any] = order if order is not None else _same
    if len(args) > 1:
        fields = [t.StructField("sort_col", sort_type)] + [
            t.StructField(f"col{i}", _type_of(args, i + 1)) for i in range(len(args) - 1)
        ]
        element: SqlType = t.StructType(tuple(fields))
        names = [f.name for f in fields]

        def wrap(value: Any) -> Any:
            return dict(zip(names, value, strict=True))

        def sort_value(item: Any) -> Any:
            return order_of(item["sort_col"])

        def first(value: Any) -> Any:
            return value[0]
    else:
        element = sort_type

        def wrap(value: Any) -> Any:
            return value

        def sort_value(item: Any) -> Any:
            return order_of(item)

        def first(value: Any) -> Any:
            return value

    def add(acc: list[Any], value: Any) -> list[Any]:
        head = first(value)
        if head is None:
            return acc
        current = len(acc)
        if acc and order_of(head) <= sort_value(acc[-1]) and current == size:
            return acc
        if current == size:
            if size == 0:
                raise FunctionError("Index -1 out of bounds for length 0")
            result = [*acc[:-1], wrap(value)]
        else:
            result = [*acc, wrap(value)]
        result.sort(key=sort_value, reverse=True)
        return result

    def merge(a: list[Any], b: list[Any]) -> list[Any]:
        merged: list[Any] = []
        i = j = 0
        for _ in range(size):
            left = a[i] if i < len(a) else None
            right = b[j] if j < len(b) else None
            if left is not None and (right is None or sort_value(left) >= sort_value(right)):
                merged.append(left)
                i += 1
            elif right is not None:
                merged.append(right)
                j += 1
            else:
                break
        return merged

    array = t.ArrayType(element)
    return Aggregate("TOPK", array, array, list, add, merge, _same)


def _topk_distinct(
    args: tuple[ArgType, ...], literals: tuple[Any, ...], __: Mapping[str, Any]
) -> Aggregate:
    size = literals[0]
    if not isinstance(size, int) or isinstance(size, bool):
        raise AnalysisError("TOPKDISTINCT's k must be an INT literal")
    kind = _type_of(args)
    order = java_order_key(kind)
    order_of: Callable[[Any], Any] = order if order is not None else _same

    def add(acc: list[Any], value: Any) -> list[Any]:
        if value is None:
            return acc
        current = len(acc)
        if current == size and order_of(value) <= order_of(acc[-1]):
            return acc
        if value in acc:
            return acc
        result = [*acc[:-1], value] if current == size else [*acc, value]
        result.sort(key=order_of, reverse=True)
        return result

    def merge(a: list[Any], b: list[Any]) -> list[Any]:
        merged: list[Any] = []
        i = j = 0
        for _ in range(size):
            left = a[i] if i < len(a) else None
            right = b[j] if j < len(b) else None
            if left is None and right is None:
                break
            if left is not None and (right is None or order_of(left) > order_of(right)):
                merged.append(left)
                i += 1
            elif left is None or (right is not None and order_of(right) > order_of(left)):
                merged.append(right)
                j += 1
            else:
                merged.append(left)
                i += 1
                j += 1
        return merged

    array = t.ArrayType(kind)
    return Aggregate("TOPKDISTINCT", array, array, list, add, merge, _same)


# ------------------------------------------------------------------------------ ATTR


def _attr(args: tuple[ArgType, ...], _: tuple[Any, ...], __: Mapping[str, Any]) -> Aggregate:
    kind = _type_of(args)
    key = _key_of(kind)
    entry = t.StructType((t.StructField("VALUE", kind), t.StructField("COUNT", INTEGER)))

    def update(acc: list[dict[str, Any]], value: Any, count: int) -> list[dict[str, Any]]:
        target = key(value)
        result = list(acc)
        for index, item in enumerate(result):
            if key(item["VALUE"]) == target:
                result[index] = {"VALUE": item["VALUE"], "COUNT": max(0, item["COUNT"] + count)}
                return result
        if count > 0:
            result.append({"VALUE": value, "COUNT": count})
        return result

    def add(acc: list[dict[str, Any]], value: Any) -> list[dict[str, Any]]:
        return update(acc, value, 1)

    def undo(acc: list[dict[str, Any]], value: Any) -> list[dict[str, Any]]:
        return update(acc, value, -1)

    def merge(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result = a
        for item in b:
            result = update(result, item["VALUE"], item["COUNT"])
        return result

    def result(acc: list[dict[str, Any]]) -> Any:
        present = [item for item in acc if item["COUNT"] > 0]
        return present[0]["VALUE"] if len(present) == 1 else None

    return Aggregate("ATTR", t.ArrayType(entry), kind, list, add, merge, result, undo)


_TOPK_TYPES = (
    (p.INT, "an integer"),
    (p.BIGINT, "a bigint"),
    (p.DOUBLE, "a double"),
    (p.STRING, "a string"),
)
_DISTINCT_TYPES = (
    (p.INT, "an integer"),
    (p.BIGINT, "a long"),
    (p.DOUBLE, "a double"),
    (p.STRING, "a string"),
    (p.DECIMAL, "a decimal"),
    (p.DATE, "a date"),
    (p.TIME, "a time"),
    (p.TIMESTAMP, "a timestamp"),
    (p.BYTES, "a bytes"),
)

FUNCTIONS: tuple[FunctionEntry, ...] = (
    aggregate(
        "ATTR",
        "The ATTR() aggregation indicates there are multiple values, but only one was expected. "
        "For example, if aggregating against a table that semantically should have only one "
        "value for a column given a key, this aggregation enables users to indicate that they "
        "expect only a single value.\n\nIf the aggregation encounters more than a single value "
        "for the expected singular column, the entire aggregation will return null.",
        aggregate_overload([param("val1", _T)], _T, _attr, "Collect as a singleton", table=True),
        author="",
    ),
    aggregate(
        "collect_list",
        "Gather all of the values from an input grouping into a single Array field.\nAlthough "
        "this aggregate works on both Stream and Table inputs, the order of entries in the result "
        "array is not guaranteed when working on Table input data.\nYou may limit the size of the "
        "resultant Array to N entries, beyond which any further values will be silently ignored, "
        "by setting the ksql.functions.collect_list.limit configuration to N.",
        aggregate_overload(
            [param("val1", _T)],
            p.array(_T),
            _collect_list,
            "collect values of a field into a single Array",
            table=True,
        ),
    ),
    aggregate(
        "collect_set",
        "Gather all of the distinct values from an input grouping into a single Array.\nNot "
        "available for aggregating values from an input Table.\nYou may limit the size of the "
        "resultant Array to N entries, beyond which any further values will be silently ignored, "
        "by setting the ksql.functions.collect_list.limit configuration to N.",
        aggregate_overload(
            [param("val1", _T)],
            p.array(_T),
            _collect_set,
            "collect distinct values of a Bigint field into a single Array",
        ),
    ),
    aggregate(
        "histogram",
        "Returns a map of each distinct String from the input Stream or Table and how many times "
        "each occurs. \nThis version limits the size of the resultant Map to 1000 entries. Any "
        "entries added beyond this limit will be ignored.",
        aggregate_overload(
            [param("val1", p.STRING)],
            p.map_of(p.STRING, p.BIGINT),
            _histogram,
            "Build a value-to-count histogram of input Strings",
            table=True,
        ),
    ),
    aggregate(
        "TOPK",
        "Returns the top k values for a column and other values in those records.",
        *(
            aggregate_overload(
                [param("val1", kind), varargs("val2", p.ANY), param("k", p.INT)],
                p.array(p.generic("S")),
                _topk,
                f"Returns the top k values for {label} column and other values in those records.",
                literals=1,
            )
            for kind, label in _TOPK_TYPES
        ),
    ),
    aggregate(
        "TOPKDISTINCT",
        "Computes the top k distinct values for a column, per key.",
        *(
            aggregate_overload(
                [param("val1", kind), param("k", p.INT)],
                p.array(kind),
                _topk_distinct,
                f"Calculates the top k distinct values for {label} column, per key.",
                literals=1,
            )
            for kind, label in _DISTINCT_TYPES
        ),
    ),
)
