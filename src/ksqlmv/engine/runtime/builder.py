"""Turns a plan into running operators: one `RunningQuery` per persistent or push query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksqlmv.engine.codegen.compiler import CodeBuilder, ExpressionCompiler
from ksqlmv.engine.planning.nodes import (
    AggregateNode,
    JoinNode,
    NodeSchema,
    PlanNode,
    SinkNode,
    SourceNode,
    SuppressNode,
)
from ksqlmv.engine.runtime.aggregate import RETRACT, AggregateOperator
from ksqlmv.engine.runtime.base import Emit, QueryContext, Row
from ksqlmv.engine.runtime.cache import OutputCache, cache_entries
from ksqlmv.engine.runtime.chain import compile_chain, is_stateless
from ksqlmv.engine.runtime.derived import DerivedRows, DerivedStore
from ksqlmv.engine.runtime.query import RunningQuery
from ksqlmv.engine.runtime.serdes import serdes_for
from ksqlmv.engine.runtime.sink import SinkOperator
from ksqlmv.engine.runtime.source import SourceOperator
from ksqlmv.engine.runtime.stores import KeyValueStore, WindowStore, freeze
from ksqlmv.engine.runtime.suppress import SuppressOperator

__all__ = ["MATERIALIZED", "Materializer", "QueryBuilder", "StoreFactory"]

StoreFactory = Callable[[str, str, bool], KeyValueStore]
"""`factory(store_name, changelog_topic, windowed)` → a store (the driver adds a changelog)."""


def _memory_store(name: str, topic: str, windowed: bool) -> KeyValueStore:
    return WindowStore(name) if windowed else KeyValueStore(name)


class QueryBuilder:
    """Builds the operators of one query."""

    def __init__(self, ctx: QueryContext, stores: StoreFactory | None = None) -> None:
        self.ctx = ctx
        self.code = CodeBuilder(ctx.report)
        self.stores = stores or _memory_store
        self.query: RunningQuery | None = None
        self._materialize = False
        self._aggregates: dict[str, AggregateOperator] = {}
        self._final = False

    def build(self, root: PlanNode, output: Emit | None = None) -> RunningQuery:
        """A running query for the plan under `root` (a SinkNode, or any node plus `output`)."""
        self.query = RunningQuery(self.ctx.query_id, root, self.ctx)
        if isinstance(root, SinkNode):
            self.query.sink_topic = root.target.topic
            self._build(root, _unused)
        else:
            assert output is not None
            self._build(root, output)
        return self.query

    def build_materialization(self, source: SourceNode) -> RunningQuery:
        """A query that only keeps a table's current rows (for `CREATE SOURCE TABLE`)."""
        self.query = RunningQuery(self.ctx.query_id, source, self.ctx)
        store = self.store(MATERIALIZED, source.source.windowed)
        self._build(source, Materializer(store, _unused))
        return self.query

    def _build(self, node: PlanNode, downstream: Emit) -> None:
        if isinstance(node, SinkNode):
            keys, values = serdes_for(node.target, self.ctx.registry)
            sink: Emit = SinkOperator(self.ctx, node.target, keys, values)
            if not node.target.is_table:
                self._build(node.input, sink)
                return
            entries = cache_entries(self.ctx.properties) if self.ctx.commits else 0
            if entries:
                assert self.query is not None
                cache = OutputCache(sink, entries)
                self.query.on_commit.append(cache.flush)
                sink = cache
            # Tables keep their current rows for pull queries; an aggregation's rows are
            # computed from its store when read (runtime/derived.py).
            after: list[PlanNode] = []
            current = node.input
            while is_stateless(current):
                after.insert(0, current)
                current = current.inputs()[0]
            if not isinstance(current, AggregateNode):
                windowed = node.target.windowed
                self._build(node.input, Materializer(self.store(MATERIALIZED, windowed), sink))
                return
            assert self.query is not None
            self._build(node.input, sink)
            operator = self._aggregates[current.id]
            rows = DerivedRows(operator.store, operator.result_of)
            rows.finish = (
                compile_chain(self.ctx, after, current.schema, rows.capture, self.code)
                if after
                else rows.capture
            )
            self.query.stores[MATERIALIZED] = DerivedStore(MATERIALIZED, rows)
        elif is_stateless(node):
            chain = [node]
            current = node.inputs()[0]
            while is_stateless(current):
                chain.insert(0, current)
                current = current.inputs()[0]
            fn = compile_chain(self.ctx, chain, current.schema, downstream, self.code)
            self._build(current, fn)
        elif isinstance(node, SourceNode):
            self._source(node, downstream)
        elif isinstance(node, AggregateNode):
            self._aggregate(node, downstream)
        elif isinstance(node, SuppressNode):
            assert node.window is not None
            if node.window.kind != "SESSION":
                # Time windows are emitted final by the aggregation itself (runtime/final.py).
                self._final = True
                self._build(node.input, downstream)
            else:
                assert self.query is not None
                suppress = SuppressOperator(node.window, downstream, self.store("Suppress-store"))
                self.query.operators[node.id] = suppress
                self._build(node.input, suppress)
        elif isinstance(node, JoinNode):
            from ksqlmv.engine.runtime.joins import build_join

            if self._materialize and node.schema.is_table:
                # The join's table feeds an aggregation: tell it which row each key replaces.
                downstream = Retractor(self.store(f"{node.id}-Materialize"), downstream)
            saved, self._materialize = self._materialize, False
            build_join(self, node, downstream)
            self._materialize = saved
        else:  # pragma: no cover - every node kind is handled above
            raise TypeError(f"cannot run plan node {type(node).__name__}")

    def build_input(self, node: PlanNode, downstream: Emit) -> None:
        """Build `node` and everything under it, feeding `downstream` (used by joins)."""
        self._build(node, downstream)

    def store(self, name: str, windowed: bool = False) -> KeyValueStore:
        """A state store of this query, registered for pull queries and changelogs."""
        assert self.query is not None
        topic = f"_confluent-ksql-{self.ctx.properties.get('ksql.service.id', 'default_')}query_"
        topic += f"{self.ctx.query_id}-{name}-changelog"
        store = self.stores(name, topic, windowed)
        self.query.stores[name] = store
        self.query.internal_topics[name] = topic
        return store

    def _source(self, node: SourceNode, downstream: Emit) -> None:
        assert self.query is not None
        keys, values = serdes_for(node.source, self.ctx.registry)
        table_store = None
        if node.materialize or (self._materialize and node.source.is_table):
            table_store = self.store("KsqlTopic-Reduce")
        operator = SourceOperator(self.ctx, node.source, keys, values, downstream, table_store)
        self.query.readers.setdefault(node.source.topic, []).append(operator.process)

    def _aggregate(self, node: AggregateNode, downstream: Emit) -> None:
        input_schema = node.input.schema
        functions = [call.resolution.factory(call.constants) for call in node.aggregates]
        arguments = [self.row_function(input_schema, call.args) for call in node.aggregates]
        windowed = node.window is not None
        store = self.store(node.store, windowed)
        final, self._final = self._final, False
        operator = AggregateOperator(
            self.ctx, node, functions, arguments, downstream, store, final=final
        )
        self._aggregates[node.id] = operator
        if windowed:
            assert self.query is not None
            self.query.operators[node.id] = operator  # its stream time outlives a restart
        every = tuple(arg for call in node.aggregates for arg in call.args)
        operator.compile(self.code, self.row_function(input_schema, every) if every else _no_args)
        # Aggregating a table undoes each key's previous row: its source must remember rows.
        saved, self._materialize = self._materialize, node.input.schema.is_table
        self._build(node.input, operator)
        self._materialize = saved

    def row_function(
        self, schema: NodeSchema, expressions: tuple[Any, ...]
    ) -> Callable[[Row], tuple[Any, ...]]:
        """A compiled `row -> (values...)` for `expressions` over rows of `schema`."""
        accessors = {name: f"row[{i}]" for i, (name, _) in enumerate(schema.row)}
        compiler = ExpressionCompiler(self.code, accessors)
        parts = [compiler.expr(x) for x in expressions]
        body = ", ".join(parts) + ("," if len(parts) == 1 else "")
        name = f"_args_{id(expressions)}"
        return self.code.function(f"def {name}(row):\n    return ({body})\n", name)


