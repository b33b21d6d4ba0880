"""LATEST_BY_OFFSET and EARLIEST_BY_OFFSET, with their N and ignoreNulls forms.

The accumulator is ksqlDB's: a struct `{SEQ, VAL}` (or a list of them for the N forms) where SEQ
orders values by arrival, from one sequence per function. NULLs are ignored unless
`ignoreNulls` is false. When session windows merge, the N forms keep the N values with the
lowest sequence numbers, for LATEST_BY_OFFSET too, as ksqlDB does.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.aggregate.base import Aggregate
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.define import aggregate, aggregate_overload
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import AnalysisError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BIGINT, SqlType

__all__ = ["FUNCTIONS"]

_T = p.generic("T")
_LATEST = itertools.count()
_EARLIEST = itertools.count()

Entry = dict[str, Any]


def _order(entry: Entry) -> tuple[int, int]:
    # a negative sequence means the counter overflowed: it sorts after every positive one
    sequence: int = entry["SEQ"]
    return (1 if sequence < 0 else 0, sequence)


def _compare(a: Entry, b: Entry, ignore_nulls: bool) -> int:
    if ignore_nulls:
        if a["VAL"] is None and b["VAL"] is None:
            return 0
        if a["VAL"] is None:
            return -1
        if b["VAL"] is None:
            return 1
    first, second = _order(a), _order(b)
    return (first > second) - (first < second)


def _types(args: tuple[ArgType, ...]) -> tuple[SqlType, t.StructType]:
    kind = args[0]
    if not isinstance(kind, SqlType):
        raise AnalysisError("the column of an offset aggregate must have a type")
    return kind, t.StructType((t.StructField("SEQ", BIGINT), t.StructField("VAL", kind)))


def _options(name: str, literals: tuple[Any, ...]) -> tuple[int | None, bool]:
    count: int | None = None
    ignore_nulls = True
    for literal in literals:
        if isinstance(literal, bool):
            ignore_nulls = literal
        else:
            count = literal
    if count is not None and count <= 0:
        raise AnalysisError(f"{name} must be 1 or greater")
    return count, ignore_nulls


def _values(acc: list[Entry]) -> list[Any]:
    return [entry["VAL"] for entry in acc]


def _merge_many(count: int) -> Callable[[list[Entry], list[Entry]], list[Entry]]:
    def merge(a: list[Entry], b: list[Entry]) -> list[Entry]:
        return sorted(a + b, key=_order)[:count]

    return merge


def _latest(
    args: tuple[ArgType, ...], literals: tuple[Any, ...], _: Mapping[str, Any]
) -> Aggregate:
    kind, entry = _types(args)
    count, ignore_nulls = _options("latestN", literals)
    if count is None:

        def add(acc: Entry, value: Any) -> Entry:
            if value is None and ignore_nulls:
                return acc
            return {"SEQ": next(_LATEST), "VAL": value}

        def merge(a: Entry, b: Entry) -> Entry:
            return a if _compare(a, b, ignore_nulls) >= 0 else b

        return Aggregate(
            "LATEST_BY_OFFSET",
            entry,
            kind,
            lambda: {"SEQ": next(_LATEST), "VAL": None},
            add,
            merge,
            lambda acc: acc["VAL"],
        )
    limit = count

    def add_many(acc: list[Entry], value: Any) -> list[Entry]:
        if value is None and ignore_nulls:
            return acc
        return [*acc, {"SEQ": next(_LATEST), "VAL": value}][-limit:]

    return Aggregate(
        "LATEST_BY_OFFSET",
        t.ArrayType(entry),
        t.ArrayType(kind),
        list,
        add_many,
        _merge_many(limit),
        _values,
    )


def _earliest(
    args: tuple[ArgType, ...], literals: tuple[Any, ...], _: Mapping[str, Any]
) -> Aggregate:
    kind, entry = _types(args)
    count, ignore_nulls = _options("earliestN", literals)
    if count is None:

        def add(acc: Entry | None, value: Any) -> Entry | None:
            if acc is not None:
                return acc
            if value is None and ignore_nulls:
                return None
            return {"SEQ": next(_EARLIEST), "VAL": value}

        def merge(a: Entry | None, b: Entry | None) -> Entry | None:
            if a is None:
                return b
            if b is None:
                return a
            return a if _compare(a, b, False) < 0 else b

        return Aggregate(
            "EARLIEST_BY_OFFSET",
            entry,
            kind,
            lambda: None,
            add,
            merge,
            lambda acc: None if acc is None else acc["VAL"],
        )
    limit = count

    def add_many(acc: list[Entry], value: Any) -> list[Entry]:
        if value is None and ignore_nulls:
            return acc
        if len(acc) < limit:
            return [*acc, {"SEQ": next(_EARLIEST), "VAL": value}]
        return acc

    return Aggregate(
        "EARLIEST_BY_OFFSET",
        t.ArrayType(entry),
        t.ArrayType(kind),
        list,
        add_many,
        _merge_many(limit),
        _values,
    )


def _entry(name: str, which: str, create: Callable[..., Aggregate], count: str) -> FunctionEntry:
    one = f"return the {which} value of a column"
    many = f"return the {which} N values of a column"
    return aggregate(
        name,
        "This function returns the oldest N values for the column, computed by offset.",
        aggregate_overload([param("val1", _T)], _T, create, one),
        aggregate_overload(
            [param("val1", _T), param("ignoreNulls", p.BOOLEAN)], _T, create, one, literals=1
        ),
        aggregate_overload(
            [param("val1", _T), param(count, p.INT)], p.array(_T), create, many, literals=1
        ),
        aggregate_overload(
            [param("val1", _T), param(count, p.INT), param("ignoreNulls", p.BOOLEAN)],
            p.array(_T),
            create,
            many,
            literals=2,
        ),
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    _entry("EARLIEST_BY_OFFSET", "earliest", _earliest, "earliestN"),
    _entry("LATEST_BY_OFFSET", "latest", _latest, "latestN"),
)
