"""Persistent queries: CREATE STREAM/TABLE AS SELECT and INSERT INTO ... SELECT.

The sink inherits its key and value formats from the query's left-most source unless the WITH
clause names others; its topic defaults to the sink's name and its partition count to the
source's. Query ids are ksqlDB's: `CSAS_<SINK>_<n>`, `CTAS_<SINK>_<n>`, `INSERTQUERY_<n>`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.analysis import bound
from ksqlmv.engine.analysis.typerules import can_implicitly_cast
from ksqlmv.engine.catalog import (
    DataSource,
    FormatInfo,
    LogicalSchema,
    QueryInfo,
    SourceKind,
)
from ksqlmv.engine.execution.ddl import build_timestamp
from ksqlmv.engine.execution.formats import (
    DEFAULT_KEY_FORMAT,
    build_key_format,
    build_value_format,
    check_aggregation_state,
    check_serdes,
    format_info,
)
from ksqlmv.engine.execution.properties import AS_SELECT_PROPERTIES, WithProperties, read_properties
from ksqlmv.engine.execution.results import StatementResult, current_status, warning
from ksqlmv.engine.planning.nodes import PlanNode, ProjectNode, SinkNode
from ksqlmv.engine.planning.planner import PlannedQuery
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import statements as s

if TYPE_CHECKING:
    from ksqlmv.engine.engine import Session

__all__ = ["create_as_select", "insert_into"]

# Format properties a sink inherits from its source when it keeps the source's format.
_INHERITABLE = {"DELIMITED": {"delimiter"}}


def _sink_format(
    props: WithProperties,
    explicit: str | None,
    inherited: FormatInfo,
    *,
    is_key: bool,
    sink: str,
) -> FormatInfo:
    name = (explicit or inherited.name).upper()
    info = format_info(name, props, is_key=is_key, source_name=sink)
    if name == inherited.name:
        keep = _INHERITABLE.get(name, set())
        merged = {k: v for k, v in inherited.properties if k in keep}
        merged.update(dict(info.properties))
        info = FormatInfo(name, tuple(sorted(merged.items())))
    return info


def _formats(
    session: Session, props: WithProperties, plan: PlannedQuery, sink: str
) -> tuple[FormatInfo, FormatInfo]:
    left = plan.sources[0]
    both = props.upper("FORMAT")
    key = props.upper("KEY_FORMAT")
    value = props.upper("VALUE_FORMAT")
    if both is not None:
        if key is not None or value is not None:
            which = "KEY_FORMAT" if key is not None else "VALUE_FORMAT"
            raise AnalysisError(
                f"Cannot supply both '{which}' and 'FORMAT' properties, as 'FORMAT' sets both "
                "key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and "
                "'VALUE_FORMAT'."
            )
        key = value = both
    if plan.keyless and plan.root.schema.key == () and _partition_by_null(plan):
        if key is not None and key != "NONE":
            raise AnalysisError("Key format specified for stream without key columns.")
        key = "NONE"
    key_info = _sink_format(props, key, left.key_format.format, is_key=True, sink=sink)
    if key is None and key_info.name == "NONE" and plan.key:
        default = str(session.config.get(DEFAULT_KEY_FORMAT, "KAFKA")).upper()
        key_info = format_info(default, props, is_key=True, source_name=sink)
    value_info = _sink_format(props, value, left.value_format.format, is_key=False, sink=sink)
    return key_info, value_info


def _partition_by_null(plan: PlannedQuery) -> bool:
    from ksqlmv.engine.planning.nodes import RekeyNode, walk_plan

    return any(isinstance(n, RekeyNode) and not n.key for n in walk_plan(plan.root))


def _plan(session: Session, query: Any, sink: str, query_id: str) -> PlannedQuery:
    from ksqlmv.engine.planning.context import PlanContext
    from ksqlmv.engine.planning.planner import QueryPlanner

    engine = session.engine
    ctx = PlanContext(
        engine.catalog,
        engine.functions,
        query_id=query_id,
        service_id=engine.service_id,
        sink=sink,
        persistent=True,
        properties=session.config,
    )
    return QueryPlanner(ctx).plan(query)


def create_as_select(session: Session, stmt: s.CreateAsSelect) -> StatementResult:
    """CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH (...)] AS SELECT ..."""
    engine = session.engine
    kind = SourceKind.TABLE if stmt.kind is s.SourceKind.TABLE else SourceKind.STREAM
    label = kind.value.lower()
    props = read_properties(stmt.properties, AS_SELECT_PROPERTIES)
    existing = engine.catalog.source(stmt.name)
    if existing is not None and not stmt.or_replace:
        message = (
            f"Cannot add {label} '{stmt.name}': A {existing.kind.value.lower()} with the same "
            "name already exists"
        )
        if stmt.if_not_exists:
            return warning(stmt.text, message)
        raise AnalysisError(message)
    prefix = "CTAS" if kind is SourceKind.TABLE else "CSAS"
    replaced = existing.query_id if existing is not None and stmt.or_replace else None
    query_id = replaced or engine.catalog.new_query_id(prefix, stmt.name)
    plan = _plan(session, stmt.query, stmt.name, query_id)
    if plan.kind is SourceKind.TABLE and kind is SourceKind.STREAM:
        raise AnalysisError(
            "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS "
            "SELECT statement instead."
        )
    if plan.kind is SourceKind.STREAM and kind is SourceKind.TABLE:
        raise AnalysisError(
            "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM "
            "AS SELECT statement instead."
        )
    schema = plan.schema
    if props.get("RETENTION_MS") is not None and plan.window is None:
        raise AnalysisError(
            "Invalid config variable in the WITH clause: RETENTION_MS.\nThe retention property "
            "can only be used when creating windowed tables."
        )
    key_info, value_info = _formats(session, props, plan, stmt.name)
    prefix_topic = str(session.config.get("ksql.output.topic.name.prefix", "") or "")
    topic = props.text("KAFKA_TOPIC") or prefix_topic + stmt.name
    key_format = build_key_format(key_info, schema, plan.window)
    value_format = build_value_format(value_info, schema, props, session.config)
    partitions = props.integer("PARTITIONS") or plan.sources[0].partitions
    sink = DataSource(
        name=stmt.name,
        kind=kind,
        schema=schema,
        topic=topic,
        key_format=key_format,
        value_format=value_format,
        timestamp=build_timestamp(props, schema),
        sql=stmt.text,
        query_id=query_id,
        partitions=partitions,
        replicas=props.integer("REPLICAS") or 1,
    )
    check_serdes(session, sink)
    check_aggregation_state(session, plan.root)
    engine.topics.ensure(topic, partitions, sink.replicas, props)
    root = SinkNode("Sink", plan.root.schema, plan.root, sink, tuple(c.name for c in plan.value))
    if replaced is not None:
        engine.terminate(replaced, keep_sink=True)
    engine.catalog.put_source(sink)
    engine.start_query(
        QueryInfo(query_id, stmt.text, stmt.name, tuple(s.name for s in plan.sources), topic),
        root,
        session,
    )
    return current_status(
        stmt.text,
        f"{label}/{stmt.name}/create",
        f"Created query with ID {query_id}",
        sequence=session.sequence,
        query_id=query_id,
    )


def _compatible(result: LogicalSchema, sink: LogicalSchema) -> bool:
    if len(result.columns) != len(sink.columns):
        return False
    for a, b in zip(result.columns, sink.columns, strict=True):
        if a.name != b.name or a.kind is not b.kind:
            return False
        if not can_implicitly_cast(a.type, b.type):
            return False
    return True


def _cast_to_sink(root: PlanNode, value: tuple[str, ...], sink: LogicalSchema) -> PlanNode:
    """`root`, or a projection of it that casts the value columns whose type differs from the
    sink's: INSERT INTO accepts results that cast implicitly to the sink's columns (INT into
    DECIMAL(5,2)), as ksqlDB does, and writes them as the sink's types."""
    wanted = {c.name: c.type for c in sink.value if c.name in value}
    row = root.schema.row
    if all(wanted.get(name, sql_type) == sql_type for name, sql_type in row):
        return root
    columns: list[tuple[str, bound.Bound]] = []
    types = []
    for name, sql_type in row:
        column = bound.ColumnValue(sql_type, name, name)
        target = wanted.get(name, sql_type)
        cast = column if target == sql_type else bound.Cast(target, name, column)
        columns.append((name, cast))
        types.append((name, target))
    schema = replace(root.schema, row=tuple(types))
    return ProjectNode(f"{root.id}-Cast", schema, root, tuple(columns))


