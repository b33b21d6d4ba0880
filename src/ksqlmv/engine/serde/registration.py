"""Registering a source's or sink's schemas when its statement runs, as ksqlDB does.

ksqlDB's `SchemaRegisterInjector` registers, for formats backed by Schema Registry:

- for CREATE STREAM/TABLE with columns: the generated schema, unless the subject already has
  one (`if_absent=True`): declaring a source over a topic never replaces its producers' schema;
- for CREATE ... AS SELECT: the generated schema, always (Schema Registry's compatibility rules
  may refuse it, and the statement fails);
- with `KEY_SCHEMA_ID`/`VALUE_SCHEMA_ID`: that schema, under the topic's subject, which must
  then have that same id.

Other formats register nothing. Every refusal carries ksqlDB's message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from ksqlmv.engine.serde.avro_schema import sink_schema
from ksqlmv.engine.serde.base import ColumnLike, SerdeFeature, normalize_features
from ksqlmv.engine.serde.formats import (
    DEFAULT_AVRO_SCHEMA_FULL_NAME,
    FULL_SCHEMA_NAME,
    SCHEMA_ID,
    format_spec,
    key_features,
    value_features,
)
from ksqlmv.engine.serde.registry import SchemaRegistry, key_subject, value_subject
from ksqlmv.errors import FormatError, KsqlmvError, RegistryError

__all__ = ["register_schema"]


def register_schema(
    registry: SchemaRegistry | None,
    topic: str,
    format_name: str,
    columns: Sequence[ColumnLike],
    properties: Mapping[str, str] | None = None,
    *,
    is_key: bool = False,
    features: Iterable[object] | None = None,
    if_absent: bool = False,
) -> int | None:
    """Register the key or value schema of `topic` as ksqlDB would; return its id.

    Returns None for formats without Schema Registry, and the subject's current id when
    `if_absent` and the subject exists.
    """
    spec = format_spec(format_name)
    if not spec.schema_inference or not spec.implemented:
        return None
    if registry is None:
        raise FormatError(
            f"Cannot create topic '{topic}' with format {spec.name} without configuring "
            "'ksql.schema.registry.url'"
        )
    props = dict(properties or {})
    subject = key_subject(topic) if is_key else value_subject(topic)
    if SCHEMA_ID in props:
        return _register_by_id(registry, topic, subject, int(props[SCHEMA_ID]), is_key)
    if if_absent:
        try:
            return registry.get_latest(subject).schema_id
        except RegistryError as error:
            if error.http_status != 404:
                raise FormatError(f"Could not register schema for topic: {error}") from error
    chosen: frozenset[SerdeFeature]
    if features is None:
        count = len(columns)
        chosen = key_features(spec.name, count) if is_key else value_features(spec.name, count)
    else:
        chosen = normalize_features(features)
    schema = sink_schema(
        columns,
        full_name=props.get(FULL_SCHEMA_NAME, DEFAULT_AVRO_SCHEMA_FULL_NAME),
        unwrapped=SerdeFeature.UNWRAP_SINGLES in chosen,
    )
    try:
        return registry.register(subject, json.dumps(schema, separators=(",", ":")))
    except KsqlmvError as error:
        detail = f"{error}; error code: {getattr(error, 'error_code', 'unknown')}"
        raise FormatError(
            f"Could not register schema for topic: Could not register schema for topic: {detail}"
        ) from error


def _register_by_id(
    registry: SchemaRegistry, topic: str, subject: str, schema_id: int, is_key: bool
) -> int:
    name = "KEY_SCHEMA_ID" if is_key else "VALUE_SCHEMA_ID"
    try:
        raw = registry.get_by_id(schema_id)
        registered = registry.register(subject, raw.schema, raw.schema_type)
    except KsqlmvError as error:
        raise FormatError(f"Could not register schema for topic: {error}") from error
    if registered != schema_id:
        raise FormatError(
            f"Schema id registered is {registered} which is different from provided {name} "
            f"{schema_id}.\nTopic: {topic}\nSubject: {subject}\nSchema: {raw.schema}"
        )
    return registered
