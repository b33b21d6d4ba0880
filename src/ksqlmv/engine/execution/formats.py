"""Key and value formats of new sources and sinks: defaults, inheritance, features, checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ksqlmv.engine.catalog import (
    Column,
    DataSource,
    FormatInfo,
    KeyFormat,
    LogicalSchema,
    ValueFormat,
    WindowInfo,
)
from ksqlmv.engine.execution.properties import WithProperties
from ksqlmv.engine.serde.formats import (
    format_properties,
    format_spec,
    key_features,
    validate_properties,
    value_features,
)
from ksqlmv.errors import AnalysisError, KsqlmvError

if TYPE_CHECKING:
    from ksqlmv.engine.engine import Session
    from ksqlmv.engine.planning.nodes import PlanNode

__all__ = [
    "build_key_format",
    "build_value_format",
    "check_aggregation_state",
    "check_serdes",
    "format_info",
    "resolve_create_formats",
]

DEFAULT_KEY_FORMAT = "ksql.persistence.default.format.key"
DEFAULT_VALUE_FORMAT = "ksql.persistence.default.format.value"


def _checked(name: str) -> str:
    try:
        return format_spec(name).name
    except KsqlmvError as error:
        raise AnalysisError(str(error)) from None


def format_info(name: str, props: WithProperties, *, is_key: bool, source_name: str) -> FormatInfo:
    """A FormatInfo for `name` with the properties the WITH clause gives it."""
    name = _checked(name)
    try:
        properties = format_properties(
            {k: v for k, v in props.values.items() if v is not None},
            name,
            is_key=is_key,
            source_name=source_name,
        )
        validate_properties(format_spec(name), properties)
    except KsqlmvError as error:
        message = str(error)
        if message.startswith("Configuration "):
            # ksqlDB checks WITH properties while preparing the statement, and says so.
            message = f"Failed to prepare statement: {message}"
        raise AnalysisError(message) from None
    return FormatInfo(name, tuple(sorted(properties.items())))


def resolve_create_formats(
    props: WithProperties, config: dict[str, Any], source_name: str
) -> tuple[FormatInfo, FormatInfo]:
    """The key and value formats of a CREATE STREAM/TABLE, with ksqlDB's defaults."""
    both = props.upper("FORMAT")
    key = props.upper("KEY_FORMAT")
    value = props.upper("VALUE_FORMAT")
    if both is not None:
        if key is not None:
            raise AnalysisError(
                "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both "
                "key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and "
                "'VALUE_FORMAT'."
            )
        if value is not None:
            raise AnalysisError(
                "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both "
                "key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and "
                "'VALUE_FORMAT'."
            )
        key = value = both
    if key is None:
        default_key = config.get(DEFAULT_KEY_FORMAT, "KAFKA")
        if default_key is None:
            raise AnalysisError(
                "Statement is missing the 'KEY_FORMAT' property from the WITH clause. Either "
                f"provide one or set a default via the '{DEFAULT_KEY_FORMAT}' config."
            )
        key = str(default_key).upper()
    if value is None:
        default_value = config.get(DEFAULT_VALUE_FORMAT)
        if default_value is None:
            raise AnalysisError(
                "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either "
                f"provide one or set a default via the '{DEFAULT_VALUE_FORMAT}' config."
            )
        value = str(default_value).upper()
    return (
        format_info(key, props, is_key=True, source_name=source_name),
        format_info(value, props, is_key=False, source_name=source_name),
    )


def build_key_format(
    info: FormatInfo, schema: LogicalSchema, window: WindowInfo | None
) -> KeyFormat:
    """The key format with the features ksqlDB picks for the key columns."""
    try:
        features = key_features(info.name, len(schema.key))
    except KsqlmvError as error:
        raise AnalysisError(str(error)) from None
    return KeyFormat(info, features, window)


def build_value_format(
    info: FormatInfo, schema: LogicalSchema, props: WithProperties, config: dict[str, Any]
) -> ValueFormat:
    """The value format, with WRAP_SINGLE_VALUE or `ksql.persistence.wrap.single.values`."""
    default = config.get("ksql.persistence.wrap.single.values")
    default_wrap = None if default is None else str(default).lower() == "true"
    try:
        features = value_features(
            info.name,
            len(schema.value),
            wrap_single_value=props.boolean("WRAP_SINGLE_VALUE"),
            default_wrap=default_wrap,
        )
    except KsqlmvError as error:
        raise AnalysisError(str(error)) from None
    return ValueFormat(info, features)


_ANY_TYPE_FORMATS = frozenset({"AVRO", "JSON", "JSON_SR", "PROTOBUF", "PROTOBUF_NOSR"})
"""Value formats that carry every SQL type (their serdes need not be built to know)."""

_INTERMEDIATE_MESSAGE = (
    "One of the functions used in the statement has an intermediate type that the value format "
    "can not handle. Please remove the function or change the format.\n"
    "Consider up-voting https://github.com/confluentinc/ksql/issues/3950, which will resolve "
    "this limitation"
)


def check_aggregation_state(session: Session, root: PlanNode) -> None:
    """ksqlDB keeps an aggregation's state in its input's value format: an aggregate whose
    intermediate value that format cannot carry (AVG's STRUCT in DELIMITED) is refused."""
    from ksqlmv.engine.planning.nodes import AggregateNode, SourceNode, walk_plan
    from ksqlmv.engine.runtime.serdes import value_serde

    for node in walk_plan(root):
        if not isinstance(node, AggregateNode):
            continue
        sources = [n.source for n in walk_plan(node) if isinstance(n, SourceNode)]
        if not sources or sources[0].value_format.format.name in _ANY_TYPE_FORMATS:
            continue
        source = sources[0]
        # (aggregates compiled inline, such as COUNT, keep plain numbers: nothing to check)
        types = [
            getattr(call.resolution.factory(call.constants), "intermediate_type", None)
            for call in node.aggregates
        ]
        columns = tuple(
            Column(f"KSQL_AGG_VARIABLE_{i}", sql_type)
            for i, sql_type in enumerate(types)
            if sql_type is not None
        )
        try:
            value_serde(source.value_format, columns, source.topic, session.engine.registry)
        except KsqlmvError:
            raise AnalysisError(_INTERMEDIATE_MESSAGE) from None


def check_serdes(session: Session, source: DataSource) -> None:
    """Build the source's serdes once, so a schema its formats cannot carry fails now."""
    from ksqlmv.engine.runtime.serdes import key_serde, value_serde

    registry = session.engine.registry
    try:
        key_serde(source.key_format, source.schema.key, source.topic, registry)
        value_serde(source.value_format, source.schema.value, source.topic, registry)
    except KsqlmvError as error:
        raise AnalysisError(str(error)) from None
