"""Does an argument fit a parameter? Binding type variables, and ksqlDB's implicit casts.

These are ksqlDB's rules (`ParamTypes.areCompatible`, `GenericsUtil`, `SqlBaseType`):

- A parameter without type variables accepts an argument of exactly its type; with casts allowed
  (the second resolution pass) numbers also widen INT → BIGINT → DECIMAL → DOUBLE, and a STRING
  may stand for a DATE, TIME, TIMESTAMP or BYTES. Casts apply inside ARRAY and MAP, never inside
  STRUCT. `ANY` accepts everything; a struct parameter without fields accepts every struct.
- A parameter with type variables binds them from the argument (`ARRAY<T>` given `ARRAY<INT>`
  binds `T = INT`). The same variable must bind to the same type across a call; binding never
  casts. A lambda binds its variables from its parameter and body types once they are known.
- The NULL literal fits every parameter and binds nothing.
"""

from __future__ import annotations

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.arguments import ArgType, IntervalUnitArg, LambdaArg, type_text
from ksqlmv.errors import AnalysisError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BaseType, SqlType

__all__ = [
    "Bindings",
    "accepts",
    "apply_bindings",
    "bind",
    "can_implicitly_cast",
    "compatible",
    "describe_binding_failure",
]

Bindings = dict[p.GenericParam, SqlType | None]

# SqlBaseType's declaration order among numbers: a number casts implicitly to any later one.
_NUMBER_ORDER = {BaseType.INTEGER: 0, BaseType.BIGINT: 1, BaseType.DECIMAL: 2, BaseType.DOUBLE: 3}
_TIMES = frozenset({BaseType.DATE, BaseType.TIME, BaseType.TIMESTAMP})


def can_implicitly_cast(source: BaseType, target: BaseType) -> bool:
    """ksqlDB's `SqlBaseType.canImplicitlyCast`."""
    if source is target:
        return True
    if source in _NUMBER_ORDER and target in _NUMBER_ORDER:
        return _NUMBER_ORDER[source] <= _NUMBER_ORDER[target]
    return source is BaseType.STRING and (target in _TIMES or target is BaseType.BYTES)


def _param_base(param: p.ParamType) -> BaseType | None:
    if isinstance(param, p.PrimitiveParam):
        return param.kind
    if isinstance(param, p.DecimalParam):
        return BaseType.DECIMAL
    if isinstance(param, p.ArrayParam):
        return BaseType.ARRAY
    if isinstance(param, p.MapParam):
        return BaseType.MAP
    if isinstance(param, p.StructParam):
        return BaseType.STRUCT
    return None


def compatible(arg: ArgType, declared: p.ParamType, allow_casts: bool) -> bool:
    """True when `arg` fits `declared`, a parameter type without type variables."""
    if isinstance(declared, p.AnyParam) or arg is None:
        return True
    if isinstance(arg, LambdaArg):
        if not isinstance(declared, p.LambdaParam) or len(declared.inputs) != arg.arity:
            return False
        if arg.inputs is None or arg.returns is None:
            return True
        return all(
            compatible(given, wanted, allow_casts)
            for given, wanted in zip(arg.inputs, declared.inputs, strict=True)
        ) and compatible(arg.returns, declared.returns, allow_casts)
    if isinstance(arg, IntervalUnitArg) or isinstance(declared, p.IntervalUnitParam):
        return isinstance(arg, IntervalUnitArg) and isinstance(declared, p.IntervalUnitParam)
    if isinstance(arg, t.ArrayType) and isinstance(declared, p.ArrayParam):
        return compatible(arg.element, declared.element, allow_casts)
    if isinstance(arg, t.MapType) and isinstance(declared, p.MapParam):
        return compatible(arg.key, declared.key, allow_casts) and compatible(
            arg.value, declared.value, allow_casts
        )
    if isinstance(arg, t.StructType) and isinstance(declared, p.StructParam):
        return _struct_compatible(arg, declared)
    target = _param_base(declared)
    if target is None:
        return False
    if arg.base is target and target not in (BaseType.ARRAY, BaseType.MAP, BaseType.STRUCT):
        return True
    return allow_casts and can_implicitly_cast(arg.base, target)


def _struct_compatible(arg: t.StructType, declared: p.StructParam) -> bool:
    # an empty struct on either side matches any struct; fields never cast implicitly
    if not arg.fields or not declared.fields:
        return True
    for name, kind in declared.fields:
        field = arg.field(name)
        if field is None or not compatible(field.type, kind, False):
            return False
    return len(arg.fields) == len(declared.fields)


