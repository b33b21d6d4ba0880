"""Signatures: the overloads a function name offers, with their parameters and return types.

A `Variant` is one overload of a scalar or table function; an `AggregateVariant` one overload of
an aggregate, whose trailing parameters are literals fixed when the query starts (`TOPK(x, 3)`).
A `FunctionEntry` groups the overloads of one name with what DESCRIBE FUNCTION shows.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.sql.types import SqlType

if TYPE_CHECKING:
    from ksqlmv.engine.functions.aggregate.base import Aggregate

__all__ = [
    "CONFLUENT",
    "AggregateFactory",
    "AggregateVariant",
    "FunctionEntry",
    "FunctionKind",
    "ImplFactory",
    "Param",
    "ReturnProvider",
    "Variant",
    "param",
    "varargs",
]

CONFLUENT = "Confluent"

ReturnProvider: TypeAlias = Callable[[Sequence[ArgType]], SqlType]
"""Computes a return type from the argument types (DECIMAL precision rules, struct shapes)."""

ImplFactory: TypeAlias = Callable[[tuple[ArgType, ...], SqlType], Callable[..., Any]]
"""Builds the per-record callable once the argument and return types of a call are known."""

AggregateFactory: TypeAlias = Callable[
    [tuple[ArgType, ...], tuple[Any, ...], Mapping[str, Any]], "Aggregate"
]
"""Builds an aggregate from the column argument types, the literal arguments and the config."""


class FunctionKind(enum.Enum):
    """What a function does with rows: one value per row, many rows per row, or one per group."""

    SCALAR = "SCALAR"
    TABLE = "TABLE"
    AGGREGATE = "AGGREGATE"


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter. A variadic parameter's `type` is `ARRAY<element>`, as in ksqlDB."""

    name: str
    type: p.ParamType
    description: str = ""
    variadic: bool = False

    @property
    def element(self) -> p.ParamType:
        """The type of each argument this parameter takes (the element type when variadic)."""
        if self.variadic:
            assert isinstance(self.type, p.ArrayParam)
            return self.type.element
        return self.type


def param(name: str, kind: p.ParamType, description: str = "") -> Param:
    """A parameter called `name` of type `kind`."""
    return Param(name, kind, description)


def varargs(name: str, element: p.ParamType, description: str = "") -> Param:
    """A variadic parameter taking any number of `element` arguments."""
    return Param(name, p.ArrayParam(element), description, variadic=True)


class _Overload:
    """What resolution needs of any overload: its parameters and how it ranks against others."""

    __slots__ = ()

    params: tuple[Param, ...]
    description: str

    @property
    def param_types(self) -> tuple[p.ParamType, ...]:
        """The parameter types, variadic ones as ARRAY<element>."""
        return tuple(item.type for item in self.params)

    @property
    def variadic_index(self) -> int:
        """The position of the variadic parameter, or -1."""
        for index, item in enumerate(self.params):
            if item.variadic:
                return index
        return -1

    @property
    def is_variadic(self) -> bool:
        """True when one parameter takes any number of arguments."""
        return self.variadic_index >= 0

    def rank(self) -> tuple[int, int, int, int, int]:
        """ksqlDB's preference between overloads that both fit a call; higher wins.

        Fixed arity beats varargs, then more parameters, fewer generic parameters (`Object...`
        counts as generic), no `Object...`, and a variadic parameter further right.
        """
        any_varargs = p.ArrayParam(p.ANY)
        generics = sum(
            1 for kind in self.param_types if p.has_generics(kind) or kind == any_varargs
        )
        has_any = any(kind == any_varargs for kind in self.param_types)
        return (
            0 if self.is_variadic else 1,
            len(self.params),
            -generics,
            0 if has_any else 1,
            self.variadic_index,
        )


@dataclass(frozen=True, slots=True)
class Variant(_Overload):
    """One overload of a scalar or table function.

    `impl` is the per-record callable, taking one positional argument per SQL argument (varargs
    as `*args`, lambdas as Python callables). With `specialize`, `impl` is instead an
    `ImplFactory` called once per call site with the argument and return types. `returns` is
    the declared return type; `provider`, when set, computes the actual one from the arguments.
    For a table function `returns` is the type of each row it emits and `impl` returns a list.
    """

    params: tuple[Param, ...]
    returns: p.ParamType
    impl: Callable[..., Any]
    description: str = ""
    provider: ReturnProvider | None = None
    specialize: bool = False


@dataclass(frozen=True, slots=True)
class AggregateVariant(_Overload):
    """One overload of an aggregate function.

    `params` lists the column parameters, then `literals` more parameters that take literal
    values fixed when the query starts. `create` builds the `Aggregate` for one call site.
    `returns` is the declared return type DESCRIBE FUNCTION shows.
    """

    params: tuple[Param, ...]
    returns: p.ParamType
    create: AggregateFactory
    literals: int = 0
    description: str = ""
    table: bool = False

    @property
    def columns(self) -> int:
        """How many column parameters come before the literal ones (a variadic one counts one)."""
        return len(self.params) - self.literals


@dataclass(frozen=True, slots=True)
class FunctionEntry:
    """Every overload of one function name, with what DESCRIBE FUNCTION shows about it.

    `name` keeps ksqlDB's own spelling (`LPad`, `explode`): resolution errors quote it as is.
    """

    name: str
    kind: FunctionKind
    category: str
    description: str
    variants: tuple[Variant, ...] | tuple[AggregateVariant, ...]
    author: str = CONFLUENT
    version: str = ""
    path: str = "internal"
