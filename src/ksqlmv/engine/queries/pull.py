"""Pull queries: `SELECT ... FROM table-or-stream [WHERE ...] [LIMIT n];`, answered and done.

Preparing one follows ksqlDB: the statement's clauses are checked (`PullQueryValidator`: no JOIN,
WINDOW, GROUP BY, PARTITION BY, HAVING or EMIT, no ROWPARTITION/ROWOFFSET), the source must be a
stream or a queryable table, the SELECT is planned like any transient query (so WHERE and the
projection compile once), and the WHERE clause is read as ksqlDB's `QueryFilterNode` reads it:
rewritten in disjunctive normal form (IN and BETWEEN expanded), each disjunct either a key
lookup (an equality on every key column) or a reason to scan the table. With
`ksql.query.pull.table.scan.enabled=false` a disjunct that would need a scan is an error with
ksqlDB's message.

A table pull query runs over the table's view: key lookups read only their keys, everything
else scans, and the compiled WHERE decides every row either way (so lookups are an index, never a
change of meaning). A stream pull query reads the stream's topic up to its current end.

>>> # prepared = prepare_pull(engine, parse_statement("SELECT * FROM T WHERE ID = 1;"), config)
>>> # rows = prepared.run_table(views.get("T"))
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.analysis.text import expression_text
from ksqlmv.engine.catalog import DataSource
from ksqlmv.engine.catalog.schema import ROWOFFSET, ROWPARTITION
from ksqlmv.engine.drivers.feeds import Dispatch, Record, read_to_end
from ksqlmv.engine.planning.context import PlanContext
from ksqlmv.engine.planning.nodes import SourceNode
from ksqlmv.engine.planning.planner import PlannedQuery, QueryPlanner
from ksqlmv.engine.queries.results import ResultSchema, describe
from ksqlmv.engine.queries.timestamps import rewrite_timestamps
from ksqlmv.engine.queries.views import TableView, is_queryable
from ksqlmv.engine.queries.where import (
    PULL_QUERY_SYNTAX_HELP,
    NoLookup,
    WhereAnalysis,
    check_likes,
    columns_of,
    invalid_where,
    pure_key_lookup,
)
from ksqlmv.engine.runtime.base import Emit, QueryContext, Row
from ksqlmv.engine.runtime.builder import QueryBuilder
from ksqlmv.engine.runtime.query import RunningQuery
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import query as q

if TYPE_CHECKING:
    from ksqlmv.engine.engine import KsqlEngine

__all__ = [
    "PULL_QUERY_SYNTAX_HELP",
    "PullQuery",
    "invalid_where",
    "plan_transient",
    "prepare_pull",
    "pure_key_lookup",
]

TABLE_SCAN = "ksql.query.pull.table.scan.enabled"
STREAM_PULL = "ksql.query.pull.stream.enabled"
LIMIT_ENABLED = "ksql.query.pull.limit.clause.enabled"
_DISALLOWED = (ROWPARTITION, ROWOFFSET)


def _flag(config: dict[str, Any], name: str, default: bool) -> bool:
    value = config.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


# -- the statement's clauses ----------------------------------------------------------------------


def _validate_clauses(query: q.Query, config: dict[str, Any]) -> None:
    """ksqlDB's PullQueryValidator rules, in its order."""
    message: str | None = None
    if isinstance(query.from_, q.Join):
        message = "Pull queries don't support JOIN clauses."
    elif query.window is not None:
        message = "Pull queries don't support WINDOW clauses."
    elif query.group_by is not None:
        message = "Pull queries don't support GROUP BY clauses."
    elif query.partition_by is not None:
        message = "Pull queries don't support PARTITION BY clauses."
    elif query.having is not None:
        message = "Pull queries don't support HAVING clauses."
    elif query.limit is not None and not _flag(config, LIMIT_ENABLED, True):
        message = (
            "LIMIT clause in pull queries is currently disabled. You can enable them by setting "
            "ksql.query.pull.limit.clause.enabled=true."
        )
    elif query.limit is not None and query.limit < 0:
        message = "Pull queries don't support negative integers in the LIMIT clause."
    elif query.emit is not None:
        message = "Pull queries don't support EMIT clauses."
    else:
        selected = [
            name
            for item in query.select
            if isinstance(item, q.SingleColumn)
            for name in columns_of(item.expression)
            if name in _DISALLOWED
        ]
        if selected:
            message = (
                "Pull queries don't support the following columns in SELECT clauses: "
                + ", ".join(f"`{n}`" for n in selected)
                + "\n"
            )
        elif query.where is not None:
            where = [n for n in columns_of(query.where) if n in _DISALLOWED]
            if where:
                message = (
                    "Pull queries don't support the following columns in WHERE clauses: "
                    + ", ".join(f"`{n}`" for n in where)
                    + "\n"
                )
    if message is not None:
        raise AnalysisError(message + PULL_QUERY_SYNTAX_HELP)


# -- planning and compiling -------------------------------------------------------------------


class _EntryBuilder(QueryBuilder):
    """Builds the operators above the source, and keeps the function the source would call,
    so rows of a view can be pushed straight into the compiled filter and projection."""

    entry: Emit | None = None

    def _source(self, node: SourceNode, downstream: Emit) -> None:
        self.entry = downstream


