"""Session and catalog statements: SET/UNSET, DEFINE/UNDEFINE, SHOW/LIST, DESCRIBE, TERMINATE,
PAUSE/RESUME, EXPLAIN and the ASSERT preconditions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ksqlmv.engine.catalog import DataSource, QueryStatus
from ksqlmv.engine.drivers.kafka import application_id
from ksqlmv.engine.execution import asserts
from ksqlmv.engine.execution.results import StatementResult, current_status, source_summary
from ksqlmv.errors import AnalysisError
from ksqlmv.sql import ast

if TYPE_CHECKING:
    from ksqlmv.engine.engine import Session

__all__ = ["HANDLERS", "describe_source"]


def _entity(stmt: ast.Statement, kind: str, **fields: Any) -> StatementResult:
    return StatementResult({"@type": kind, "statementText": stmt.text, **fields, "warnings": []})


def _set(session: Session, stmt: ast.SetProperty) -> StatementResult:
    session.config[stmt.name] = stmt.value
    return _entity(stmt, "currentStatus", commandStatus={"status": "SUCCESS", "message": ""})


def _unset(session: Session, stmt: ast.UnsetProperty) -> StatementResult:
    session.config.pop(stmt.name, None)
    if stmt.name in session.engine.properties:
        session.config[stmt.name] = session.engine.properties[stmt.name]
    return _entity(stmt, "currentStatus", commandStatus={"status": "SUCCESS", "message": ""})


def _define(session: Session, stmt: ast.DefineVariable) -> StatementResult:
    session.variables[stmt.name.upper()] = stmt.value
    return _entity(stmt, "currentStatus", commandStatus={"status": "SUCCESS", "message": ""})


def _undefine(session: Session, stmt: ast.UndefineVariable) -> StatementResult:
    session.variables.pop(stmt.name.upper(), None)
    return _entity(stmt, "currentStatus", commandStatus={"status": "SUCCESS", "message": ""})


def _list_variables(session: Session, stmt: ast.ListVariables) -> StatementResult:
    variables = [{"name": k, "value": v} for k, v in sorted(session.variables.items())]
    return _entity(stmt, "variables", variables=variables)


def _sources(session: Session, table: bool) -> list[DataSource]:
    return [s for s in session.engine.catalog if s.is_table == table]


def _list_streams(session: Session, stmt: ast.ListStreams) -> StatementResult:
    if stmt.extended:
        return _entity(
            stmt,
            "source_descriptions",
            sourceDescriptions=[
                describe_source(session, s, True) for s in _sources(session, False)
            ],
        )
    streams = [source_summary(s) for s in _sources(session, False)]
    return _entity(stmt, "streams", streams=streams)


def _list_tables(session: Session, stmt: ast.ListTables) -> StatementResult:
    if stmt.extended:
        return _entity(
            stmt,
            "source_descriptions",
            sourceDescriptions=[describe_source(session, s, True) for s in _sources(session, True)],
        )
    tables = [source_summary(s) for s in _sources(session, True)]
    return _entity(stmt, "tables", tables=tables)


def _query_summary(session: Session, query_id: str) -> dict[str, Any]:
    info = session.engine.catalog.queries[query_id]
    return {
        "queryString": info.sql,
        "sinks": [info.sink] if info.sink else [],
        "sinkKafkaTopics": [info.sink_topic] if info.sink_topic else [],
        "id": info.query_id,
        "statusCount": {info.status: 1},
        "queryType": "PERSISTENT",
        "state": info.status,
    }


def _list_queries(session: Session, stmt: ast.ListQueries) -> StatementResult:
    found = [_query_summary(session, q) for q in session.engine.catalog.queries]
    return _entity(stmt, "queries", queries=found)


def _list_topics(session: Session, stmt: ast.ListTopics) -> StatementResult:
    driver = session.engine.driver
    names = sorted(getattr(driver, "topic_names", list)())
    if not stmt.all_topics:
        names = [n for n in names if not n.startswith("_")]
    topics = [{"name": n, "replicaInfo": [1] * (driver.topic_partitions(n) or 1)} for n in names]
    return _entity(stmt, "kafka_topics", topics=topics)


def _list_properties(session: Session, stmt: ast.ListProperties) -> StatementResult:
    props = [
        {
            "name": k,
            "scope": "KSQL",
            "level": "SERVER",
            "value": "" if v is None else str(v),
            "editable": True,
        }
        for k, v in sorted(session.config.items())
    ]
    return _entity(
        stmt, "properties", properties=props, overwrittenProperties=[], defaultProperties=[]
    )


def _list_types(session: Session, stmt: ast.ListTypes) -> StatementResult:
    types = {name: _type_schema(t) for name, t in sorted(session.engine.catalog.types.items())}
    return _entity(stmt, "type_list", types=types)


def _type_schema(sql_type: Any) -> dict[str, Any]:
    from ksqlmv.sql.types import ArrayType, MapType, StructType

    schema: dict[str, Any] = {"type": sql_type.base.value, "fields": None, "memberSchema": None}
    if isinstance(sql_type, ArrayType):
        schema["memberSchema"] = _type_schema(sql_type.element)
    elif isinstance(sql_type, MapType):
        schema["memberSchema"] = _type_schema(sql_type.value)
    elif isinstance(sql_type, StructType):
        schema["fields"] = [
            {"name": f.name, "schema": _type_schema(f.type)} for f in sql_type.fields
        ]
    return schema


def describe_source(session: Session, source: DataSource, extended: bool) -> dict[str, Any]:
    """A `sourceDescription`, as DESCRIBE returns it."""
    catalog = session.engine.catalog
    fields: list[dict[str, Any]] = [
        {"name": "ROWTIME", "schema": _type_schema_of("BIGINT"), "type": "SYSTEM"}
    ]
    if source.windowed:
        for bound in ("WINDOWSTART", "WINDOWEND"):
            fields.append({"name": bound, "schema": _type_schema_of("BIGINT"), "type": "SYSTEM"})
    for column in source.schema.columns:
        entry: dict[str, Any] = {"name": column.name, "schema": _type_schema(column.type)}
        if column.is_key:
            entry["type"] = "KEY"
        elif column.kind.value == "HEADER":
            entry["type"] = "HEADER"
            if column.header_key is not None:
                entry["headerKey"] = column.header_key
        fields.append(entry)
    window = source.key_format.window
    metrics = session.engine.metrics
    if extended:
        metrics.sample(every=0.0)
    return {
        "name": source.name,
        "windowType": window.type.value if window else None,
        "readQueries": [
            _query_summary(session, q.query_id) for q in catalog.queries_reading(source.name)
        ],
        "writeQueries": [
            _query_summary(session, q.query_id) for q in catalog.queries_writing(source.name)
        ],
        "fields": fields,
        "type": source.kind.value,
        "timestamp": source.timestamp.column if source.timestamp else "",
        "statistics": metrics.formatted(source.topic, False) if extended else "",
        "errorStats": metrics.formatted(source.topic, True) if extended else "",
        "extended": extended,
        "keyFormat": source.key_format.format.name,
        "valueFormat": source.value_format.format.name,
        "topic": source.topic,
        "partitions": source.partitions,
        "replication": source.replicas,
        "statement": source.sql,
        "queryOffsetSummaries": _offset_summaries(session, source) if extended else [],
        "sourceConstraints": [],
    }


def _offset_summaries(session: Session, source: DataSource) -> list[dict[str, Any]]:
    """Each query writing `source`: its consumer group's offsets over the topics it reads (a
    driver without consumer groups has none to show)."""
    engine = session.engine
    read = getattr(engine.driver, "group_offsets", None)
    if read is None:
        return []
    found = []
    for info in engine.catalog.queries_writing(source.name):
        running = engine.queries.get(info.query_id)
        if running is None:
            continue
        service_id = str(running.ctx.properties.get("ksql.service.id") or "default_")
        found.append(read(application_id(service_id, info.query_id), running.source_topics))
    return found


def _type_schema_of(name: str) -> dict[str, Any]:
    return {"type": name, "fields": None, "memberSchema": None}


def _describe(session: Session, stmt: ast.DescribeSource) -> StatementResult:
    source = session.engine.catalog.source(stmt.name)
    if source is None:
        raise AnalysisError(f"Could not find STREAM/TABLE '{stmt.name}' in the Metastore")
    return _entity(
        stmt, "sourceDescription", sourceDescription=describe_source(session, source, stmt.extended)
    )


def _describe_all(session: Session, stmt: Any, table: bool) -> StatementResult:
    return _entity(
        stmt,
        "source_descriptions",
        sourceDescriptions=[
            describe_source(session, s, stmt.extended) for s in _sources(session, table)
        ],
    )


def _terminate(session: Session, stmt: ast.TerminateQuery) -> StatementResult:
    engine = session.engine
    if stmt.query_id is None:
        for query_id in list(engine.catalog.queries):
            engine.terminate(query_id)
        return _entity(stmt, "terminate_query", queryId=None, wasTerminated=True)
    query_id = stmt.query_id.upper()
    if query_id not in engine.catalog.queries:
        raise AnalysisError(f"Unknown queryId: {stmt.query_id}")
    engine.terminate(query_id)
    return _entity(stmt, "terminate_query", queryId=query_id, wasTerminated=True)


def _pause_resume(session: Session, stmt: Any, paused: bool) -> StatementResult:
    engine = session.engine
    targets = list(engine.catalog.queries) if stmt.query_id is None else [stmt.query_id.upper()]
    for query_id in targets:
        if query_id not in engine.catalog.queries:
            raise AnalysisError(f"Unknown queryId: {stmt.query_id}")
        engine.catalog.set_query_status(
            query_id, QueryStatus.PAUSED if paused else QueryStatus.RUNNING
        )
        running = engine.queries.get(query_id)
        if running is not None:
            running.paused = paused
    verb = "paused" if paused else "resumed"
    return current_status(
        stmt.text,
        f"query/{stmt.query_id or 'ALL'}/{verb}",
        f"Query {verb}.",
        sequence=session.sequence,
    )


def _explain(session: Session, stmt: ast.Explain) -> StatementResult:
    from ksqlmv.engine.planning.nodes import explain

    engine = session.engine
    if stmt.query_id is not None:
        query_id = stmt.query_id.upper()
        running = engine.queries.get(query_id)
        info = engine.catalog.queries.get(query_id)
        if running is None or info is None:
            raise AnalysisError(
                f"Query with id:{stmt.query_id} does not exist, use SHOW QUERIES "
                "to view the full set of running queries."
            )
        description = {
            "id": query_id,
            "statementText": info.sql,
            "sources": list(info.sources),
            "sinks": [info.sink] if info.sink else [],
            "executionPlan": explain(running.plan),
            "topology": explain(running.plan),
            "overriddenProperties": {},
            "state": info.status,
        }
        return _entity(stmt, "queryDescription", queryDescription=description)
    raise AnalysisError("EXPLAIN of a statement is only supported for query ids")


def _list_functions(session: Session, stmt: ast.ListFunctions) -> StatementResult:
    registry = getattr(session.engine.functions, "registry", None)
    functions = []
    if registry is not None:
        functions = [
            {"name": f.name, "type": f.type.value, "category": f.category}
            for f in registry.list_functions()
        ]
    return _entity(stmt, "function_names", functions=functions)


HANDLERS: dict[type, Any] = {
    ast.SetProperty: _set,
    ast.UnsetProperty: _unset,
    ast.DefineVariable: _define,
    ast.UndefineVariable: _undefine,
    ast.ListVariables: _list_variables,
    ast.ListStreams: _list_streams,
    ast.ListTables: _list_tables,
    ast.ListQueries: _list_queries,
    ast.ListTopics: _list_topics,
    ast.ListProperties: _list_properties,
    ast.ListTypes: _list_types,
    ast.ListFunctions: _list_functions,
    ast.DescribeSource: _describe,
    ast.DescribeStreams: lambda s, st: _describe_all(s, st, False),
    ast.DescribeTables: lambda s, st: _describe_all(s, st, True),
    ast.TerminateQuery: _terminate,
    ast.PauseQuery: lambda s, st: _pause_resume(s, st, True),
    ast.ResumeQuery: lambda s, st: _pause_resume(s, st, False),
    ast.Explain: _explain,
    ast.AssertTopic: asserts.assert_topic,
    ast.AssertSchema: asserts.assert_schema,
}