def _no_args(row: Row) -> tuple[Any, ...]:
    return ()


MATERIALIZED = "Materialized"
"""The store in which a table's writing query keeps the table's current rows."""


class Materializer:
    """Keeps a table's current row per key (and window), then passes each change on."""

    def __init__(self, store: KeyValueStore, downstream: Emit) -> None:
        self.store = store
        self.downstream = downstream

    def __call__(self, key: Any, row: Any, ts: int, window: Any, headers: Any, old: Any) -> None:
        """Record the change, then emit it."""
        frozen = freeze(key)
        slot = (frozen, window[0], window[1]) if window is not None else frozen
        self.store.put(slot, None if row is None else (key, row, ts, window), ts)
        self.downstream(key, row, ts, window, headers, old)


class Retractor:
    """Turns table updates into "retract the old row, add the new one" pairs."""

    def __init__(self, store: KeyValueStore, downstream: Emit) -> None:
        self.store = store
        self.downstream = downstream

    def __call__(self, key: Any, row: Any, ts: int, window: Any, headers: Any, old: Any) -> None:
        """Emit the key's previous row as a retraction, then the update itself."""
        frozen = freeze(key)
        previous = self.store.get(frozen)
        if previous is not None:
            self.downstream(key, previous, ts, window, headers, RETRACT)
        self.store.put(frozen, row, ts)
        self.downstream(key, row, ts, window, headers, None)


def _unused(*args: Any) -> None:  # pragma: no cover - a SinkNode never calls its downstream
    return None
