"""The engine: statements in, catalog changes and running queries out.

`KsqlEngine.execute(sql)` parses the text, and for each statement dispatches on its AST class
(`_HANDLERS`), applies it to the catalog, and starts the persistent queries it creates on the
driver. Each call runs in a `Session` that carries the request's properties, SET/UNSET changes
and DEFINE'd variables.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ksqlmv.engine.analysis.functions import FunctionLibrary
from ksqlmv.engine.analysis.library import configured_library
from ksqlmv.engine.catalog import (
    Catalog,
    Column,
    ColumnKind,
    DataSource,
    FormatInfo,
    QueryInfo,
    SourceKind,
)
from ksqlmv.engine.drivers.base import Driver
from ksqlmv.engine.execution import admin, ddl, insert_values, queries
from ksqlmv.engine.execution.formats import resolve_create_formats
from ksqlmv.engine.execution.properties import WithProperties
from ksqlmv.engine.execution.results import StatementResult
from ksqlmv.engine.execution.topics import Topics
from ksqlmv.engine.planning.nodes import PlanNode
from ksqlmv.engine.runtime.base import QueryContext
from ksqlmv.engine.runtime.builder import QueryBuilder
from ksqlmv.engine.runtime.metrics import Metrics
from ksqlmv.engine.runtime.processing_log import (
    PROCESSING_LOG_STREAM,
    ProcessingLog,
    processing_log_stream_sql,
    processing_log_topic,
)
from ksqlmv.engine.runtime.query import RunningQuery
from ksqlmv.errors import AnalysisError, KsqlmvError
from ksqlmv.sql import ast, parse, split_statements

__all__ = ["DEFAULT_PROPERTIES", "KsqlEngine", "Session"]

log = logging.getLogger(__name__)

DEFAULT_PROPERTIES: dict[str, Any] = {
    "ksql.service.id": "default_",
    "ksql.persistence.default.format.key": "KAFKA",
    "ksql.persistence.default.format.value": None,
    "ksql.persistence.wrap.single.values": None,
    "ksql.output.topic.name.prefix": "",
    "auto.offset.reset": "latest",
}


@dataclass
class Session:
    """The scope of one `execute` call: properties, variables, statement numbering."""

    engine: KsqlEngine
    config: dict[str, Any]
    variables: dict[str, str] = field(default_factory=dict)
    sequence: int = 0

    def formats_for_create(self, props: WithProperties, name: str) -> tuple[FormatInfo, FormatInfo]:
        """The key and value formats of a CREATE STREAM/TABLE."""
        return resolve_create_formats(props, self.config, name)

    def infer_columns(
        self,
        columns: list[Column],
        props: WithProperties,
        key_format: FormatInfo,
        value_format: FormatInfo,
        topic: str,
        kind: SourceKind,
        name: str,
    ) -> list[Column]:
        """Declared columns, completed from Schema Registry where the format allows it."""
        from ksqlmv.engine.execution.inference import complete_columns

        return complete_columns(self, columns, props, key_format, value_format, topic, kind)


Handler = Callable[[Session, Any], StatementResult]


class KsqlEngine:
    """Runs KSQL statements against a catalog and a driver.

    >>> # engine = KsqlEngine(TestDriver()); engine.execute("CREATE STREAM ...; CREATE ...")
    """

    def __init__(
        self,
        driver: Driver,
        *,
        properties: dict[str, Any] | None = None,
        functions: FunctionLibrary | None = None,
        processing_log: ProcessingLog | None = None,
    ) -> None:
        self.driver = driver
        self.registry = driver.registry
        self.properties: dict[str, Any] = {**DEFAULT_PROPERTIES, **(properties or {})}
        self.catalog = Catalog()
        self.functions: FunctionLibrary = functions or configured_library(self.properties)
        self.topics = Topics(driver)
        self.processing_log = processing_log or ProcessingLog()
        self.metrics = Metrics()
        if self.processing_log.on_deserialization_error is None:
            self.processing_log.on_deserialization_error = self.metrics.failed
        self.queries: dict[str, RunningQuery] = {}
        self.sequence = 0

    @property
    def service_id(self) -> str:
        """`ksql.service.id`, which prefixes internal topic names."""
        return str(self.properties.get("ksql.service.id") or "default_")

    # -- statements ------------------------------------------------------------------------

    def session(
        self, properties: dict[str, Any] | None = None, variables: dict[str, str] | None = None
    ) -> Session:
        """A session over the engine's properties plus `properties`."""
        return Session(
            self,
            {**self.properties, **(properties or {})},
            {k.upper(): v for k, v in (variables or {}).items()},
        )

    def execute(
        self,
        sql: str,
        properties: dict[str, Any] | None = None,
        variables: dict[str, str] | None = None,
    ) -> list[StatementResult]:
        """Run every statement of `sql` in order; stops at the first that fails (raises)."""
        session = self.session(properties, variables)
        results = []
        for piece in split_statements(sql):
            # Each statement is parsed only once the ones before it ran (DEFINE, SET), padded so
            # that error positions count lines and columns in the whole text.
            padded = "\n" * (piece.line - 1) + " " * (piece.column - 1) + piece.text
            for statement in self.parse(padded, session):
                results.append(self.execute_statement(statement, session))
        return results

    def parse(self, sql: str, session: Session) -> list[ast.Statement]:
        """`sql` split and parsed, with the session's variables substituted."""
        if session.variables:
            from ksqlmv.sql import substitute_variables

            sql = substitute_variables(sql, session.variables)
        return list(parse(sql))

    def execute_statement(self, statement: ast.Statement, session: Session) -> StatementResult:
        """Run one parsed statement."""
        handler = _HANDLERS.get(type(statement))
        if handler is None:
            raise AnalysisError(f"Statement not executable: {type(statement).__name__}")
        self.sequence += 1
        session.sequence = self.sequence
        return handler(session, statement)

    # -- queries ---------------------------------------------------------------------------

    def start_query(self, info: QueryInfo, root: PlanNode, session: Session) -> RunningQuery:
        """Build a persistent query's operators and start it on the driver."""
        ctx = QueryContext(
            query_id=info.query_id,
            produce=self.driver.produce,
            log=self.processing_log,
            registry=self.registry,
            properties=session.config,
            commits=bool(getattr(self.driver, "commits", False)),
            metrics=self.metrics,
        )
        running = QueryBuilder(ctx, self.driver.store_factory(info.query_id)).build(root)
        self.catalog.put_query(info)
        self.queries[info.query_id] = running
        self._count(running)
        self.driver.start(running)
        return running

    def materialize(self, source: DataSource, session: Session) -> RunningQuery:
        """Start the query that keeps a SOURCE table's rows for pull queries (`CST_...`)."""
        from ksqlmv.engine.catalog.sources import DataSource as _Source
        from ksqlmv.engine.planning.nodes import NodeSchema, SourceNode

        assert isinstance(source, _Source)
        query_id = self.catalog.new_query_id("CST", source.name)
        row = source.schema.row_columns(windowed=source.windowed)
        node = SourceNode(
            "Source",
            NodeSchema(source.schema.key, row, source.key_format.window, True),
            source,
            source.name,
        )
        ctx = QueryContext(
            query_id=query_id,
            produce=self.driver.produce,
            log=self.processing_log,
            registry=self.registry,
            properties={**session.config, "auto.offset.reset": "earliest"},
            metrics=self.metrics,
        )
        running = QueryBuilder(ctx, self.driver.store_factory(query_id)).build_materialization(node)
        self.catalog.put_query(QueryInfo(query_id, source.sql, None, (source.name,)))
        self.queries[query_id] = running
        self._count(running)
        self.driver.start(running)
        return running

    def _count(self, running: RunningQuery) -> None:
        """Count what a persistent query reads (its sink counts what it writes), and sample
        the counters at each commit."""
        for topic in running.source_topics:
            running.consumed[topic] = self.metrics.consumer(running.query_id, topic)
        running.on_commit.append(self.metrics.sample)

    def terminate(self, query_id: str, *, keep_sink: bool = False) -> None:
        """Stop a persistent query and forget it."""
        running = self.queries.pop(query_id, None)
        if running is not None:
            self.driver.stop(running)
            running.close()
            self.metrics.forget(query_id)
        self.catalog.drop_query(query_id)

    def publish_processing_log(self, *, create_stream: bool = True) -> str:
        """Write processing-log entries as JSON to `<service id>ksql_processing_log`.

        Creates the topic, and (unless `create_stream` is False) the `KSQL_PROCESSING_LOG`
        stream over it, as ksqlDB does with `ksql.logging.processing.stream.auto.create`.
        Returns the topic's name.
        """
        topic = processing_log_topic(self.service_id)
        driver = self.driver
        if not driver.topic_exists(topic):
            driver.create_topic(topic, 1, 1, {})

        def write(entry: dict[str, Any]) -> None:
            driver.produce(topic, None, json.dumps(entry).encode(), int(entry["time"]), ())

        self.processing_log.sink = write
        if create_stream and self.catalog.source(PROCESSING_LOG_STREAM) is None:
            self.execute(processing_log_stream_sql(topic))
        return topic

    def close(self) -> None:
        """Stop every query."""
        for query_id in list(self.queries):
            self.terminate(query_id)


def _create_source(session: Session, stmt: Any) -> StatementResult:
    return ddl.create_source(session, stmt)


_HANDLERS: dict[type, Handler] = {
    ast.CreateStream: ddl.create_source,
    ast.CreateTable: ddl.create_source,
    ast.CreateStreamAsSelect: queries.create_as_select,
    ast.CreateTableAsSelect: queries.create_as_select,
    ast.InsertInto: queries.insert_into,
    ast.InsertValues: insert_values.insert_values,
    ast.DropStream: ddl.drop_source,
    ast.DropTable: ddl.drop_source,
    ast.CreateType: ddl.create_type,
    ast.DropType: ddl.drop_type,
    ast.AlterSource: ddl.alter_source,
    **admin.HANDLERS,
}

_ = (ColumnKind, KsqlmvError)
