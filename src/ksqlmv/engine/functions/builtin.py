"""The registry of every built-in function, assembled once from the function modules."""

from __future__ import annotations

import functools

from ksqlmv.engine.functions import table
from ksqlmv.engine.functions.aggregate import collections, distinct, numeric, offset, stats
from ksqlmv.engine.functions.registry import FunctionRegistry
from ksqlmv.engine.functions.scalar import (
    array_sets,
    arrays,
    codes,
    conditional,
    encoding,
    jsonfns,
    maps,
    masking,
    positions,
    regex,
    strings,
    timecalc,
    timeformat,
    trig,
    url,
)
from ksqlmv.engine.functions.scalar import numeric as scalar_numeric
from ksqlmv.engine.functions.signature import FunctionEntry

__all__ = ["BUILTIN_MODULES", "builtin_entries", "builtin_registry"]

BUILTIN_MODULES = (
    scalar_numeric,
    trig,
    strings,
    positions,
    codes,
    masking,
    encoding,
    regex,
    url,
    jsonfns,
    timecalc,
    timeformat,
    arrays,
    array_sets,
    maps,
    conditional,
    table,
    numeric,
    collections,
    offset,
    stats,
    distinct,
)


def builtin_entries() -> tuple[FunctionEntry, ...]:
    """Every built-in function entry."""
    return tuple(entry for module in BUILTIN_MODULES for entry in module.FUNCTIONS)


@functools.cache
def builtin_registry() -> FunctionRegistry:
    """The registry of ksqlDB's built-in functions (built once, then shared; read-only)."""
    return FunctionRegistry(builtin_entries())
