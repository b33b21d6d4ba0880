"""The engine's function library: ksqlDB's scalar, table and aggregate functions.

Design
------
`builtin_registry()` returns a `FunctionRegistry` with one `FunctionEntry` per function name
(description, category, kind and overloads, as DESCRIBE FUNCTION shows them). The analyzer asks
it to resolve each call once, when a query starts:

- `resolve(name, argument_types)` picks the overload exactly as ksqlDB's `UdfIndex` does: exact
  matches first, then again with implicit casts (INT → BIGINT → DECIMAL → DOUBLE, STRING → DATE,
  TIME, TIMESTAMP or BYTES); type variables (`ARRAY<T>`) bind consistently; a NULL literal fits
  any parameter; ties are ambiguity errors. It returns a `ScalarCall`: the return type (computed
  from the arguments where ksqlDB computes it: DECIMAL precision and scale, struct shapes), the
  per-record Python callable, and one conversion per argument for the implicit casts.
  Failures raise `AnalysisError` with ksqlDB's wording ("Function 'X' does not accept
  parameters (STRING, INTEGER).").
- Lambdas: `lambda_types(name, argument_types)` tells the analyzer each lambda's parameter types
  from the other arguments (`TRANSFORM(ARRAY<T>, T => R)` gives the lambda a `T`); once the
  body's type is known, `resolve` takes a resolved `LambdaArg`. At run time a lambda is a Python
  callable.
- `resolve_table` returns a `TableCall` whose callable returns the list of output values;
  `resolve_aggregate` an `AggregateCall` that builds an `Aggregate` (intermediate type,
  `initial/add/undo/merge/result`) once the literal arguments are known.
- `describe(name)` and `list_functions()` feed DESCRIBE FUNCTION and SHOW FUNCTIONS.

Values follow `ksqlmv.sql.types` (TIMESTAMP, DATE, TIME are ints; DECIMAL is `Decimal`; STRUCT a
dict; NULL is None). The callables are plain functions: resolution already did every type
check. Most return NULL for a NULL argument. On bad values they raise (`FunctionError`, with
ksqlDB's message where it has one); the compiled expression turns any exception into NULL and a
processing-log entry, as ksqlDB does. Where ksqlDB's results come from Java (`Double.toString`,
`DateTimeFormatter` patterns and time zones, `BigDecimal` rounding, signed byte order), they are
reproduced, not approximated: see `javatime` and `_java`.
"""

from __future__ import annotations

from ksqlmv.engine.functions.aggregate.base import Aggregate as Aggregate
from ksqlmv.engine.functions.arguments import INTERVAL_UNIT_ARG as INTERVAL_UNIT_ARG
from ksqlmv.engine.functions.arguments import ArgType as ArgType
from ksqlmv.engine.functions.arguments import IntervalUnitArg as IntervalUnitArg
from ksqlmv.engine.functions.arguments import LambdaArg as LambdaArg
from ksqlmv.engine.functions.builtin import builtin_registry as builtin_registry
from ksqlmv.engine.functions.calls import AggregateCall as AggregateCall
from ksqlmv.engine.functions.calls import ScalarCall as ScalarCall
from ksqlmv.engine.functions.calls import TableCall as TableCall
from ksqlmv.engine.functions.registry import ArgumentInfo as ArgumentInfo
from ksqlmv.engine.functions.registry import FunctionDescription as FunctionDescription
from ksqlmv.engine.functions.registry import FunctionRegistry as FunctionRegistry
from ksqlmv.engine.functions.registry import FunctionSummary as FunctionSummary
from ksqlmv.engine.functions.registry import VariantInfo as VariantInfo
from ksqlmv.engine.functions.signature import FunctionEntry as FunctionEntry
from ksqlmv.engine.functions.signature import FunctionKind as FunctionKind

__all__ = [
    "INTERVAL_UNIT_ARG",
    "Aggregate",
    "AggregateCall",
    "ArgType",
    "ArgumentInfo",
    "FunctionDescription",
    "FunctionEntry",
    "FunctionKind",
    "FunctionRegistry",
    "FunctionSummary",
    "IntervalUnitArg",
    "LambdaArg",
    "ScalarCall",
    "TableCall",
    "VariantInfo",
    "builtin_registry",
]
