"""Common types of user-written lists: IN lists, ARRAY[...] and MAP(...) constructors.

ksqlDB's `CoercionUtil.coerceUserList`: the first non-NULL item sets the type, later items must
widen into it or it into them; string literals may stand for numbers or booleans; items that do
not have the common type get a CAST (literals are converted up front).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from ksqlmv.engine.analysis import bound as b
from ksqlmv.engine.analysis.typerules import (
    NUMBER_RANK,
    decimal_type_of_value,
    is_number,
    wider_number,
)
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.types import (
    BIGINT,
    DOUBLE,
    INTEGER,
    STRING,
    ArrayType,
    BaseType,
    MapType,
    SqlType,
    StructField,
    StructType,
)

__all__ = ["coerce_list", "common_type", "string_number_type"]

_TO_STRING = frozenset(
    {
        BaseType.BOOLEAN,
        BaseType.INTEGER,
        BaseType.BIGINT,
        BaseType.DECIMAL,
        BaseType.DOUBLE,
        BaseType.TIMESTAMP,
        BaseType.TIME,
        BaseType.DATE,
    }
)
_INT_RANGE = (-(2**31), 2**31 - 1)
_BIGINT_RANGE = (-(2**63), 2**63 - 1)


def _boolean_text(text: str) -> bool:
    """ksqlDB's exact boolean parse: a prefix of true, yes, false or no."""
    lower = text.lower()
    return bool(lower) and any(word.startswith(lower) for word in ("true", "yes", "false", "no"))


