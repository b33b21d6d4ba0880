"""Value helpers several function families share: Java ordering, DECIMAL types and rounding."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.errors import AnalysisError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BaseType, SqlType

__all__ = [
    "DECIMAL_CONTEXT",
    "JAVA_CLASS_NAMES",
    "decimal_of",
    "element_type",
    "equality_key",
    "first_argument_type",
    "is_comparable",
    "java_order_key",
    "quantizer",
    "signed_bytes",
    "widen_decimals",
]

# wide enough for any DECIMAL ksqlDB allows, so quantize never fails for lack of digits
DECIMAL_CONTEXT = Context(prec=200, rounding=ROUND_HALF_UP)

_SIGNED = bytes((b ^ 0x80) for b in range(256))


def signed_bytes(value: bytes) -> bytes:
    """A sort key ordering BYTES as Java's ByteBuffer.compareTo does (bytes are signed)."""
    return value.translate(_SIGNED)


def _double_key(value: float) -> tuple[int, float, float]:
    # Double.compareTo: -0.0 < 0.0 and NaN above everything
    if value != value:
        return (1, 0.0, 0.0)
    return (0, value, math.copysign(1.0, value))


def java_order_key(sql_type: SqlType | None) -> Callable[[Any], Any] | None:
    """The key that sorts values of `sql_type` in Java's natural order (None: Python's order)."""
    if sql_type is None:
        return None
    if sql_type.base is BaseType.DOUBLE:
        return _double_key
    if sql_type.base is BaseType.BYTES:
        return signed_bytes
    return None


def decimal_of(sql_type: SqlType) -> t.DecimalType:
    """ksqlDB's DecimalUtil.toSqlDecimal: INT is DECIMAL(10, 0), BIGINT is DECIMAL(19, 0)."""
    if isinstance(sql_type, t.DecimalType):
        return sql_type
    if sql_type.base is BaseType.INTEGER:
        return t.DecimalType(10, 0)
    if sql_type.base is BaseType.BIGINT:
        return t.DecimalType(19, 0)
    raise AnalysisError(f"Cannot convert {sql_type.base.value} to DECIMAL.")


def widen_decimals(types: Sequence[SqlType]) -> t.DecimalType:
    """ksqlDB's DecimalUtil.widen over several types: room for the widest whole part and scale."""
    decimals = [decimal_of(item) for item in types]
    whole = max(d.precision - d.scale for d in decimals)
    scale = max(d.scale for d in decimals)
    return t.DecimalType(whole + scale, scale)


def first_argument_type(args: Sequence[ArgType]) -> SqlType:
    """A return-type provider: the type of the first argument."""
    first = args[0]
    if not isinstance(first, SqlType):
        raise AnalysisError("expected a typed first argument")
    return first


def element_type(arg: ArgType) -> SqlType | None:
    """The element type of an ARRAY argument (None when unknown, for a NULL literal)."""
    return arg.element if isinstance(arg, t.ArrayType) else None


def quantizer(sql_type: SqlType) -> Callable[[Decimal], Decimal]:
    """A function giving a Decimal exactly the scale of `sql_type` (a DECIMAL type)."""
    assert isinstance(sql_type, t.DecimalType)
    exponent = Decimal(1).scaleb(-sql_type.scale)

    def fit(value: Decimal) -> Decimal:
        return value.quantize(exponent, context=DECIMAL_CONTEXT)

    return fit


def _float_key(value: float) -> Any:
    # Double.equals: NaN equals NaN, 0.0 differs from -0.0
    if value != value:
        return ("nan",)
    return (value, math.copysign(1.0, value))


def equality_key(sql_type: SqlType | None) -> Callable[[Any], Any] | None:
    """A hashable key with Java's `equals` for values of `sql_type` (None: the value itself).

    Lists, maps and structs compare by content; doubles as `Double.equals` does.
    """
    if sql_type is None:
        return None
    if sql_type.base is BaseType.DOUBLE:
        return lambda v: None if v is None else _float_key(v)
    if isinstance(sql_type, t.ArrayType):
        inner = equality_key(sql_type.element)
        if inner is None:
            return lambda v: None if v is None else ("list", tuple(v))
        element = inner
        return lambda v: None if v is None else ("list", tuple(element(i) for i in v))
    if isinstance(sql_type, t.MapType):
        key = equality_key(sql_type.key) or _identity
        value = equality_key(sql_type.value) or _identity
        return lambda v: (
            None if v is None else ("map", frozenset((key(k), value(i)) for k, i in v.items()))
        )
    if isinstance(sql_type, t.StructType):
        fields = [(f.name, equality_key(f.type) or _identity) for f in sql_type.fields]
        return lambda v: (
            None
            if v is None
            else ("struct", tuple(convert(v.get(name)) for name, convert in fields))
        )
    return None


def _identity(value: Any) -> Any:
    return value


def is_comparable(sql_type: SqlType | None) -> bool:
    """True when Java values of `sql_type` are Comparable (not ARRAY, MAP or STRUCT)."""
    return sql_type is None or sql_type.base not in (BaseType.ARRAY, BaseType.MAP, BaseType.STRUCT)


JAVA_CLASS_NAMES = {
    BaseType.BOOLEAN: "java.lang.Boolean",
    BaseType.INTEGER: "java.lang.Integer",
    BaseType.BIGINT: "java.lang.Long",
    BaseType.DOUBLE: "java.lang.Double",
    BaseType.DECIMAL: "java.math.BigDecimal",
    BaseType.STRING: "java.lang.String",
    BaseType.BYTES: "java.nio.HeapByteBuffer",
    BaseType.TIMESTAMP: "java.sql.Timestamp",
    BaseType.DATE: "java.sql.Date",
    BaseType.TIME: "java.sql.Time",
    BaseType.ARRAY: "java.util.ArrayList",
    BaseType.MAP: "java.util.HashMap",
    BaseType.STRUCT: "org.apache.kafka.connect.data.Struct",
}
