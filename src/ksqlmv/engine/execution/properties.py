"""WITH-clause properties of CREATE statements, read and checked as ksqlDB does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast.statements import Property

__all__ = [
    "AS_SELECT_PROPERTIES",
    "SOURCE_PROPERTIES",
    "WithProperties",
    "parse_duration",
    "read_properties",
]

_COMMON = {
    "KAFKA_TOPIC",
    "PARTITIONS",
    "REPLICAS",
    "RETENTION_MS",
    "CLEANUP_POLICY",
    "TIMESTAMP",
    "TIMESTAMP_FORMAT",
    "KEY_FORMAT",
    "VALUE_FORMAT",
    "FORMAT",
    "WRAP_SINGLE_VALUE",
    "KEY_DELIMITER",
    "VALUE_DELIMITER",
    "KEY_SCHEMA_ID",
    "VALUE_SCHEMA_ID",
    "KEY_SCHEMA_FULL_NAME",
    "VALUE_SCHEMA_FULL_NAME",
    "VALUE_AVRO_SCHEMA_FULL_NAME",
    "KEY_PROTOBUF_NULLABLE_REPRESENTATION",
    "VALUE_PROTOBUF_NULLABLE_REPRESENTATION",
}
SOURCE_PROPERTIES = frozenset(_COMMON | {"WINDOW_TYPE", "WINDOW_SIZE", "SOURCE_CONNECTOR"})
AS_SELECT_PROPERTIES = frozenset(_COMMON | {"QUERY_ID"})

_UNITS = {
    "MILLISECOND": 1,
    "SECOND": 1000,
    "MINUTE": 60_000,
    "HOUR": 3_600_000,
    "DAY": 86_400_000,
}


def parse_duration(text: str) -> int:
    """`'30 SECONDS'` → 30000 (ksqlDB's DurationParser)."""
    match = re.fullmatch(r"\s*(\d+)\s+(\w+?)S?\s*", text.upper())
    if not match or match.group(2) not in _UNITS:
        raise AnalysisError(f"Invalid duration: '{text}'. e.g. '10 SECONDS'")
    return int(match.group(1)) * _UNITS[match.group(2)]


def _value(literal: e.Literal) -> Any:
    if isinstance(literal, e.NullLiteral):
        return None
    value = getattr(literal, "value", None)
    return value


@dataclass(frozen=True, slots=True)
class WithProperties:
    """The properties of one statement, by upper-cased name, with typed accessors."""

    values: dict[str, Any]

    def get(self, name: str) -> Any:
        """The raw value of `name`, or None."""
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        """`name` as a string, or None."""
        value = self.values.get(name)
        return None if value is None else str(value)

    def upper(self, name: str) -> str | None:
        """`name` upper-cased (format names), or None."""
        value = self.text(name)
        return None if value is None else value.upper()

    def integer(self, name: str) -> int | None:
        """`name` as an integer, or None; AnalysisError when it is not a number."""
        value = self.values.get(name)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise AnalysisError(f"Invalid value for {name}: {value}") from None

    def boolean(self, name: str) -> bool | None:
        """`name` as a boolean, or None."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "false"):
            return text == "true"
        raise AnalysisError(f"Property '{name}' is not a boolean: {value}")

    def with_values(self, **changes: Any) -> WithProperties:
        """A copy with some properties set."""
        return WithProperties({**self.values, **changes})


def read_properties(properties: tuple[Property, ...], allowed: frozenset[str]) -> WithProperties:
    """The statement's WITH properties, checking for unknown names."""
    values: dict[str, Any] = {}
    for prop in properties:
        values[prop.name.upper()] = _value(prop.value)
    unknown = sorted(name for name in values if name not in allowed)
    if unknown:
        raise AnalysisError("Invalid config variable(s) in the WITH clause: " + ",".join(unknown))
    return WithProperties(values)