def _same_shape(param: p.ParamType, arg: ArgType) -> bool:
    """True when `arg` is the same kind of type as `param` (ksqlDB compares type classes)."""
    if isinstance(arg, LambdaArg):
        return isinstance(param, p.LambdaParam)
    if isinstance(arg, IntervalUnitArg):
        return isinstance(param, p.IntervalUnitParam)
    if arg is None:
        return True
    if isinstance(param, p.PrimitiveParam):
        return isinstance(arg, t.PrimitiveType) and arg.kind is param.kind
    expected = {
        p.DecimalParam: t.DecimalType,
        p.ArrayParam: t.ArrayType,
        p.MapParam: t.MapType,
        p.StructParam: t.StructType,
    }.get(type(param))
    return expected is not None and isinstance(arg, expected)


def _collect(
    found: list[tuple[p.GenericParam, SqlType | None]], param: p.ParamType, arg: ArgType
) -> bool:
    if not isinstance(param, p.GenericParam) and not _same_shape(param, arg):
        return False
    if not p.has_generics(param):
        return True
    if isinstance(param, p.LambdaParam):
        assert isinstance(arg, LambdaArg)
        if arg.arity != len(param.inputs):
            return False
        if arg.inputs is None or arg.returns is None:
            return True
        for wanted, given in zip(param.inputs, arg.inputs, strict=True):
            if not _collect(found, wanted, given):
                return False
        return _collect(found, param.returns, arg.returns)
    if isinstance(param, p.GenericParam):
        if isinstance(arg, LambdaArg | IntervalUnitArg):
            return False
        found.append((param, arg))
        return True
    if arg is None:
        return True
    if isinstance(param, p.ArrayParam) and isinstance(arg, t.ArrayType):
        return _collect(found, param.element, arg.element)
    if isinstance(param, p.MapParam) and isinstance(arg, t.MapType):
        return _collect(found, param.key, arg.key) and _collect(found, param.value, arg.value)
    raise AnalysisError("Generic STRUCT is not yet supported")


def bind(param: p.ParamType, arg: ArgType, bindings: Bindings) -> bool:
    """Bind the type variables of `param` from `arg` into `bindings`; False on a mismatch.

    A variable already bound to another type is a mismatch; one bound to NULL takes the new type.
    """
    found: list[tuple[p.GenericParam, SqlType | None]] = []
    if not _collect(found, param, arg):
        return False
    for variable, sql_type in found:
        old = bindings.get(variable)
        if old is None:
            bindings[variable] = sql_type
        elif sql_type is not None and old != sql_type:
            return False
    return True


def accepts(param: p.ParamType, arg: ArgType, bindings: Bindings, allow_casts: bool) -> bool:
    """True when `arg` may be passed for `param`, binding type variables on the way."""
    if arg is None:
        return True
    if p.has_generics(param):
        return bind(param, arg, bindings)
    return compatible(arg, param, allow_casts)


def apply_bindings(param: p.ParamType, bindings: Bindings) -> SqlType:
    """The SQL type `param` stands for once its type variables are bound."""
    if isinstance(param, p.GenericParam):
        bound = bindings.get(param)
        if bound is None:
            raise AnalysisError(f"Could not find mapping for generic type: {param}")
        return bound
    if isinstance(param, p.ArrayParam):
        return t.ArrayType(apply_bindings(param.element, bindings))
    if isinstance(param, p.MapParam):
        return t.MapType(apply_bindings(param.key, bindings), apply_bindings(param.value, bindings))
    if isinstance(param, p.StructParam):
        return t.StructType(
            tuple(
                t.StructField(name, apply_bindings(kind, bindings)) for name, kind in param.fields
            )
        )
    if isinstance(param, p.PrimitiveParam):
        return t.PrimitiveType(param.kind)
    raise AnalysisError(f"{param} return type is not supported without a schema provider")


def describe_binding_failure(param: p.ParamType, arg: ArgType) -> str:
    """ksqlDB's message when a call's types cannot fill a signature's type variables."""
    shown = type_text(arg) if isinstance(arg, SqlType) else str(arg)
    return (
        f"Cannot infer generics for {param} from {shown} because they do not have the same "
        "schema structure."
    )
