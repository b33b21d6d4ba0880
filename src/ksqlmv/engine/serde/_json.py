"""The JSON format: ksqlDB's JSON keys and values, read and written by generated functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from ksqlmv.engine.serde._json_parse import parser
from ksqlmv.engine.serde._json_read import (
    Coercion,
    coercer,
    connect_type_text,
    invalid,
    locate,
    needs_exact_numbers,
    row_reader,
)
from ksqlmv.engine.serde._json_write import encoder, row_writer
from ksqlmv.engine.serde._types import connect_write_error
from ksqlmv.engine.serde.base import (
    NULL_STRUCT_MESSAGE,
    ColumnLike,
    Row,
    Serde,
    SerdeFeature,
    count_mismatch,
    has_non_string_map_key,
    record_error,
    row_struct,
)
from ksqlmv.errors import DeserializationError, FormatError, SerializationError

__all__ = ["json_serde"]


def json_serde(
    columns: Sequence[ColumnLike],
    features: frozenset[SerdeFeature],
    *,
    is_key: bool,
    topic: str,
) -> Serde:
    """The JSON serde for `columns`: one anonymous value when UNWRAP_SINGLES, else an object."""
    if any(has_non_string_map_key(c.type) for c in columns):
        raise FormatError("JSON only supports MAP types with STRING keys")
    target = "key" if is_key else "value"
    count = len(columns)
    unwrapped = SerdeFeature.UNWRAP_SINGLES in features
    exact = any(needs_exact_numbers(c.type) for c in columns)
    parse = parser(exact)

    def fail_read(error: BaseException) -> DeserializationError:
        if isinstance(error, Coercion):
            message = f"{error.raw}, path: ${error.path}"
            causes = (message, *(() if error.__cause__ is None else (str(error.__cause__),)))
            return DeserializationError(
                f"Failed to deserialize {target} from topic: {topic}. {message}",
                causes,
                topic=topic,
                is_key=is_key,
            )
        return record_error(
            DeserializationError,
            f"Failed to deserialize {target} from topic: {topic}. {error}",
            error,
            topic=topic,
            is_key=is_key,
        )

    def fail_write(error: BaseException, row: Row) -> SerializationError:
        return connect_write_error(
            error, columns, row, unwrapped=unwrapped, topic=topic, is_key=is_key
        )

    if unwrapped:
        read_one = coercer(columns[0].type)
        write_one = encoder(columns[0].type)

        def deserialize(data: bytes | None) -> Row | None:
            if data is None:
                return None
            try:
                value = parse(data)
            except Exception as error:
                raise fail_read(error) from None
            if value is None:
                return (None,)
            try:
                return (read_one(value),)
            except Coercion as error:
                raise fail_read(error) from None
            except Exception as error:
                located = Coercion(str(error))
                located.__cause__ = error
                raise fail_read(located) from None

        def serialize(row: Row | None) -> bytes | None:
            if row is None:
                return None
            if len(row) != 1:
                raise count_mismatch(1, len(row), topic=topic, is_key=is_key)
            if row[0] is None:
                return None  # the value of an unwrapped single column is the record's value
            try:
                return write_one(row[0]).encode()
            except Exception as error:
                raise fail_write(error, row) from None

    else:
        read_row = row_reader(columns)
        write_row = row_writer(columns)
        row_text = connect_type_text(row_struct(columns))

        def deserialize(data: bytes | None) -> Row | None:
            if data is None:
                return None
            try:
                value = parse(data)
            except Exception as error:
                raise fail_read(error) from None
            if type(value) is not dict:
                if value is None:
                    raise DeserializationError(NULL_STRUCT_MESSAGE, topic=topic, is_key=is_key)
                raise fail_read(invalid(value, row_text)) from None
            try:
                return cast(Row, read_row(value))
            except Exception:
                raise fail_read(locate(columns, value)) from None

        def serialize(row: Row | None) -> bytes | None:
            if row is None:
                return None
            if len(row) != count:
                raise count_mismatch(count, len(row), topic=topic, is_key=is_key)
            try:
                return write_row(row).encode()
            except Exception as error:
                raise fail_write(error, row) from None

    return Serde("JSON", tuple(columns), is_key, features, serialize, deserialize)
