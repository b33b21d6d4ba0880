"""ksqlDB's typing rules: implicit casts, arithmetic result types, valid comparisons, DECIMAL sizes.

Numbers widen INT → BIGINT → DECIMAL → DOUBLE (ksqlDB's `SqlBaseType.canImplicitlyCast`); a STRING
may stand for a DATE, TIME, TIMESTAMP or BYTES. DECIMAL arithmetic follows ksqlDB's `SqlDecimal`
precision and scale rules.
"""

from __future__ import annotations

from decimal import Decimal

from ksqlmv.errors import AnalysisError
from ksqlmv.sql.types import (
    STRING,
    ArrayType,
    BaseType,
    DecimalType,
    MapType,
    SqlType,
    StructType,
)

__all__ = [
    "BIGINT_DECIMAL",
    "INT_DECIMAL",
    "NUMBER_RANK",
    "arithmetic_type",
    "can_implicitly_cast",
    "decimal_type_of",
    "decimal_type_of_value",
    "is_number",
    "is_time",
    "valid_comparison",
    "widen_decimal",
    "wider_number",
]

NUMBER_RANK = {BaseType.INTEGER: 0, BaseType.BIGINT: 1, BaseType.DECIMAL: 2, BaseType.DOUBLE: 3}
_TIMES = frozenset({BaseType.DATE, BaseType.TIME, BaseType.TIMESTAMP})
INT_DECIMAL = DecimalType(10, 0)
BIGINT_DECIMAL = DecimalType(19, 0)
_EQUALITY = frozenset({"=", "<>", "IS_DISTINCT", "IS_NOT_DISTINCT"})


def is_number(t: SqlType | None) -> bool:
    """True for INT, BIGINT, DECIMAL and DOUBLE."""
    return t is not None and t.base in NUMBER_RANK


def is_time(t: SqlType | None) -> bool:
    """True for DATE, TIME and TIMESTAMP."""
    return t is not None and t.base in _TIMES


def can_implicitly_cast(source: SqlType, target: SqlType) -> bool:
    """ksqlDB's implicit casts: equal types, numeric widening, STRING to times and BYTES.

    Containers cast element by element; a DECIMAL casts to a DECIMAL that holds all its digits.
    """
    if source == target:
        return True
    sb, tb = source.base, target.base
    if sb in NUMBER_RANK and tb in NUMBER_RANK:
        if sb is BaseType.DECIMAL and tb is BaseType.DECIMAL:
            assert isinstance(source, DecimalType) and isinstance(target, DecimalType)
            return source.scale <= target.scale and (
                source.precision - source.scale <= target.precision - target.scale
            )
        return NUMBER_RANK[sb] <= NUMBER_RANK[tb]
    if sb is BaseType.STRING and (tb in _TIMES or tb is BaseType.BYTES):
        return True
    if isinstance(source, ArrayType) and isinstance(target, ArrayType):
        return can_implicitly_cast(source.element, target.element)
    if isinstance(source, MapType) and isinstance(target, MapType):
        return can_implicitly_cast(source.key, target.key) and can_implicitly_cast(
            source.value, target.value
        )
    if isinstance(source, StructType) and isinstance(target, StructType):
        if len(source.fields) != len(target.fields):
            return False
        return all(
            a.name == b.name and can_implicitly_cast(a.type, b.type)
            for a, b in zip(source.fields, target.fields, strict=True)
        )
    return False


def decimal_type_of(t: SqlType) -> DecimalType:
    """The DECIMAL that holds every value of the INT, BIGINT or DECIMAL type `t`."""
    if isinstance(t, DecimalType):
        return t
    if t.base is BaseType.INTEGER:
        return INT_DECIMAL
    if t.base is BaseType.BIGINT:
        return BIGINT_DECIMAL
    raise AnalysisError(f"Cannot convert {t.base.value} to DECIMAL.")


