"""The aggregate protocol the aggregation operator runs, and helpers shared by the aggregates.

An `Aggregate` is built once per call site. Its accumulator is a plain value of
`intermediate_type` (so state stores serialize it like any column) and is treated as immutable:
`add`, `undo` and `merge` return a new accumulator and never change the one they are given.
Values are NULL-aware as in ksqlDB: most aggregates skip NULLs. With several column arguments
(CORRELATION, TOPK with extra columns) the value passed to `add`/`undo` is a tuple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ksqlmv.sql.types import SqlType

__all__ = ["Aggregate"]


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One aggregate function instance.

    - `initial()` -> a fresh accumulator;
    - `add(acc, value)` -> the accumulator with one more value;
    - `undo(acc, value)` -> the accumulator without a value added before (None when ksqlDB
      cannot apply this aggregate to a TABLE);
    - `merge(a, b)` -> one accumulator for two (session windows that merge);
    - `result(acc)` -> the value the query outputs, of `return_type`.
    """

    name: str
    intermediate_type: SqlType
    return_type: SqlType
    initial: Callable[[], Any]
    add: Callable[[Any, Any], Any]
    merge: Callable[[Any, Any], Any]
    result: Callable[[Any], Any]
    undo: Callable[[Any, Any], Any] | None = None

    @property
    def supports_undo(self) -> bool:
        """True when this aggregate can run over a TABLE (it can take a value back)."""
        return self.undo is not None