def insert_into(session: Session, stmt: s.InsertInto) -> StatementResult:
    """INSERT INTO stream [WITH (QUERY_ID='...')] SELECT ..."""
    engine = session.engine
    target = engine.catalog.source(stmt.target)
    if target is None:
        where = f"Line: {stmt.line}, Col: {stmt.column + 12}: " if stmt.line else ""
        raise AnalysisError(f"{where}Source `{stmt.target}` does not exist.")
    if target.is_table:
        raise AnalysisError(
            f"INSERT INTO can only be used to insert into a stream. {target.name} is a table."
        )
    if target.is_source:
        raise AnalysisError(f"Cannot insert into read-only stream: {target.name}")
    if target.schema.headers:
        raise AnalysisError(f"Cannot insert into {target.name} because it has header columns")
    props = read_properties(stmt.properties, AS_SELECT_PROPERTIES)
    explicit_id = props.text("QUERY_ID")
    if explicit_id is not None:
        query_id = explicit_id.upper()
        if query_id in engine.catalog.queries:
            raise AnalysisError(f"Query ID '{query_id}' already exists.")
    else:
        query_id = engine.catalog.new_query_id("INSERTQUERY", None)
    plan = _plan(session, stmt.query, target.name, query_id)
    if plan.kind is not target.kind:
        raise AnalysisError(
            f"Incompatible data sink and query result. Data sink ({target.name}) type is "
            f"{'KTABLE' if target.is_table else 'KSTREAM'} but select query result is "
            f"{'KTABLE' if plan.kind is SourceKind.TABLE else 'KSTREAM'}."
        )
    if not _compatible(plan.schema, target.schema):
        raise AnalysisError(
            "Incompatible schema between results and sink.\n"
            f"Result schema is {plan.schema}\nSink schema is {target.schema}"
        )
    sink = target
    if plan.schema != target.schema:
        sink = replace(target, schema=target.schema)
    value = tuple(c.name for c in plan.value)
    result = _cast_to_sink(plan.root, value, target.schema)
    root = SinkNode("Sink", result.schema, result, sink, value)
    engine.start_query(
        QueryInfo(
            query_id, stmt.text, target.name, tuple(s.name for s in plan.sources), target.topic
        ),
        root,
        session,
    )
    return current_status(
        stmt.text,
        f"stream/{target.name}/create",
        f"Created query with ID {query_id}",
        sequence=session.sequence,
        query_id=query_id,
    )
