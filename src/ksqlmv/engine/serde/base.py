"""What every format shares: rows, columns, serde features and the `Serde` object itself.

A row is a tuple of column values in column order, in the Python representation of
`ksqlmv.sql.types`. A `Serde` holds two functions compiled once for one list of columns:
`serialize(row) -> bytes | None` and `deserialize(bytes | None) -> row | None`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from ksqlmv.errors import FormatError, RecordSerdeError, SerializationError
from ksqlmv.sql.types import ArrayType, BaseType, MapType, SqlType, StructField, StructType

__all__ = [
    "NULL_STRUCT_MESSAGE",
    "ColumnLike",
    "Row",
    "Serde",
    "SerdeColumn",
    "SerdeFeature",
    "causes_of",
    "columns_text",
    "compile_function",
    "count_mismatch",
    "features_text",
    "has_non_string_map_key",
    "normalize_features",
    "persistence_text",
    "record_error",
    "row_struct",
    "void_serde",
]

Row = tuple[Any, ...]

NULL_STRUCT_MESSAGE = (
    'Cannot invoke "org.apache.kafka.connect.data.Struct.schema()" because "struct" is null'
)
"""What ksqlDB's JVM says when a wrapped row's value is a JSON or Avro null (not a tombstone)."""
_E = TypeVar("_E", bound=RecordSerdeError)


class ColumnLike(Protocol):
    """Anything with a column name and a SQL type (the catalog's `Column` is one)."""

    @property
    def name(self) -> str:
        """The column's name, as declared (case kept)."""
        ...

    @property
    def type(self) -> SqlType:
        """The column's SQL type."""
        ...


@dataclass(frozen=True, slots=True)
class SerdeColumn:
    """A name and a SQL type: the least a serde needs to know about a column."""

    name: str
    type: SqlType


class SerdeFeature(enum.Enum):
    """ksqlDB's serde features: how a single key or value column is laid out.

    WRAP_SINGLES puts a single column in a record/object named after it; UNWRAP_SINGLES writes
    the column's value alone (an anonymous value). Without either, a format uses its default.
    """

    WRAP_SINGLES = "WRAP_SINGLES"
    UNWRAP_SINGLES = "UNWRAP_SINGLES"


def normalize_features(features: Iterable[object] | None) -> frozenset[SerdeFeature]:
    """`features` as `SerdeFeature`s: accepts enum members of any class, or their names.

    Names with "UNWRAP" mean UNWRAP_SINGLES, other names with "WRAP" WRAP_SINGLES, so the
    catalog's own feature enum can be passed as it is.
    """
    result: set[SerdeFeature] = set()
    for feature in features or ():
        name = str(getattr(feature, "value", feature)).upper()
        if "UNWRAP" in name:
            result.add(SerdeFeature.UNWRAP_SINGLES)
        elif "WRAP" in name:
            result.add(SerdeFeature.WRAP_SINGLES)
        else:
            raise FormatError(f"Unknown serde feature: {name}")
    return frozenset(result)


@dataclass(frozen=True, slots=True)
class Serde:
    """A compiled serializer and deserializer for one key or value schema in one format.

    `serialize(None)` is None (a null key, or a tombstone value) and `deserialize(None)` is None.
    Both raise `SerializationError`/`DeserializationError` with ksqlDB's message when one record
    cannot be handled; the engine logs those to the processing log and skips the record.
    """

    format: str
    columns: tuple[ColumnLike, ...]
    is_key: bool
    features: frozenset[SerdeFeature]
    serialize: Callable[[Row | None], bytes | None]
    deserialize: Callable[[bytes | None], Row | None]
    writer_schema: Any = None
    """For AVRO: the Avro schema (JSON data) the serializer writes with."""
    topic: str = ""
    """The topic named in error messages."""


def void_serde(
    format_name: str,
    columns: Sequence[ColumnLike],
    *,
    is_key: bool,
    features: frozenset[SerdeFeature],
) -> Serde:
    """A serde that writes nothing and reads nothing: NONE, and any format with no columns."""

    def serialize(row: Row | None) -> bytes | None:
        return None

    def deserialize(data: bytes | None) -> Row | None:
        return None

    return Serde(format_name, tuple(columns), is_key, features, serialize, deserialize)


def compile_function(source: str, namespace: dict[str, Any], name: str) -> Callable[..., Any]:
    """Compile generated Python `source` and return its function `name`.

    Serdes generate their per-row functions once per schema; the source is built only from
    column indexes and literals quoted with `repr`, never from data.
    """
    code = compile(source, f"<ksqlmv.engine.serde {name}>", "exec")
    exec(code, namespace)  # noqa: S102 - see the docstring
    return cast(Callable[..., Any], namespace[name])


def row_struct(columns: Sequence[ColumnLike]) -> StructType:
    """The columns of a row as one STRUCT type, as ksqlDB's Connect schema of a row is."""
    return StructType(tuple(StructField(c.name, c.type) for c in columns))


def columns_text(columns: Sequence[ColumnLike], *, is_key: bool) -> str:
    """Columns as ksqlDB lists them in errors: ``[`K` STRING KEY, `V` INTEGER]``."""
    suffix = " KEY" if is_key else ""
    return "[" + ", ".join(f"{_quote(c.name)} {c.type}{suffix}" for c in columns) + "]"


def features_text(features: frozenset[SerdeFeature]) -> str:
    """Serde features as ksqlDB prints a set of them: `[]`, `[UNWRAP_SINGLES]`."""
    return "[" + ", ".join(sorted(f.value for f in features)) + "]"


def persistence_text(
    columns: Sequence[ColumnLike], features: frozenset[SerdeFeature], *, is_key: bool
) -> str:
    """ksqlDB's `PersistenceSchema` text: `Persistence{columns=[...], features=[...]}`."""
    return (
        f"Persistence{{columns={columns_text(columns, is_key=is_key)}, "
        f"features={features_text(features)}}}"
    )


def causes_of(error: BaseException) -> tuple[str, ...]:
    """The messages of the errors under `error` (its cause chain), nearest first."""
    causes: list[str] = []
    seen: set[int] = {id(error)}
    cause = _cause(error)
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        causes.append(str(cause) or type(cause).__name__)
        cause = _cause(cause)
    return tuple(causes)


def _cause(error: BaseException) -> BaseException | None:
    if error.__cause__ is not None:
        return error.__cause__
    return None if error.__suppress_context__ else error.__context__


def count_mismatch(expected: int, got: int, *, topic: str, is_key: bool) -> SerializationError:
    """ksqlDB's error for a row with the wrong number of columns for its serializer."""
    return SerializationError(
        f"Column count mismatch on serialization. topic: {topic}, expected: {expected}, got: {got}",
        topic=topic,
        is_key=is_key,
    )


def has_non_string_map_key(sql_type: SqlType) -> bool:
    """Whether `sql_type` is or holds a MAP whose keys are not STRING."""
    if isinstance(sql_type, MapType):
        return sql_type.key.base is not BaseType.STRING or has_non_string_map_key(sql_type.value)
    if isinstance(sql_type, ArrayType):
        return has_non_string_map_key(sql_type.element)
    if isinstance(sql_type, StructType):
        return any(has_non_string_map_key(f.type) for f in sql_type.fields)
    return False


def record_error(
    kind: type[_E], message: str, error: BaseException | None, *, topic: str, is_key: bool
) -> _E:
    """A `DeserializationError` or `SerializationError` whose causes are `error` and its causes."""
    causes: tuple[str, ...] = ()
    if error is not None:
        causes = (str(error) or type(error).__name__, *causes_of(error))
    return kind(message, causes, topic=topic, is_key=is_key)


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"