def decimal_type_of_value(value: Decimal) -> DecimalType:
    """The DECIMAL type of a literal, as ksqlDB's `DecimalUtil.fromValue` sizes it."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent > 0:
        value = value.quantize(Decimal(1))
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
    scale = max(-exponent, 0)
    if -1 < value < 1:
        return DecimalType(scale + 1, scale)
    precision = len(digits)
    return DecimalType(max(precision, scale), scale)


def widen_decimal(a: SqlType, b: SqlType) -> DecimalType:
    """A DECIMAL wide enough for either type (ksqlDB's `DecimalUtil.widen`)."""
    left, right = decimal_type_of(a), decimal_type_of(b)
    whole = max(left.precision - left.scale, right.precision - right.scale)
    scale = max(left.scale, right.scale)
    return DecimalType(whole + scale, scale)


def wider_number(a: SqlType, b: SqlType) -> SqlType:
    """The common numeric type of two numeric types."""
    if a.base is BaseType.DECIMAL and b.base is BaseType.DECIMAL:
        return widen_decimal(a, b)
    if NUMBER_RANK[a.base] >= NUMBER_RANK[b.base]:
        if a.base is BaseType.DECIMAL:
            return widen_decimal(a, b)
        return a
    if b.base is BaseType.DECIMAL:
        return widen_decimal(a, b)
    return b


def _decimal_result(op: str, left: DecimalType, right: DecimalType) -> DecimalType:
    p1, s1, p2, s2 = left.precision, left.scale, right.precision, right.scale
    if op in "+-":
        scale = max(s1, s2)
        return DecimalType(scale + max(p1 - s1, p2 - s2) + 1, scale)
    if op == "*":
        return DecimalType(p1 + p2 + 1, s1 + s2)
    if op == "/":
        scale = max(6, s1 + p2 + 1)
        return DecimalType(p1 - s1 + s2 + scale, scale)
    scale = max(s1, s2)
    return DecimalType(min(p1 - s1, p2 - s2) + scale, scale)


def arithmetic_type(op: str, left: SqlType | None, right: SqlType | None) -> SqlType:
    """The result type of `left op right`, or AnalysisError with ksqlDB's wording."""
    if left is None or right is None:
        raise AnalysisError(
            f"Arithmetic on types {_null_name(left)} and {_null_name(right)} are not supported."
        )
    if op == "+" and left.base is BaseType.STRING and right.base is BaseType.STRING:
        return STRING
    lb, rb = left.base, right.base
    if lb in NUMBER_RANK and rb in NUMBER_RANK:
        if NUMBER_RANK[lb] <= NUMBER_RANK[rb]:
            if rb is not BaseType.DECIMAL:
                return right
            assert isinstance(right, DecimalType)
            return _decimal_result(op, decimal_type_of(left), right)
        if lb is not BaseType.DECIMAL:
            return left
        assert isinstance(left, DecimalType)
        return _decimal_result(op, left, decimal_type_of(right))
    raise AnalysisError(f"Unsupported arithmetic types. {lb.value} {rb.value}")


def _null_name(t: SqlType | None) -> str:
    return "null" if t is None else str(t)


def valid_comparison(left: SqlType, op: str, right: SqlType) -> bool:
    """Whether ksqlDB lets `left op right` compile (its `ComparisonUtil`)."""
    lb, rb = left.base, right.base
    if lb in NUMBER_RANK:
        return rb in NUMBER_RANK
    if lb is BaseType.STRING:
        return rb is BaseType.STRING or rb in _TIMES
    if lb in (BaseType.BOOLEAN, BaseType.ARRAY, BaseType.MAP, BaseType.STRUCT):
        return rb is lb and op in _EQUALITY
    if lb is BaseType.TIME:
        return rb in (BaseType.TIME, BaseType.STRING)
    if lb in (BaseType.DATE, BaseType.TIMESTAMP):
        return rb in (BaseType.DATE, BaseType.TIMESTAMP, BaseType.STRING)
    if lb is BaseType.BYTES:
        return rb is BaseType.BYTES
    return False
