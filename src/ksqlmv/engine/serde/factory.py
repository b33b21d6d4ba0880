"""`make_serde`: the one way to get a serde for a key or value schema in a format.

It checks what ksqlDB checks when it builds a serde (properties, serde features, key types, the
columns a format can carry) and words every refusal as ksqlDB does, including the wrapping
"Key format does not support schema. format: ... schema: Persistence{...} reason: ...".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from ksqlmv.engine.serde._avro import avro_serde
from ksqlmv.engine.serde._delimited import delimited_serde
from ksqlmv.engine.serde._json import json_serde
from ksqlmv.engine.serde._kafka import kafka_serde
from ksqlmv.engine.serde.base import (
    ColumnLike,
    Serde,
    SerdeFeature,
    columns_text,
    features_text,
    normalize_features,
    persistence_text,
    void_serde,
)
from ksqlmv.engine.serde.formats import (
    FormatSpec,
    format_spec,
    key_features,
    validate_properties,
    value_features,
)
from ksqlmv.engine.serde.registry import SchemaRegistry, key_subject, value_subject
from ksqlmv.engine.serde.windowed import WindowedSerde
from ksqlmv.errors import FormatError
from ksqlmv.sql.types import ArrayType, MapType, SqlType, StructType

__all__ = ["FormatLike", "Properties", "check_key_columns", "make_serde", "make_windowed_serde"]


class FormatLike(Protocol):
    """A format name with its properties, as the catalog's `FormatInfo` is."""

    @property
    def name(self) -> str:
        """The format's name."""
        ...

    @property
    def properties(self) -> Iterable[tuple[str, str]]:
        """ksqlDB's format properties, as (name, value) pairs."""
        ...


Properties = Mapping[str, str] | Iterable[tuple[str, str]]


def _format_parts(
    format: str | FormatLike, properties: Properties | None
) -> tuple[str, dict[str, str]]:
    """The format name and properties, from a name or from a `FormatInfo`."""
    if isinstance(format, str):
        name = format
    else:
        name = format.name
        if properties is None:
            properties = format.properties
    if properties is None:
        return name.upper(), {}
    pairs = properties.items() if isinstance(properties, Mapping) else properties
    return name.upper(), {str(k): str(v) for k, v in pairs}


def _contains_map(sql_type: SqlType) -> bool:
    if isinstance(sql_type, MapType):
        return True
    if isinstance(sql_type, ArrayType):
        return _contains_map(sql_type.element)
    if isinstance(sql_type, StructType):
        return any(_contains_map(f.type) for f in sql_type.fields)
    return False


def check_key_columns(columns: Sequence[ColumnLike]) -> None:
    """ksqlDB refuses key columns that are or hold a MAP, whatever the format."""
    for column in columns:
        if _contains_map(column.type):
            name = column.name.replace("`", "``")
            raise FormatError(
                "Map keys, including types that contain maps, are not supported as they may "
                "lead to unexpected behavior due to inconsistent serialization. Key column "
                f"name: `{name}`. Column type: {column.type}. See "
                "https://github.com/confluentinc/ksql/issues/6621 for more."
            )


def make_serde(
    format: str | FormatLike,
    columns: Sequence[ColumnLike],
    properties: Properties | None = None,
    *,
    is_key: bool = False,
    features: Iterable[object] | None = None,
    topic: str = "",
    registry: SchemaRegistry | None = None,
    subject: str | None = None,
) -> Serde:
    """The serde of a key or value with `columns` in `format`, compiled once.

    `format` is a format name (`"JSON"`) or a `FormatInfo`; `properties` are ksqlDB's format
    properties (`delimiter`, `fullSchemaName`, `schemaId`). `features` are the serde features
    (WRAP_SINGLES/UNWRAP_SINGLES); when None, ksqlDB's defaults apply (a single key column is
    unwrapped, a single value column wrapped where the format allows). `topic` appears in error
    messages; `registry` and `subject` (default `<topic>-key`/`<topic>-value`) serve AVRO.

    Raises FormatError, with ksqlDB's message, when the format cannot carry these columns.
    """
    name, props = _format_parts(format, properties)
    spec = format_spec(name)
    validate_properties(spec, props)
    if features is None:
        chosen = key_features(name, len(columns)) if is_key else value_features(name, len(columns))
    else:
        chosen = normalize_features(features)
    if is_key:
        check_key_columns(columns)
    if subject is None:
        subject = key_subject(topic) if is_key else value_subject(topic)
    try:
        serde = _build(
            spec,
            columns,
            props,
            chosen,
            is_key=is_key,
            topic=topic,
            registry=registry,
            subject=subject,
        )
    except FormatError as error:
        raise FormatError(
            f"{'Key' if is_key else 'Value'} format does not support schema.\n"
            f"format: {spec.name}\n"
            f"schema: {persistence_text(columns, chosen, is_key=is_key)}\n"
            f"reason: {error}"
        ) from error
    return dataclasses.replace(serde, topic=topic)


def _build(
    spec: FormatSpec,
    columns: Sequence[ColumnLike],
    properties: dict[str, str],
    features: frozenset[SerdeFeature],
    *,
    is_key: bool,
    topic: str,
    registry: SchemaRegistry | None,
    subject: str,
) -> Serde:
    if not spec.implemented:
        raise FormatError(f"The '{spec.name}' format is not supported by ksqlmv")
    unsupported = features - spec.features
    if unsupported:
        raise FormatError(f"Unsupported features: {features_text(frozenset(unsupported))}")
    if spec.name == "NONE" and columns:
        raise FormatError(
            "The 'NONE' format can only be used when no columns are defined. Got: "
            + columns_text(columns, is_key=is_key)
        )
    if not columns and (is_key or spec.name in ("KAFKA", "NONE")):
        # KAFKA and NONE have ksqlDB's void serde; a keyless source's key is never read or
        # written (its records keep a NULL key). Values of other formats are empty records.
        return void_serde(spec.name, columns, is_key=is_key, features=features)
    if SerdeFeature.UNWRAP_SINGLES in features and len(columns) != 1:
        raise FormatError("Unwrapping only valid for single columns")
    if spec.name == "KAFKA":
        return kafka_serde(columns, features, is_key=is_key, topic=topic)
    if spec.name == "DELIMITED":
        return delimited_serde(columns, features, properties, is_key=is_key, topic=topic)
    if spec.name == "JSON":
        return json_serde(columns, features, is_key=is_key, topic=topic)
    return avro_serde(
        columns,
        features,
        properties,
        is_key=is_key,
        topic=topic,
        registry=registry,
        subject=subject,
    )


def make_windowed_serde(
    format: str | FormatLike,
    columns: Sequence[ColumnLike],
    window_type: object,
    size_ms: int | None = None,
    properties: Properties | None = None,
    **options: Any,
) -> WindowedSerde:
    """The serde of windowed keys: `make_serde(..., is_key=True)` inside a `WindowedSerde`."""
    inner = make_serde(format, columns, properties, is_key=True, **options)
    return WindowedSerde(inner, window_type, size_ms)
