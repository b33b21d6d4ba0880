"""The DELIMITED format: one CSV record of primitive columns, as ksqlDB reads and writes it.

ksqlDB uses Apache Commons CSV 1.4 with its DEFAULT format and a chosen delimiter, so this does
too: fields may be quoted with `"` (a doubled quote is a quote), an empty field is NULL, only the
first record of a value counts, and a record must have exactly one field per column. Writing
quotes a field as Commons CSV 1.4 does, including its rule that a record's first field is quoted
unless it starts with a letter or digit (so `-1,a` is written `"-1",a`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ksqlmv.engine.serde import _values as values
from ksqlmv.engine.serde.base import (
    ColumnLike,
    Row,
    Serde,
    SerdeFeature,
    count_mismatch,
    record_error,
)
from ksqlmv.engine.serde.formats import DELIMITER, parse_delimiter
from ksqlmv.errors import DeserializationError, FormatError, SerializationError
from ksqlmv.sql.types import BaseType, DecimalType, SqlType

__all__ = ["delimited_serde", "parse_record", "write_record"]

Parse = Callable[[str], Any]
Text = Callable[[Any], str]


def _decimal_parser(sql_type: SqlType) -> Parse:
    assert isinstance(sql_type, DecimalType)
    precision, scale = sql_type.precision, sql_type.scale
    return lambda text: values.ensure_fit(values.parse_decimal(text), precision, scale)


_PARSERS: dict[BaseType, Callable[[SqlType], Parse]] = {
    BaseType.BOOLEAN: lambda t: values.parse_boolean,
    BaseType.INTEGER: lambda t: values.parse_int,
    BaseType.BIGINT: lambda t: values.parse_long,
    BaseType.DOUBLE: lambda t: values.parse_double,
    BaseType.STRING: lambda t: str,
    BaseType.BYTES: lambda t: values.b64decode,
    BaseType.DECIMAL: _decimal_parser,
    BaseType.TIME: lambda t: lambda text: values.check_time(values.parse_long(text)),
    BaseType.DATE: lambda t: values.parse_int,
    BaseType.TIMESTAMP: lambda t: values.parse_long,
}

_TEXTS: dict[BaseType, Text] = {
    BaseType.BOOLEAN: lambda v: "true" if v else "false",
    BaseType.INTEGER: int.__repr__,
    BaseType.BIGINT: int.__repr__,
    BaseType.DOUBLE: lambda v: values.java_double(float.__float__(v)),
    BaseType.STRING: str.__str__,
    BaseType.BYTES: values.b64encode,
    BaseType.DECIMAL: lambda v: Decimal.__format__(v, "f"),  # BigDecimal.toPlainString
    BaseType.TIME: int.__repr__,
    BaseType.DATE: int.__repr__,
    BaseType.TIMESTAMP: int.__repr__,
}


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def parse_record(text: str, delimiter: str) -> list[str] | None:
    """The fields of the first CSV record in `text`, or None when there is no record.

    Follows Commons CSV 1.4's lexer: leading empty lines are skipped, a field that starts with
    `"` runs to the matching quote, whitespace may follow a closing quote, anything else there is
    an error.
    """
    if '"' not in text and "\n" not in text and "\r" not in text:
        return text.split(delimiter) if text else None
    n = len(text)
    i = 0
    while i < n and text[i] in "\r\n":
        i += 1
    if i >= n:
        return None
    fields: list[str] = []
    while True:
        if i >= n:
            fields.append("")
            return fields
        char = text[i]
        if char == delimiter:
            fields.append("")
            i += 1
        elif char in "\r\n":
            fields.append("")
            return fields
        elif char == '"':
            start = i
            i += 1
            buffer: list[str] = []
            while True:
                if i >= n:
                    raise ValueError(
                        f"(startline {_line(text, start)}) EOF reached before encapsulated "
                        "token finished"
                    )
                char = text[i]
                if char == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buffer.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buffer.append(char)
                i += 1
            fields.append("".join(buffer))
            while True:
                if i >= n or text[i] in "\r\n":
                    return fields
                char = text[i]
                if char == delimiter:
                    i += 1
                    break
                if char.isspace():
                    i += 1
                    continue
                raise ValueError(
                    f"(line {_line(text, i)}) invalid char between encapsulated token and delimiter"
                )
        else:
            end = i
            while end < n and text[end] != delimiter and text[end] not in "\r\n":
                end += 1
            fields.append(text[i:end])
            if end >= n or text[end] in "\r\n":
                return fields
            i = end + 1


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _needs_quotes(text: str, delimiter: str, first: bool) -> bool:
    """Commons CSV 1.4's MINIMAL quoting of a non-null field."""
    if not text:
        return first
    char = text[0]
    if first and not (char.isascii() and char.isalnum()):
        return True
    if char <= "#":
        return True
    if "\n" in text or "\r" in text or '"' in text or delimiter in text:
        return True
    return text[-1] <= " "


def write_record(fields: Sequence[str | None], delimiter: str) -> str:
    """One CSV record without its line end; NULL fields are empty and never quoted."""
    parts = []
    for index, text in enumerate(fields):
        if text is None:
            parts.append("")
        elif _needs_quotes(text, delimiter, index == 0):
            parts.append(_quoted(text))
        else:
            parts.append(text)
    return delimiter.join(parts)


def delimited_serde(
    columns: Sequence[ColumnLike],
    features: frozenset[SerdeFeature],
    properties: dict[str, str],
    *,
    is_key: bool,
    topic: str,
) -> Serde:
    """The DELIMITED serde for `columns` (primitive types only), with the chosen delimiter."""
    delimiter = parse_delimiter(properties.get(DELIMITER, ","))
    parsers: list[Parse] = []
    texts: list[Text] = []
    for column in columns:
        base = column.type.base
        make = _PARSERS.get(base)
        if make is None:
            raise FormatError(
                f"The 'DELIMITED' format does not support type '{base.value}', "
                f"column: `{column.name}`"
            )
        parsers.append(make(column.type))
        texts.append(_TEXTS[base])
    count = len(columns)
    pairs = tuple(zip(texts, range(count), strict=True))

    def read(data: bytes) -> Row:
        fields = parse_record(data.decode("utf-8", "replace"), delimiter)
        if not fields:
            raise ValueError("No fields in record")
        if len(fields) != count:
            raise ValueError(
                f"Column count mismatch on deserialization. topic: {topic}, expected: {count}, "
                f"got: {len(fields)}"
            )
        return tuple(
            None if not text else parse(text) for parse, text in zip(parsers, fields, strict=True)
        )

    def deserialize(data: bytes | None) -> Row | None:
        if data is None:
            return None
        try:
            return read(data)
        except Exception as error:
            raise record_error(
                DeserializationError,
                "Error deserializing delimited",
                error,
                topic=topic,
                is_key=is_key,
            ) from None

    def serialize(row: Row | None) -> bytes | None:
        if row is None:
            return None
        if len(row) != count:
            raise count_mismatch(count, len(row), topic=topic, is_key=is_key)
        try:
            fields = [None if row[i] is None else text(row[i]) for text, i in pairs]
            return write_record(fields, delimiter).encode("utf-8")
        except Exception as error:
            raise record_error(
                SerializationError,
                "Error serializing CSV message",
                error,
                topic=topic,
                is_key=is_key,
            ) from None

    return Serde("DELIMITED", tuple(columns), is_key, features, serialize, deserialize)
