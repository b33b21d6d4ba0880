"""The function registry: every function by name, resolution of calls, and their descriptions.

```python
registry = builtin_registry()
call = registry.resolve("SUBSTRING", [STRING, INTEGER])
call.return_type                    # STRING
call.function("ksqlDB", 3)          # 'qlDB'

registry.lambda_types("TRANSFORM", [ArrayType(INTEGER), LambdaArg(1)])
# (None, (INTEGER,)): the lambda's parameter is an INTEGER
call = registry.resolve("TRANSFORM", [ArrayType(INTEGER), LambdaArg(1, (INTEGER,), STRING)])
call.return_type                    # ARRAY<STRING>
call.function([1, 2], str)          # ['1', '2']
```

Scalar functions resolve with ksqlDB's implicit casts; aggregates match exactly, as in ksqlDB.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import hashmap_order, string_hash
from ksqlmv.engine.functions.arguments import ArgType, IntervalUnitArg, LambdaArg
from ksqlmv.engine.functions.calls import AggregateCall, Converter, ScalarCall, TableCall
from ksqlmv.engine.functions.conversions import converter
from ksqlmv.engine.functions.generics import (
    Bindings,
    apply_bindings,
    bind,
    compatible,
    describe_binding_failure,
)
from ksqlmv.engine.functions.index import OverloadIndex
from ksqlmv.engine.functions.signature import (
    AggregateVariant,
    FunctionEntry,
    FunctionKind,
    Variant,
    _Overload,
)
from ksqlmv.errors import AnalysisError, FunctionError, UnknownFunctionError
from ksqlmv.sql.types import SqlType

__all__ = [
    "ArgumentInfo",
    "FunctionDescription",
    "FunctionRegistry",
    "FunctionSummary",
    "VariantInfo",
]


@dataclass(frozen=True, slots=True)
class ArgumentInfo:
    """One parameter as DESCRIBE FUNCTION lists it."""

    name: str
    type: str
    description: str
    is_variadic: bool


@dataclass(frozen=True, slots=True)
class VariantInfo:
    """One overload as DESCRIBE FUNCTION lists it."""

    arguments: tuple[ArgumentInfo, ...]
    return_type: str
    description: str


@dataclass(frozen=True, slots=True)
class FunctionDescription:
    """What DESCRIBE FUNCTION shows (ksqlDB's FunctionDescriptionList)."""

    name: str
    type: FunctionKind
    category: str
    description: str
    author: str
    version: str
    path: str
    variants: tuple[VariantInfo, ...]


@dataclass(frozen=True, slots=True)
class FunctionSummary:
    """One line of SHOW FUNCTIONS."""

    name: str
    type: FunctionKind
    category: str


class FunctionRegistry:
    """Every function ksqlDB knows, by name (case-insensitive), ready to resolve calls."""

    def __init__(self, entries: Iterable[FunctionEntry] = ()) -> None:
        self._entries: dict[str, FunctionEntry] = {}
        self._indexes: dict[str, OverloadIndex[Any]] = {}
        for entry in entries:
            self.register(entry)

    def register(self, entry: FunctionEntry) -> None:
        """Add a function; a name can be registered once."""
        key = entry.name.upper()
        if key in self._entries:
            raise ValueError(f"function {key} is already registered")
        self._entries[key] = entry

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.upper() in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def kind(self, name: str) -> FunctionKind | None:
        """SCALAR, TABLE or AGGREGATE; None for an unknown name."""
        entry = self._entries.get(name.upper())
        return None if entry is None else entry.kind

    def is_aggregate(self, name: str) -> bool:
        """True for an aggregate function."""
        return self.kind(name) is FunctionKind.AGGREGATE

    def is_table_function(self, name: str) -> bool:
        """True for a table function."""
        return self.kind(name) is FunctionKind.TABLE

    def entry(self, name: str) -> FunctionEntry:
        """The entry for `name`; AnalysisError with ksqlDB's wording when there is none."""
        entry = self._entries.get(name.upper())
        if entry is None:
            raise UnknownFunctionError(f"Can't find any functions with the name '{name}'", name)
        return entry

    def _entry_of(self, name: str, kind: FunctionKind) -> FunctionEntry:
        entry = self._entries.get(name.upper())
        if entry is None or entry.kind is not kind:
            messages = {
                FunctionKind.SCALAR: f"Can't find any functions with the name '{name}'",
                FunctionKind.TABLE: f"Can not find any table functions with the name '{name}'",
                FunctionKind.AGGREGATE: (
                    f"Can not find any aggregate functions with the name '{name}'"
                ),
            }
            if entry is None:
                raise UnknownFunctionError(messages[kind], name)
            raise AnalysisError(messages[kind])
        return entry

    def _index(self, entry: FunctionEntry) -> OverloadIndex[Any]:
        key = entry.name.upper()
        index = self._indexes.get(key)
        if index is None:
            display = key if entry.kind is FunctionKind.SCALAR else entry.name
            casts = entry.kind is not FunctionKind.AGGREGATE
            index = OverloadIndex(entry.name, display, entry.variants, casts)
            self._indexes[key] = index
        return index

    # ------------------------------------------------------------------------------ scalar

    def resolve(self, name: str, args: Sequence[ArgType]) -> ScalarCall:
        """Resolve a scalar function call; AnalysisError with ksqlDB's wording when it fails.

        Lambda arguments must be resolved (`LambdaArg` with parameter and body types); use
        `lambda_types` first to learn the types of each lambda's parameters.
        """
        entry = self._entry_of(name, FunctionKind.SCALAR)
        variant, return_type, conversions = self._resolve_variant(entry, args)
        return ScalarCall(
            entry.name,
            return_type,
            self._callable(variant, args, return_type),
            conversions,
            tuple(args),
            variant,
        )

    def lambda_types(
        self, name: str, args: Sequence[ArgType]
    ) -> tuple[tuple[SqlType, ...] | None, ...]:
        """For each argument, the parameter types of the lambda there (None for non-lambdas).

        Lambdas may be unresolved (`LambdaArg(arity)`): their parameter types come from the
        arguments before them, as `TRANSFORM(ARRAY<T>, T => R)` gives its lambda a `T`.
        """
        entry = self._entry_of(name, FunctionKind.SCALAR)
        variant = self._index(entry).resolve(_first_pass(args))
        bindings: Bindings = {}
        found: list[tuple[SqlType, ...] | None] = []
        for position, arg in enumerate(args):
            declared = variant.params[min(position, len(variant.params) - 1)]
            if isinstance(arg, LambdaArg):
                if not isinstance(declared.type, p.LambdaParam):
                    raise AnalysisError(
                        "Error while processing lambda function. Expected lambda parameter but "
                        f"was {declared.type}"
                    )
                found.append(tuple(_lambda_input(kind, bindings) for kind in declared.type.inputs))
                if arg.resolved:
                    bind(declared.type, arg, bindings)
            else:
                found.append(None)
                if arg is not None and not declared.variadic and p.has_generics(declared.type):
                    bind(declared.type, arg, bindings)
        return tuple(found)

    def _resolve_variant(
        self, entry: FunctionEntry, args: Sequence[ArgType]
    ) -> tuple[Variant, SqlType, tuple[Converter | None, ...]]:
        variant = self._index(entry).resolve(_first_pass(args))
        assert isinstance(variant, Variant)
        return_type = _return_type(variant, args)
        return variant, return_type, _conversions(variant, args)

    @staticmethod
    def _callable(variant: Variant, args: Sequence[ArgType], return_type: SqlType) -> Any:
        if _array_for_varargs(variant, args):
            message = f"Failed to invoke function {variant.impl!r}: argument type mismatch"

            def mismatch(*_: Any) -> Any:
                raise FunctionError(message)

            return mismatch
        if variant.specialize:
            return variant.impl(tuple(args), return_type)
        return variant.impl

    # ------------------------------------------------------------------------------ table

    def resolve_table(self, name: str, args: Sequence[ArgType]) -> TableCall:
        """Resolve a table function call (EXPLODE, CUBE_EXPLODE)."""
        entry = self._entry_of(name, FunctionKind.TABLE)
        variant, return_type, conversions = self._resolve_variant(entry, args)
        return TableCall(
            entry.name,
            return_type,
            self._callable(variant, args, return_type),
            conversions,
            tuple(args),
            variant,
        )

    # ------------------------------------------------------------------------------ aggregate

    def resolve_aggregate(self, name: str, args: Sequence[SqlType | None]) -> AggregateCall:
        """Resolve an aggregate call: exact types only, literals included (`TOPK(x, 3)`).

        COUNT(*) and the like arrive with the analyzer's default argument (ROWTIME).
        """
        entry = self._entry_of(name, FunctionKind.AGGREGATE)
        variant = self._index(entry).resolve(list(args))
        assert isinstance(variant, AggregateVariant)
        literal_count = variant.literals
        if variant.is_variadic and variant.variadic_index >= variant.columns:
            literal_count = len(args) - variant.columns
        return AggregateCall(entry.name, tuple(args), literal_count, variant)

    # ------------------------------------------------------------------------------ metadata

    def describe(self, name: str) -> FunctionDescription:
        """DESCRIBE FUNCTION `name`."""
        entry = self.entry(name)
        variants = tuple(
            VariantInfo(
                tuple(
                    ArgumentInfo(item.name, str(item.element), item.description, item.variadic)
                    for item in overload.params
                ),
                str(overload.returns),
                overload.description,
            )
            for overload in self._index(entry).overloads
        )
        return FunctionDescription(
            entry.name.upper(),
            entry.kind,
            entry.category,
            entry.description,
            entry.author,
            entry.version,
            entry.path,
            variants,
        )

    def list_functions(self) -> tuple[FunctionSummary, ...]:
        """SHOW FUNCTIONS: scalar, then table, then aggregate functions, in ksqlDB's order."""
        found: list[FunctionSummary] = []
        for kind in (FunctionKind.SCALAR, FunctionKind.TABLE, FunctionKind.AGGREGATE):
            names = [(string_hash(key), e) for key, e in self._entries.items() if e.kind is kind]
            found.extend(
                FunctionSummary(e.name.upper(), e.kind, e.category) for e in hashmap_order(names)
            )
        return tuple(found)

    def entries(self) -> tuple[FunctionEntry, ...]:
        """Every registered entry."""
        return tuple(self._entries.values())


def _first_pass(args: Sequence[ArgType]) -> list[ArgType]:
    """Arguments as overload choice sees them: lambdas by their number of parameters only."""
    return [LambdaArg(arg.arity) if isinstance(arg, LambdaArg) else arg for arg in args]


def _lambda_input(kind: p.ParamType, bindings: Bindings) -> SqlType:
    if isinstance(kind, p.GenericParam) and bindings.get(kind) is None:
        known = {str(k): str(v) for k, v in bindings.items()}
        raise AnalysisError(
            f"Could not resolve type for generic {kind}. The generic mapping so far: {known}"
        )
    return apply_bindings(kind, bindings)


def _param_for(overload: _Overload, position: int, count: int) -> p.ParamType:
    """The type one argument is checked against, a variadic parameter standing for many."""
    params = overload.params
    index = overload.variadic_index
    if index < 0:
        return params[position].type
    extra = count - len(params)
    if position < index:
        return params[position].type
    if position <= index + extra:
        return params[index].element
    return params[position - extra].type


def _return_type(variant: Variant, args: Sequence[ArgType]) -> SqlType:
    if variant.provider is not None:
        return variant.provider(args)
    if not p.has_generics(variant.returns):
        return apply_bindings(variant.returns, {})
    bindings: Bindings = {}
    last = len(variant.params) - 1
    for position in range(min(len(variant.params), len(args))):
        declared = variant.params[position]
        arg = args[position]
        if arg is None or isinstance(arg, IntervalUnitArg):
            continue
        instance: ArgType = arg
        if declared.variadic and position == last and not isinstance(arg, LambdaArg):
            from ksqlmv.sql.types import ArrayType

            instance = ArrayType(arg)
        if p.has_generics(declared.type) and not bind(declared.type, instance, bindings):
            raise AnalysisError(describe_binding_failure(declared.type, instance))
    return apply_bindings(variant.returns, bindings)


def _conversions(variant: Variant, args: Sequence[ArgType]) -> tuple[Converter | None, ...]:
    found: list[Converter | None] = []
    for position, arg in enumerate(args):
        target = _param_for(variant, position, len(args))
        if isinstance(arg, SqlType) and not p.has_generics(target):
            found.append(converter(arg, target))
        else:
            found.append(None)
    return tuple(found)


def _array_for_varargs(variant: Variant, args: Sequence[ArgType]) -> bool:
    """True when an ARRAY argument fills a typed variadic parameter as a whole.

    Resolution allows it, but ksqlDB's invoker then fails on every record, as here.
    """
    index = variant.variadic_index
    if index < 0 or len(args) != len(variant.params):
        return False
    arg = args[index]
    element = variant.params[index].element
    return (
        isinstance(arg, SqlType)
        and not isinstance(element, p.AnyParam)
        and not p.has_generics(element)
        and not compatible(arg, element, True)
    )
