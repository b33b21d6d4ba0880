"""Schemas a test case implies: what ksqlDB's runner registers for CREATE statements' topics.

For a CREATE STREAM/TABLE with declared columns over an AVRO key or value, ksqlDB's runner
registers the Avro schema of those columns under `<topic>-key` / `<topic>-value` before anything
runs, so that input records can be written with it.
"""

from __future__ import annotations

from typing import Any

from ksqlmv.engine.catalog import Column, ColumnKind
from ksqlmv.engine.serde.avro_schema import sink_schema_text
from ksqlmv.engine.serde.formats import DEFAULT_AVRO_SCHEMA_FULL_NAME, key_schema_full_name
from ksqlmv.engine.serde.registry import key_subject, value_subject
from ksqlmv.sql import ast

__all__ = ["register_statement_schemas"]


def _text(literal: Any) -> str | None:
    value = getattr(literal, "value", None)
    return None if value is None else str(value)


def register_statement_schemas(
    registry: Any,
    stmt: ast.CreateSource,
    props: dict[str, Any],
    topic: str,
    columns: list[Column],
    config: dict[str, Any],
) -> None:
    """Register the Avro schemas of a CREATE statement's declared key and value columns."""
    both = _text(props.get("FORMAT"))
    key_format = (
        both
        or _text(props.get("KEY_FORMAT"))
        or str(config.get("ksql.persistence.default.format.key") or "KAFKA")
    ).upper()
    value_format = (
        both
        or _text(props.get("VALUE_FORMAT"))
        or str(config.get("ksql.persistence.default.format.value") or "")
    ).upper()
    keys = [c for c in columns if c.kind is ColumnKind.KEY]
    values = [c for c in columns if c.kind is ColumnKind.VALUE]
    if key_format == "AVRO" and keys and props.get("KEY_SCHEMA_ID") is None:
        name = _text(props.get("KEY_SCHEMA_FULL_NAME")) or key_schema_full_name(stmt.name)
        text = sink_schema_text(keys, full_name=name, unwrapped=len(keys) == 1)
        registry.register(key_subject(topic), text)
    if value_format == "AVRO" and values and props.get("VALUE_SCHEMA_ID") is None:
        name = (
            _text(props.get("VALUE_SCHEMA_FULL_NAME"))
            or _text(props.get("VALUE_AVRO_SCHEMA_FULL_NAME"))
            or DEFAULT_AVRO_SCHEMA_FULL_NAME
        )
        wrap = props.get("WRAP_SINGLE_VALUE")
        unwrapped = len(values) == 1 and getattr(wrap, "value", True) is False
        if len(values) == 1 and wrap is None:
            default = config.get("ksql.persistence.wrap.single.values")
            unwrapped = str(default).lower() == "false"
        text = sink_schema_text(values, full_name=name, unwrapped=unwrapped)
        registry.register(value_subject(topic), text)
