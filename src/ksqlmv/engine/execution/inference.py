"""Columns from Schema Registry for CREATE statements that leave them out (AVRO keys/values)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksqlmv.engine.catalog import Column, ColumnKind, FormatInfo, SourceKind
from ksqlmv.engine.execution.properties import WithProperties
from ksqlmv.errors import AnalysisError, KsqlmvError

if TYPE_CHECKING:
    from ksqlmv.engine.engine import Session

__all__ = ["complete_columns"]


def complete_columns(
    session: Session,
    columns: list[Column],
    props: WithProperties,
    key_format: FormatInfo,
    value_format: FormatInfo,
    topic: str,
    kind: SourceKind,
) -> list[Column]:
    """`columns`, plus key and value columns inferred where none were declared.

    As ksqlDB: key columns are inferred when the key format reads Schema Registry and none are
    declared; value columns likewise. A declared part and a schema id cannot both be given.
    """
    from ksqlmv.engine.serde.inference import infer_columns

    key_id = props.integer("KEY_SCHEMA_ID")
    value_id = props.integer("VALUE_SCHEMA_ID")
    has_key = any(c.kind is ColumnKind.KEY for c in columns)
    has_value = any(c.kind is ColumnKind.VALUE for c in columns)
    if key_id is not None and not key_format.supports_schema_inference:
        raise AnalysisError(
            "KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. "
            f"Current format is {key_format.name}."
        )
    if value_id is not None and not value_format.supports_schema_inference:
        raise AnalysisError(
            "VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. "
            f"Current format is {value_format.name}."
        )
    if key_id is not None and has_key:
        raise AnalysisError(
            "Table elements and KEY_SCHEMA_ID cannot both exist for create statement."
        )
    if value_id is not None and has_value:
        raise AnalysisError(
            "Table elements and VALUE_SCHEMA_ID cannot both exist for create statement."
        )
    registry = session.engine.registry
    result = list(columns)
    try:
        if not has_key and key_format.supports_schema_inference:
            inferred = infer_columns(registry, topic, is_key=True, unwrapped=True, schema_id=key_id)
            result = [Column(c.name, c.type, ColumnKind.KEY) for c in inferred.columns] + result
        if not has_value and value_format.supports_schema_inference:
            inferred = infer_columns(registry, topic, is_key=False, schema_id=value_id)
            result = result + [Column(c.name, c.type) for c in inferred.columns]
    except KsqlmvError as error:
        raise AnalysisError(str(error)) from None
    _ = kind
    return result
