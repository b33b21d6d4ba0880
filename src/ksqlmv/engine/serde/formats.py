"""The formats ksqlDB knows, what each supports, and the rules that pick serde features.

| format    | keys | values | single column     | properties            | Schema Registry |
|-----------|------|--------|-------------------|-----------------------|-----------------|
| JSON      | yes  | yes    | wrap or unwrap    |                       | no              |
| AVRO      | yes  | yes    | wrap or unwrap    | fullSchemaName, schemaId | yes          |
| KAFKA     | one primitive column | one primitive column | always unwrapped |  | no      |
| DELIMITED | primitives | primitives | always unwrapped | delimiter        | no              |
| NONE      | no columns | no columns | -             |                       | no              |

Format properties use ksqlDB's internal names (`delimiter`, `fullSchemaName`, `schemaId`), as
`FormatInfo` carries them; `format_properties` builds them from a statement's WITH clause.
Every error message is ksqlDB's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ksqlmv.engine.serde.base import SerdeFeature
from ksqlmv.errors import FormatError
from ksqlmv.sql.types import BaseType, SqlType

__all__ = [
    "AVRO_SCHEMA_NAMESPACE",
    "DEFAULT_AVRO_SCHEMA_FULL_NAME",
    "DELIMITER",
    "FORMATS",
    "FULL_SCHEMA_NAME",
    "SCHEMA_ID",
    "FormatSpec",
    "format_properties",
    "format_spec",
    "key_features",
    "key_schema_full_name",
    "parse_delimiter",
    "supports_key_type",
    "validate_properties",
    "value_features",
]

DELIMITER = "delimiter"
FULL_SCHEMA_NAME = "fullSchemaName"
SCHEMA_ID = "schemaId"
AVRO_SCHEMA_NAMESPACE = "io.confluent.ksql.avro_schemas"
DEFAULT_AVRO_SCHEMA_FULL_NAME = AVRO_SCHEMA_NAMESPACE + ".KsqlDataSourceSchema"

_WRAP = SerdeFeature.WRAP_SINGLES
_UNWRAP = SerdeFeature.UNWRAP_SINGLES
_PRIMITIVES = frozenset(
    {
        BaseType.BOOLEAN,
        BaseType.INTEGER,
        BaseType.BIGINT,
        BaseType.DOUBLE,
        BaseType.DECIMAL,
        BaseType.STRING,
        BaseType.BYTES,
        BaseType.TIMESTAMP,
        BaseType.DATE,
        BaseType.TIME,
    }
)
# The KAFKA format writes what Kafka's own serdes write: Integer, Long, Double, String, bytes.
_KAFKA_TYPES = frozenset(
    {BaseType.INTEGER, BaseType.BIGINT, BaseType.DOUBLE, BaseType.STRING, BaseType.BYTES}
)


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """What one format supports: serde features, properties, key types, Schema Registry."""

    name: str
    features: frozenset[SerdeFeature]
    properties: frozenset[str]
    key_types: frozenset[BaseType] | None
    """Base types allowed in key columns; None for every type."""
    schema_inference: bool
    implemented: bool = True


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("JSON", frozenset({_WRAP, _UNWRAP}), frozenset(), None, False),
        FormatSpec(
            "AVRO",
            frozenset({_WRAP, _UNWRAP}),
            frozenset({FULL_SCHEMA_NAME, SCHEMA_ID}),
            None,
            True,
        ),
        FormatSpec("KAFKA", frozenset({_UNWRAP}), frozenset(), _KAFKA_TYPES, False),
        FormatSpec("DELIMITED", frozenset({_UNWRAP}), frozenset({DELIMITER}), _PRIMITIVES, False),
        FormatSpec("NONE", frozenset(), frozenset(), frozenset(), False),
        # Known to ksqlDB, not (yet) to ksqlmv: named so that the error says so plainly.
        FormatSpec(
            "JSON_SR", frozenset({_WRAP, _UNWRAP}), frozenset({SCHEMA_ID}), None, True, False
        ),
        FormatSpec(
            "PROTOBUF",
            frozenset({_WRAP, _UNWRAP}),
            frozenset({FULL_SCHEMA_NAME, SCHEMA_ID}),
            None,
            True,
            False,
        ),
        FormatSpec("PROTOBUF_NOSR", frozenset({_UNWRAP}), frozenset(), None, False, False),
    )
}


def format_spec(name: str) -> FormatSpec:
    """The format called `name` (any case): ksqlDB's "Unknown format: X" when there is none."""
    spec = FORMATS.get(name.upper())
    if spec is None:
        raise FormatError(f"Unknown format: {name.upper()}")
    return spec


def validate_properties(spec: FormatSpec, properties: Mapping[str, str]) -> None:
    """ksqlDB's `FormatProperties.validateProperties`: no unknown and no blank properties."""
    unknown = [name for name in properties if name not in spec.properties]
    if unknown:
        raise FormatError(
            f"{spec.name} does not support the following configs: [{', '.join(unknown)}]"
        )
    for name, value in properties.items():
        if not value.strip():
            listed = ", ".join(f"{k}={v}" for k, v in properties.items())
            raise FormatError(f"{name} cannot be empty. Format configuration: {{{listed}}}")


