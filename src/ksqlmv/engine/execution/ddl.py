"""CREATE/DROP STREAM and TABLE, CREATE/DROP TYPE, ALTER: catalog changes with ksqlDB's checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksqlmv.engine.analysis.binder import resolve_type
from ksqlmv.engine.catalog import (
    Column,
    ColumnKind,
    DataSource,
    LogicalSchema,
    SourceKind,
    TimestampColumn,
    WindowInfo,
    WindowType,
)
from ksqlmv.engine.catalog.schema import HEADERS_TYPE, SYSTEM_COLUMN_NAMES
from ksqlmv.engine.execution.formats import build_key_format, build_value_format, check_serdes
from ksqlmv.engine.execution.properties import (
    SOURCE_PROPERTIES,
    WithProperties,
    parse_duration,
    read_properties,
)
from ksqlmv.engine.execution.results import StatementResult, current_status, warning
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import statements as s
from ksqlmv.sql.types import BaseType

if TYPE_CHECKING:
    from ksqlmv.engine.engine import Session

__all__ = [
    "alter_source",
    "build_timestamp",
    "create_source",
    "create_type",
    "drop_source",
    "drop_type",
]


def _columns(stmt: s.CreateSource, session: Session) -> list[Column]:
    types = session.engine.catalog.types
    columns: list[Column] = []
    seen: set[str] = set()
    is_table = stmt.kind is s.SourceKind.TABLE
    for element in stmt.elements:
        if element.name.upper() in SYSTEM_COLUMN_NAMES:
            raise AnalysisError(
                f"'{element.name}' is a reserved column name. "
                "You cannot use it as a name for a column."
            )
        where = f"Line: {element.line}, Col: {element.column}: " if element.line else ""
        if element.constraint is s.ColumnConstraint.KEY and is_table:
            raise AnalysisError(
                f"{where}Column `{element.name}` is a 'KEY' column: "
                "please use 'PRIMARY KEY' for tables."
            )
        if element.constraint is s.ColumnConstraint.PRIMARY_KEY and not is_table:
            raise AnalysisError(
                f"{where}Column `{element.name}` is a 'PRIMARY KEY' column: "
                "please use 'KEY' for streams."
            )
        if element.name in seen:
            raise AnalysisError(f"Duplicate column names: {element.name}")
        seen.add(element.name)
        sql_type = resolve_type(element.type, types)
        if element.constraint in (s.ColumnConstraint.KEY, s.ColumnConstraint.PRIMARY_KEY):
            columns.append(Column(element.name, sql_type, ColumnKind.KEY))
        elif element.constraint is s.ColumnConstraint.HEADERS:
            if sql_type != HEADERS_TYPE:
                raise AnalysisError(
                    f"Invalid type for HEADERS column: expected {HEADERS_TYPE}, got {sql_type}"
                )
            columns.append(Column(element.name, sql_type, ColumnKind.HEADER))
        elif element.constraint is s.ColumnConstraint.HEADER:
            if sql_type.base is not BaseType.BYTES:
                raise AnalysisError(
                    f"Invalid type for HEADER('{element.header}') column: expected BYTES, "
                    f"got {sql_type}"
                )
            columns.append(Column(element.name, sql_type, ColumnKind.HEADER, element.header))
        else:
            columns.append(Column(element.name, sql_type))
    return columns


def build_timestamp(props: WithProperties, schema: LogicalSchema) -> TimestampColumn | None:
    """The TIMESTAMP / TIMESTAMP_FORMAT properties, checked against the schema."""
    name = props.text("TIMESTAMP")
    fmt = props.text("TIMESTAMP_FORMAT")
    if name is None:
        return None
    column_name = name if name.startswith("`") else name.upper()
    column_name = column_name.strip("`")
    column = schema.find(column_name)
    if column is None:
        raise AnalysisError(
            "The TIMESTAMP column set in the WITH clause does not exist in the schema: "
            f"'{column_name}'"
        )
    base = column.type.base
    if base is BaseType.STRING:
        if fmt is None:
            raise AnalysisError(
                "A String timestamp field has been specified without also specifying the "
                "timestamp_format"
            )
    elif fmt is not None:
        raise AnalysisError(
            "'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp "
            "column is of type STRING."
        )
    elif base not in (BaseType.BIGINT, BaseType.TIMESTAMP):
        raise AnalysisError(
            f"Timestamp column, `{column.name}`, should be LONG(INT64), TIMESTAMP, or a String "
            "with a timestamp_format specified."
        )
    return TimestampColumn(column.name, fmt)


def _window(props: WithProperties) -> WindowInfo | None:
    kind = props.upper("WINDOW_TYPE")
    size = props.text("WINDOW_SIZE")
    if kind is None:
        if size is not None:
            raise AnalysisError("'WINDOW_SIZE' should not be set for non-windowed sources.")
        return None
    try:
        window_type = WindowType[kind]
    except KeyError:
        raise AnalysisError(
            f"Invalid value for WINDOW_TYPE: {kind}. Valid values: SESSION, HOPPING, TUMBLING"
        ) from None
    if window_type is WindowType.SESSION:
        if size is not None:
            raise AnalysisError("'WINDOW_SIZE' should not be set for SESSION windows.")
        return WindowInfo(window_type, None)
    if size is None:
        raise AnalysisError(f"'WINDOW_SIZE' must be set for {window_type.value} windows.")
    return WindowInfo(window_type, parse_duration(size))


def create_source(session: Session, stmt: s.CreateSource) -> StatementResult:
    """CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] ..."""
    engine = session.engine
    kind = SourceKind.TABLE if stmt.kind is s.SourceKind.TABLE else SourceKind.STREAM
    label = kind.value.lower()
    props = read_properties(stmt.properties, SOURCE_PROPERTIES)
    topic = props.text("KAFKA_TOPIC")
    if topic is None:
        raise AnalysisError('Missing required property "KAFKA_TOPIC" which has no default value.')
    existing = engine.catalog.source(stmt.name)
    if existing is not None and not stmt.or_replace:
        if stmt.if_not_exists:
            return warning(
                stmt.text,
                f"Cannot add {label} '{stmt.name}': A {existing.kind.value.lower()} "
                "with the same name already exists",
            )
        raise AnalysisError(
            f"Cannot add {label} '{stmt.name}': A {existing.kind.value.lower()} with the same "
            "name already exists"
        )
    if stmt.or_replace and (stmt.source or (existing is not None and existing.is_source)):
        raise AnalysisError(
            f"Cannot add {label} '{stmt.name}': CREATE OR REPLACE is not supported on source "
            f"{label}s."
        )
    columns = _columns(stmt, session)
    window = _window(props)
    key_format_info, value_format_info = session.formats_for_create(props, stmt.name)
    columns = session.infer_columns(
        columns, props, key_format_info, value_format_info, topic, kind, stmt.name
    )
    if not columns:
        raise AnalysisError("No columns supplied.")
    schema = LogicalSchema(tuple(columns)).with_columns(tuple(columns))
    if kind is SourceKind.TABLE and not schema.key:
        extra = ""
        if props.get("VALUE_SCHEMA_ID") is not None:
            extra = (
                "\nUse a partial schema to define the primary key and still load the value "
                "columns from the Schema Registry, for example:\n"
                f"\tCREATE TABLE {stmt.name} (ID INT PRIMARY KEY) WITH (...);"
            )
        raise AnalysisError("Tables require a PRIMARY KEY. Please define the PRIMARY KEY." + extra)
    if window is not None and not schema.key:
        raise AnalysisError("Windowed sources require a key column.")
    key_format = build_key_format(key_format_info, schema, window)
    value_format = build_value_format(value_format_info, schema, props, session.config)
    timestamp = build_timestamp(props, schema)
    engine.topics.require(topic, props)
    partitions = engine.topics.partitions(topic) or props.integer("PARTITIONS") or 1
    source = DataSource(
        name=stmt.name,
        kind=kind,
        schema=schema,
        topic=topic,
        key_format=key_format,
        value_format=value_format,
        timestamp=timestamp,
        is_source=stmt.source,
        sql=stmt.text,
        partitions=partitions,
    )
    check_serdes(session, source)
    engine.catalog.put_source(source)
    if source.is_source and source.is_table:
        # SOURCE tables are materialized at once, so that pull queries can read them.
        engine.materialize(source, session)
    return current_status(
        stmt.text,
        f"{label}/{stmt.name}/create",
        f"{kind.title} created",
        sequence=session.sequence,
    )


def drop_source(session: Session, stmt: s.DropSource) -> StatementResult:
    """DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]."""
    engine = session.engine
    kind = SourceKind.TABLE if stmt.kind is s.SourceKind.TABLE else SourceKind.STREAM
    source = engine.catalog.source(stmt.name)
    if source is None:
        if stmt.if_exists:
            return current_status(
                stmt.text,
                f"{kind.value.lower()}/{stmt.name}/drop",
                f"Source {stmt.name} does not exist.",
                sequence=session.sequence,
            )
        raise AnalysisError(f"{kind.title} {stmt.name} does not exist.")
    if source.kind is not kind:
        raise AnalysisError(
            f"Incompatible data source type is {source.kind.value}, but statement was "
            f"DROP {kind.value}"
        )
    if stmt.delete_topic and source.is_source:
        raise AnalysisError(f"Cannot delete topic for read-only source: {source.name}")
    readers = [q for q in engine.catalog.queries_reading(source.name) if q.sink != source.name]
    if readers:
        ids = ", ".join(q.query_id for q in readers)
        raise AnalysisError(
            f"Cannot drop {source.name}.\nThe following queries read from this source: "
            f"[{ids}].\nYou need to terminate them before dropping {source.name}."
        )
    for query in engine.catalog.queries_writing(source.name):
        engine.terminate(query.query_id)
    engine.catalog.drop_source(source.name)
    if stmt.delete_topic:
        engine.topics.delete(source.topic)
    return current_status(
        stmt.text,
        f"{kind.value.lower()}/{stmt.name}/drop",
        f"Source `{source.name}` (topic: {source.topic}) was dropped.",
        sequence=session.sequence,
    )


def create_type(session: Session, stmt: s.CreateType) -> StatementResult:
    """CREATE TYPE [IF NOT EXISTS] name AS type."""
    types = session.engine.catalog.types
    name = stmt.name.upper()
    if name in types and not stmt.if_not_exists:
        raise AnalysisError(
            f"Cannot register custom type '{name}' since it is already registered with type: "
            f"{types[name]}"
        )
    if name not in types:
        types[name] = resolve_type(stmt.type, types)
    return current_status(
        stmt.text,
        f"type/{name}/create",
        f"Registered custom type with name '{name}' and SQL type {types[name]}",
        sequence=session.sequence,
    )


def drop_type(session: Session, stmt: s.DropType) -> StatementResult:
    """DROP TYPE [IF EXISTS] name."""
    types = session.engine.catalog.types
    name = stmt.name.upper()
    if name not in types:
        if stmt.if_exists:
            return current_status(
                stmt.text,
                f"type/{name}/drop",
                f"Type '{name}' does not exist",
                sequence=session.sequence,
            )
        raise AnalysisError(f"Type {name} does not exist.")
    del types[name]
    return current_status(
        stmt.text, f"type/{name}/drop", f"Dropped type '{name}'", sequence=session.sequence
    )


def alter_source(session: Session, stmt: s.AlterSource) -> StatementResult:
    """ALTER STREAM|TABLE name ADD [COLUMN] col type, ..."""
    engine = session.engine
    kind = SourceKind.TABLE if stmt.kind is s.SourceKind.TABLE else SourceKind.STREAM
    label = kind.value.lower()
    source = engine.catalog.source(stmt.name)
    if source is None:
        raise AnalysisError(f"Source {stmt.name} does not exist.")
    if source.is_source:
        raise AnalysisError(
            f"Cannot alter {label} '{stmt.name}': ALTER operations are not supported on source "
            f"{label}s."
        )
    if source.query_id is not None:
        raise AnalysisError("ALTER command is not supported for CREATE ... AS statements.")
    columns = list(source.schema.columns)
    for added in stmt.columns:
        if source.schema.find(added.name) is not None:
            raise AnalysisError(
                f"Cannot add column `{added.name}` to schema. A column with the same name "
                "already exists."
            )
        columns.append(Column(added.name, resolve_type(added.type, engine.catalog.types)))
    from dataclasses import replace

    engine.catalog.put_source(replace(source, schema=LogicalSchema(tuple(columns))))
    return current_status(
        stmt.text,
        f"{label}/{stmt.name}/alter",
        f"{kind.title} altered",
        sequence=session.sequence,
    )
