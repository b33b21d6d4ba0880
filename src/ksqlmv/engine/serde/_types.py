"""Which value does not match its column's type, worded as Kafka Connect's `Struct.put` words it.

The per-record writers trust their rows; when one fails, this finds the value at fault so the
error reads as ksqlDB's would: `Invalid Java object for schema with type INT32: class
java.lang.String for field: "ID"`. It runs only after a failure, never on the fast path.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ksqlmv.engine.serde.base import ColumnLike, Row, record_error
from ksqlmv.errors import SerializationError
from ksqlmv.sql.types import ArrayType, BaseType, MapType, SqlType, StructType

__all__ = ["connect_write_error", "java_class", "type_problem"]

_INT_RANGE = range(-(2**31), 2**31)
_LONG_RANGE = range(-(2**63), 2**63)
_CONNECT: dict[BaseType, tuple[str, str | None]] = {
    BaseType.BOOLEAN: ("BOOLEAN", None),
    BaseType.INTEGER: ("INT32", None),
    BaseType.BIGINT: ("INT64", None),
    BaseType.DOUBLE: ("FLOAT64", None),
    BaseType.STRING: ("STRING", None),
    BaseType.BYTES: ("BYTES", None),
    BaseType.DECIMAL: ("BYTES", "org.apache.kafka.connect.data.Decimal"),
    BaseType.DATE: ("INT32", "org.apache.kafka.connect.data.Date"),
    BaseType.TIME: ("INT32", "org.apache.kafka.connect.data.Time"),
    BaseType.TIMESTAMP: ("INT64", "org.apache.kafka.connect.data.Timestamp"),
    BaseType.ARRAY: ("ARRAY", None),
    BaseType.MAP: ("MAP", None),
    BaseType.STRUCT: ("STRUCT", None),
}
_CLASSES: dict[type, str] = {
    str: "java.lang.String",
    bool: "java.lang.Boolean",
    float: "java.lang.Double",
    Decimal: "java.math.BigDecimal",
    bytes: "java.nio.HeapByteBuffer",
    bytearray: "java.nio.HeapByteBuffer",
    list: "java.util.ArrayList",
    tuple: "java.util.ArrayList",
    dict: "java.util.HashMap",
}


def java_class(value: Any) -> str:
    """The Java class ksqlDB would hold `value` as."""
    if type(value) is int:
        return "java.lang.Integer" if value in _INT_RANGE else "java.lang.Long"
    return _CLASSES.get(type(value), type(value).__name__)


def _fits(sql_type: SqlType, value: Any) -> bool:
    base = sql_type.base
    kind = type(value)
    if base is BaseType.BOOLEAN:
        return kind is bool
    if base in (BaseType.INTEGER, BaseType.DATE, BaseType.TIME):
        return kind is int and value in _INT_RANGE
    if base in (BaseType.BIGINT, BaseType.TIMESTAMP):
        return kind is int and value in _LONG_RANGE
    if base is BaseType.DOUBLE:
        return kind is float
    if base is BaseType.STRING:
        return kind is str
    if base is BaseType.BYTES:
        return kind in (bytes, bytearray)
    if base is BaseType.DECIMAL:
        return kind is Decimal
    if base is BaseType.ARRAY:
        return kind is list
    return kind is dict


def _problem(sql_type: SqlType, value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not _fits(sql_type, value):
        connect_type, name = _CONNECT[sql_type.base]
        named = f' "{name}"' if name else ""
        return (
            f"Invalid Java object for schema{named} with type {connect_type}: class "
            f'{java_class(value)} for field: "{field}"'
        )
    if isinstance(sql_type, ArrayType):
        return next((p for item in value if (p := _problem(sql_type.element, item, field))), None)
    if isinstance(sql_type, MapType):
        return next(
            (p for item in value.values() if (p := _problem(sql_type.value, item, field))), None
        )
    if isinstance(sql_type, StructType):
        return next(
            (p for f in sql_type.fields if (p := _problem(f.type, value.get(f.name), f.name))),
            None,
        )
    return None


def type_problem(columns: Sequence[ColumnLike], row: Row) -> str | None:
    """The first value of `row` its column cannot hold, as Connect reports it; None if none."""
    for column, value in zip(columns, row, strict=False):
        problem = _problem(column.type, value, column.name)
        if problem is not None:
            return problem
    return None


_HINT = "\nHint: You probably forgot to add VALUE_SCHEMA_ID when creating the source."


def connect_write_error(
    error: BaseException,
    columns: Sequence[ColumnLike],
    row: Row,
    *,
    unwrapped: bool,
    topic: str,
    is_key: bool,
) -> SerializationError:
    """A JSON or AVRO row that did not write, worded as ksqlDB's Connect serializer words it.

    A value of the wrong type fails when ksqlDB puts it in the Connect struct, before writing,
    with Connect's own message; anything else fails in `KsqlConnectSerializer`, whose message
    names the topic and ends with its hint about schema ids.
    """
    problem = type_problem(columns, row)
    if problem is not None and not unwrapped:
        return SerializationError(problem, topic=topic, is_key=is_key)
    return record_error(
        SerializationError,
        f"Error serializing message to topic: {topic}. {problem or error}{_HINT}",
        error,
        topic=topic,
        is_key=is_key,
    )