def string_number_type(text: str) -> SqlType:
    """The numeric type a string literal spells, as ksqlDB reads it; ValueError if none."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    if not any(c in text for c in ".eE") and value == value.to_integral_value():
        number = int(value)
        if _INT_RANGE[0] < number < _INT_RANGE[1]:
            return INTEGER
        if _BIGINT_RANGE[0] < number < _BIGINT_RANGE[1]:
            return BIGINT
    return decimal_type_of_value(value)


def _can_coerce(source: SqlType, target: SqlType, lax: bool) -> SqlType | None:
    """A type holding both, when `source` values may become `target` values (None if not)."""
    if source == target:
        return target
    sb, tb = source.base, target.base
    if is_number(source) and is_number(target):
        if NUMBER_RANK[sb] > NUMBER_RANK[tb]:
            return None
        if tb is BaseType.DOUBLE:
            return target
        if tb is BaseType.DECIMAL or sb is BaseType.DECIMAL:
            return wider_number(source, target)
        return target
    if lax and sb is BaseType.STRING and (is_number(target) or tb is BaseType.BOOLEAN):
        return target
    if lax and tb is BaseType.STRING and sb in _TO_STRING:
        return target  # a literal of any scalar type can be written as a string
    if sb is BaseType.STRING and tb in (BaseType.DATE, BaseType.TIME, BaseType.TIMESTAMP):
        return target
    if isinstance(source, ArrayType) and isinstance(target, ArrayType):
        element = _can_coerce(source.element, target.element, lax)
        return None if element is None else ArrayType(element)
    if isinstance(source, MapType) and isinstance(target, MapType):
        key = _can_coerce(source.key, target.key, lax)
        value = _can_coerce(source.value, target.value, lax)
        return None if key is None or value is None else MapType(key, value)
    if isinstance(source, StructType) and isinstance(target, StructType):
        names = list(
            dict.fromkeys([f.name for f in source.fields] + [f.name for f in target.fields])
        )
        fields = []
        for name in names:
            s, t = source.field(name), target.field(name)
            if s is None or t is None:
                fields.append(StructField(name, (t or s).type))  # type: ignore[union-attr]
                continue
            common = _can_coerce(s.type, t.type, lax)
            if common is None:
                return None
            fields.append(StructField(name, common))
        return StructType(tuple(fields))
    return None


class _Mismatch(AnalysisError):
    """Types that have no common type (ksqlDB's InvalidCoercionException)."""


def _mismatch(target: SqlType, source: SqlType, text: str) -> AnalysisError:
    return _Mismatch(
        f"operator does not exist: {target} = {source} ({text})\n"
        "Hint: You might need to add explicit type casts."
    )


def common_type(items: list[b.Bound]) -> SqlType | None:
    """The common type of `items` (None when all are untyped NULLs), or AnalysisError."""
    result: SqlType | None = None
    for item in items:
        if item.type is None:
            continue
        result = item.type if result is None else _resolve(item, result)
    return result


def _resolve(item: b.Bound, result: SqlType) -> SqlType:
    """The common type of `result` and one more (typed) item."""
    assert item.type is not None
    try:
        if isinstance(item, b.CreateArray):
            if not isinstance(result, ArrayType):
                raise _mismatch(result, item.type, item.text)
            return ArrayType(_resolve_all(result.element, item.items))
        if isinstance(item, b.CreateMap):
            if not isinstance(result, MapType):
                raise _mismatch(result, item.type, item.text)
            key = _resolve_all(result.key, [k for k, _ in item.entries])
            value = _resolve_all(result.value, [v for _, v in item.entries])
            return MapType(key, value)
        if isinstance(item, b.CreateStruct):
            if not isinstance(result, StructType):
                raise _mismatch(result, item.type, item.text)
            return _resolve_struct(item, result)
    except _Mismatch as error:
        # A constructor's element that does not fit is reported as the whole constructor.
        raise _mismatch(result, item.type, item.text) from error
    text = item.value if isinstance(item, b.Constant) else None
    if isinstance(text, str) and item.type.base is BaseType.STRING:
        if is_number(result):
            try:
                source = string_number_type(text)
            except ValueError:
                raise AnalysisError(
                    f'invalid input syntax for type {result.base.value}: "{text}".'
                ) from None
            return DOUBLE if DOUBLE in (source, result) else wider_number(source, result)
        if result.base is BaseType.BOOLEAN:
            if not _boolean_text(text):
                raise AnalysisError(f'invalid input syntax for type BOOLEAN: "{text}".')
            return result
    is_literal = isinstance(item, b.Constant)
    common = _can_coerce(item.type, result, is_literal) or _can_coerce(
        result, item.type, is_literal
    )
    if common is None:
        raise _mismatch(result, item.type, item.text)
    return common


def _resolve_all(target: SqlType, items: Iterable[b.Bound]) -> SqlType:
    result = target
    for item in items:
        if item.type is not None:
            result = _resolve(item, result)
    return result


def _resolve_struct(item: b.CreateStruct, target: StructType) -> StructType:
    values = dict(item.fields)
    names = list(dict.fromkeys([*values, *(f.name for f in target.fields)]))
    fields = []
    for name in names:
        value, wanted = values.get(name), target.field(name)
        if wanted is None:
            assert value is not None
            fields.append(StructField(name, value.type or STRING))
        elif value is None or value.type is None:
            fields.append(StructField(name, wanted.type))
        else:
            fields.append(StructField(name, _resolve(value, wanted.type)))
    return StructType(tuple(fields))


def coerce_list(items: list[b.Bound], target: SqlType) -> list[b.Bound]:
    """`items` converted to `target`: literals in place, other expressions through a CAST."""
    from ksqlmv.engine.codegen.casts import cast_value

    out: list[b.Bound] = []
    for item in items:
        if item.type is None or item.type == target:
            out.append(item if item.type is not None else b.Constant(target, item.text, None))
            continue
        if isinstance(item, b.Constant):
            try:
                value = cast_value(item.value, item.type, target)
            except Exception as error:
                raise AnalysisError(
                    f'invalid input syntax for type {target.base.value}: "{item.value}".'
                ) from error
            out.append(b.Constant(target, item.text, value))
        else:
            out.append(b.Cast(target, f"CAST({item.text} AS {target})", item))
    return out