def supports_key_type(format_name: str, sql_type: SqlType) -> bool:
    """Whether `format_name` can carry a key column of `sql_type` (ksqlDB's `supportsKeyType`)."""
    allowed = format_spec(format_name).key_types
    return allowed is None or sql_type.base in allowed


def key_features(format_name: str, column_count: int) -> frozenset[SerdeFeature]:
    """The features of a key: a single key column is written unwrapped (ksqlDB's only choice)."""
    spec = format_spec(format_name)
    if column_count == 1 and {_WRAP, _UNWRAP} <= spec.features:
        return frozenset({_UNWRAP})
    return frozenset()


def value_features(
    format_name: str,
    column_count: int,
    *,
    wrap_single_value: bool | None = None,
    default_wrap: bool | None = True,
) -> frozenset[SerdeFeature]:
    """The features of a value, from WRAP_SINGLE_VALUE and `ksql.persistence.wrap.single.values`.

    `wrap_single_value` is the statement's explicit setting (None when absent); `default_wrap`
    the server's default, which applies only where the format supports it.
    """
    spec = format_spec(format_name)
    if wrap_single_value is not None:
        wanted = _WRAP if wrap_single_value else _UNWRAP
        if wanted not in spec.features:
            raise FormatError(
                f"Format '{spec.name}' does not support 'WRAP_SINGLE_VALUE' set to "
                f"'{'true' if wrap_single_value else 'false'}'."
            )
        if column_count != 1:
            raise FormatError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
        return frozenset({wanted})
    if column_count != 1 or default_wrap is None:
        return frozenset()
    default = _WRAP if default_wrap else _UNWRAP
    return frozenset({default}) if default in spec.features else frozenset()


def parse_delimiter(text: str, property_name: str = "VALUE_DELIMITER") -> str:
    """A DELIMITED separator: one character, or `TAB` or `SPACE`, with ksqlDB's errors."""
    example = "\nExample valid value: ';'"
    if not text.strip():
        raise FormatError(
            f"Configuration {property_name} is invalid: Delimiter cannot be empty, if you meant "
            "to have a tab or space for delimiter, please use the special values 'TAB' or "
            f"'SPACE'{example}"
        )
    if len(text) == 1:
        return text
    named = {"TAB": "\t", "SPACE": " "}.get(text)
    if named is None:
        raise FormatError(
            f"Configuration {property_name} is invalid: Invalid delimiter value: '{text}'. "
            f"Delimiter must be a single character or TAB,SPACE{example}"
        )
    return named


def key_schema_full_name(source_name: str) -> str:
    """The Avro record name ksqlDB gives a source's key: `OUTPUT` -> `...avro_schemas.OutputKey`."""
    camel = "".join(word[:1].upper() + word[1:].lower() for word in source_name.split("_"))
    return f"{AVRO_SCHEMA_NAMESPACE}.{camel}Key"


def format_properties(
    with_properties: Mapping[str, object], format_name: str, *, is_key: bool, source_name: str = ""
) -> dict[str, str]:
    """The format properties of a key or value, from a statement's WITH clause.

    Reads `KEY_`/`VALUE_DELIMITER`, `KEY_`/`VALUE_SCHEMA_FULL_NAME`,
    `VALUE_AVRO_SCHEMA_FULL_NAME` and `KEY_`/`VALUE_SCHEMA_ID` (any case); an AVRO key without a
    full name gets ksqlDB's per-source default. Delimiters are checked here.
    """
    props = {name.upper(): value for name, value in with_properties.items()}
    side = "KEY" if is_key else "VALUE"
    result: dict[str, str] = {}
    full_name = props.get(f"{side}_SCHEMA_FULL_NAME")
    if not is_key:
        avro_name = props.get("VALUE_AVRO_SCHEMA_FULL_NAME")
        if avro_name is not None and full_name is not None:
            raise FormatError(
                "Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME' and 'VALUE_SCHEMA_FULL_NAME' "
                "properties. Please only set 'VALUE_SCHEMA_FULL_NAME'."
            )
        full_name = avro_name if avro_name is not None else full_name
    if full_name is not None:
        result[FULL_SCHEMA_NAME] = str(full_name).strip()
    elif is_key and format_name.upper() == "AVRO" and source_name:
        result[FULL_SCHEMA_NAME] = key_schema_full_name(source_name)
    delimiter = props.get(f"{side}_DELIMITER")
    if delimiter is not None:
        # kept as written (`TAB`, `|`), as ksqlDB keeps it; checked now so the statement fails
        parse_delimiter(str(delimiter), f"{side}_DELIMITER")
        result[DELIMITER] = str(delimiter)
    schema_id = props.get(f"{side}_SCHEMA_ID")
    if schema_id is not None:
        result[SCHEMA_ID] = str(schema_id)
    return result