def plan_transient(
    engine: KsqlEngine, query: q.Query, config: dict[str, Any], query_id: str
) -> PlannedQuery:
    """Plan a SELECT that is not persisted (pull or push)."""
    ctx = PlanContext(
        engine.catalog,
        engine.functions,
        query_id=query_id,
        service_id=engine.service_id,
        sink=None,
        persistent=False,
        properties=config,
    )
    return QueryPlanner(ctx).plan(query)


def _context(engine: KsqlEngine, config: dict[str, Any], query_id: str) -> QueryContext:
    return QueryContext(
        query_id=query_id,
        produce=engine.driver.produce,
        log=engine.processing_log,
        registry=engine.registry,
        properties=config,
    )


def _source_of(query: q.Query, engine: KsqlEngine) -> DataSource:
    relation = query.from_
    assert isinstance(relation, q.AliasedRelation)
    source = engine.catalog.source(relation.name)
    if source is None:
        where = f"Line: {relation.line}, Col: {relation.column}: " if relation.line else ""
        raise AnalysisError(f"{where}{relation.name} does not exist.")
    return source


# -- the prepared query -------------------------------------------------------------------


@dataclass
class PullQuery:
    """A pull query ready to run: its result schema, source and how to read it."""

    query_id: str
    schema: ResultSchema
    source: DataSource
    keys: list[tuple[Any, ...]] | None
    limit: int | None
    entry: Emit | None = None
    running: RunningQuery | None = None
    rows: list[Row] | None = None

    @property
    def is_stream(self) -> bool:
        """Whether it scans a stream's topic (else it reads a table's view)."""
        return not self.source.is_table

    def run_table(self, view: TableView, keys: list[tuple[Any, ...]] | None = None) -> list[Row]:
        """The result rows, read from the table's view (on the engine's thread).

        `keys` replaces the query's own keys: a query prepared without its WHERE clause answers
        any pure key lookup of the same shape (see `pure_key_lookup`).
        """
        assert self.entry is not None and self.rows is not None
        self.rows.clear()
        if keys is None:
            keys = self.keys
        entries = view.lookup(keys) if keys is not None else view.scan()
        entry = self.entry
        limit = self.limit
        rows = self.rows
        for key, row, ts, window in entries:
            entry(key, row, ts, window, (), None)
            if limit is not None and len(rows) >= limit:
                del rows[limit:]
                break
        result = list(rows)
        rows.clear()
        return result

    def run_stream(self, kafka_config: dict[str, Any], dispatch: Dispatch) -> list[Row]:
        """The result rows of a stream: its topic read to the end seen now (blocks)."""
        assert self.running is not None and self.rows is not None
        running = self.running
        rows = self.rows
        limit = self.limit
        done = threading.Event()

        def deliver(batch: list[Record]) -> None:
            for record in batch:
                if done.is_set():
                    return
                running.process(*record)
                if limit is not None and len(rows) >= limit:
                    done.set()

        if limit != 0:
            read_to_end(
                kafka_config, running.source_topics, deliver, dispatch=dispatch, stopped=done
            )
        return rows[:limit] if limit is not None else list(rows)


def prepare_pull(
    engine: KsqlEngine, query: q.Query, config: dict[str, Any], query_id: str
) -> PullQuery:
    """Check and plan a pull query (raises `AnalysisError` with ksqlDB's messages)."""
    source = _source_of(query, engine) if isinstance(query.from_, q.AliasedRelation) else None
    _validate_clauses(query, config)
    assert source is not None
    if not source.is_table and not _flag(config, STREAM_PULL, True):
        raise AnalysisError(
            "Pull queries on streams are disabled. To create a push query on the stream, add "
            "EMIT CHANGES to the end. To enable pull queries on streams, set the "
            "ksql.query.pull.stream.enabled config to 'true'."
        )
    if query.where is not None:
        query = dataclasses.replace(query, where=rewrite_timestamps(query.where))
        if source.is_table:
            check_likes(query.where, source)
    try:
        planned = plan_transient(engine, query, config, query_id)
    except AnalysisError as error:
        message = str(error)
        if message.startswith("Error in WHERE expression") and query.where is not None:
            # ksqlDB names the (rewritten) predicate its type check failed on.
            raise AnalysisError(f"{message}\nStatement: {expression_text(query.where)}") from None
        raise
    # A stream's pull query answers like a push query that ends: no KEY columns in its header.
    schema, _ = describe(planned, pull=source.is_table)
    if source.is_table and not is_queryable(source):
        raise AnalysisError(
            f"The `{source.name}` table isn't queryable. To derive a queryable table, "  # noqa: S608
            "you can do "
            f"'CREATE TABLE QUERYABLE_{source.name} AS SELECT * FROM {source.name}'. "
            "See https://cnfl.io/queries for more info."
        )
    keys: list[tuple[Any, ...]] | None = None
    if source.is_table:
        analysis = WhereAnalysis(source, _flag(config, TABLE_SCAN, True))
        try:
            keys = analysis.keys(query.where)
        except NoLookup:
            keys = None
    rows: list[Row] = []

    def collect(key: Any, row: Row | None, ts: int, window: Any, headers: Any, old: Any) -> None:
        if row is not None:
            rows.append(row)

    ctx = _context(engine, config, query_id)
    prepared = PullQuery(query_id, schema, source, keys, query.limit, rows=rows)
    if source.is_table:
        builder = _EntryBuilder(ctx)
        builder.build(planned.root, collect)
        prepared.entry = builder.entry
    else:
        prepared.running = QueryBuilder(ctx).build(planned.root, collect)
    return prepared
