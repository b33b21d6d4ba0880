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
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.analysis.text import expression_text
from ksqlmv.engine.catalog import Column, DataSource
from ksqlmv.engine.catalog.schema import ROWOFFSET, ROWPARTITION, WINDOW_BOUNDS
from ksqlmv.engine.drivers.feeds import Dispatch, Record, read_to_end
from ksqlmv.engine.planning.context import PlanContext
from ksqlmv.engine.planning.nodes import SourceNode
from ksqlmv.engine.planning.planner import PlannedQuery, QueryPlanner
from ksqlmv.engine.queries.results import ResultSchema, describe
from ksqlmv.engine.queries.timestamps import rewrite_timestamps
from ksqlmv.engine.queries.views import TableView, is_queryable
from ksqlmv.engine.runtime.base import Emit, QueryContext, Row
from ksqlmv.engine.runtime.builder import QueryBuilder
from ksqlmv.engine.runtime.query import RunningQuery
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast import query as q
from ksqlmv.sql.ast.base import Expression, Node
from ksqlmv.sql.types import BaseType, DecimalType

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

PULL_QUERY_SYNTAX_HELP = (
    " See https://cnfl.io/queries for more info.\n"
    "Add EMIT CHANGES if you intended to issue a push query."
)
TABLE_SCAN = "ksql.query.pull.table.scan.enabled"
STREAM_PULL = "ksql.query.pull.stream.enabled"
LIMIT_ENABLED = "ksql.query.pull.limit.clause.enabled"
_DISALLOWED = (ROWPARTITION, ROWOFFSET)
_WINDOW_OPERATORS = frozenset(
    {
        e.ComparisonOperator.EQUAL,
        e.ComparisonOperator.GREATER_THAN,
        e.ComparisonOperator.GREATER_THAN_OR_EQUAL,
        e.ComparisonOperator.LESS_THAN,
        e.ComparisonOperator.LESS_THAN_OR_EQUAL,
    }
)
_NOT_KEY_LOOKUP = frozenset(
    {
        e.ComparisonOperator.NOT_EQUAL,
        e.ComparisonOperator.IS_DISTINCT_FROM,
        e.ComparisonOperator.IS_NOT_DISTINCT_FROM,
    }
)
_OPERATOR_NAMES = {
    e.ComparisonOperator.EQUAL: "EQUAL",
    e.ComparisonOperator.NOT_EQUAL: "NOT_EQUAL",
    e.ComparisonOperator.LESS_THAN: "LESS_THAN",
    e.ComparisonOperator.LESS_THAN_OR_EQUAL: "LESS_THAN_OR_EQUAL",
    e.ComparisonOperator.GREATER_THAN: "GREATER_THAN",
    e.ComparisonOperator.GREATER_THAN_OR_EQUAL: "GREATER_THAN_OR_EQUAL",
    e.ComparisonOperator.IS_DISTINCT_FROM: "IS_DISTINCT_FROM",
    e.ComparisonOperator.IS_NOT_DISTINCT_FROM: "IS_NOT_DISTINCT_FROM",
}


def _flag(config: dict[str, Any], name: str, default: bool) -> bool:
    value = config.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


# -- the statement's clauses ----------------------------------------------------------------------


def _columns(node: Node) -> list[str]:
    """Every column name referenced under `node`, in order."""
    found: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, e.ColumnRef):
            found.append(item.name)
            return
        if isinstance(item, Node):
            for name in getattr(item, "__dataclass_fields__", {}):
                visit(getattr(item, name, None))
        elif isinstance(item, tuple | list):
            for child in item:
                visit(child)

    visit(node)
    return found


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
            for name in _columns(item.expression)
            if name in _DISALLOWED
        ]
        if selected:
            message = (
                "Pull queries don't support the following columns in SELECT clauses: "
                + ", ".join(f"`{n}`" for n in selected)
                + "\n"
            )
        elif query.where is not None:
            where = [n for n in _columns(query.where) if n in _DISALLOWED]
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


# -- the WHERE clause ---------------------------------------------------------------------


def _dnf(node: Expression) -> list[list[Expression]]:
    """The disjuncts of `node` in disjunctive normal form, each a list of conjuncts."""
    if isinstance(node, e.InList):
        return [[e.Comparison(e.ComparisonOperator.EQUAL, node.value, item)] for item in node.items]
    if isinstance(node, e.Between):
        return [
            [
                e.Comparison(e.ComparisonOperator.GREATER_THAN_OR_EQUAL, node.value, node.lower),
                e.Comparison(e.ComparisonOperator.LESS_THAN_OR_EQUAL, node.value, node.upper),
            ]
        ]
    if isinstance(node, e.LogicalBinary):
        left, right = _dnf(node.left), _dnf(node.right)
        if node.operator is e.LogicalOperator.OR:
            return left + right
        return [a + b for a in left for b in right]
    return [[node]]


def _conjunction_text(conjuncts: Sequence[Expression]) -> str:
    node = conjuncts[0]
    for item in conjuncts[1:]:
        node = e.LogicalBinary(e.LogicalOperator.AND, node, item)
    return expression_text(node)


def invalid_where(message: str, windowed: bool) -> AnalysisError:
    """ksqlDB's `invalidWhereClauseException`: the reason, then how pull queries must look."""
    additional = ""
    if windowed:
        additional = (
            "\n - (optionally) limits the time bounds of the windowed table.\n"
            "\t Bounds on [`WINDOWSTART`, `WINDOWEND`] are supported\n"
            "\t Supported operators are [EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, "
            "LESS_THAN_OR_EQUAL]"
        )
    return AnalysisError(
        f"{message}. {PULL_QUERY_SYNTAX_HELP}\n"  # noqa: S608 - a message quoting SQL
        "Pull queries require a WHERE clause that:\n"
        " - includes a key equality expression, e.g. `SELECT * FROM X WHERE <key-column> = Y;`.\n"
        " - in the case of a multi-column key, is a conjunction of equality expressions that "
        "cover all key columns.\n"
        " - to support range expressions, e.g.,  SELECT * FROM X WHERE <key-column> < Y;`, range "
        "scans need to be enabled by setting ksql.query.pull.range.scan.enabled=true"
        f"{additional}\n"
        "If more flexible queries are needed, , table scans can be enabled by setting "
        "ksql.query.pull.table.scan.enabled=true."
    )


class _NeedsScan(Exception):
    """A disjunct that cannot be answered by key lookups."""


@dataclass
class _WhereAnalysis:
    source: DataSource
    scans_enabled: bool

    @property
    def windowed(self) -> bool:
        return self.source.windowed

    def scan_or_raise(self, message: str) -> None:
        if self.scans_enabled:
            raise _NeedsScan
        raise invalid_where(message, self.windowed)

    def keys(self, where: Expression | None) -> list[tuple[Any, ...]] | None:
        """The keys to look up, or None when the table must be scanned."""
        if where is None:
            if self.scans_enabled:
                return None
            raise invalid_where("WHERE clause missing key column", self.windowed)
        disjuncts = _dnf(where)
        try:
            for conjuncts in disjuncts:
                self._validate(conjuncts)
        except _NeedsScan:
            return None
        found: list[tuple[Any, ...]] = []
        for conjuncts in disjuncts:
            key = self._key_of(conjuncts)
            if key is None:
                return None
            found.append(key)
        return found

    def _column_side(self, node: e.Comparison) -> tuple[e.ColumnRef | None, Expression]:
        if isinstance(node.right, e.ColumnRef):
            return node.right, node.left
        if isinstance(node.left, e.ColumnRef):
            return node.left, node.right
        return None, node.right

    def _validate(self, conjuncts: list[Expression]) -> None:
        schema = self.source.schema
        key_names = [c.name for c in schema.key]
        seen: set[str] = set()
        for node in conjuncts:
            if isinstance(node, e.Like):
                self._validate_like(node)
                continue
            if not isinstance(node, e.Comparison):
                self.scan_or_raise(
                    f"Unsupported expression in WHERE clause: {expression_text(node)}"
                )
                continue
            column, other = self._column_side(node)
            if column is None:
                self.scan_or_raise("A comparison must directly reference a key column")
                continue
            if _columns(other):
                self.scan_or_raise(
                    "A comparison must be between a key column and a resolvable expression"
                )
                continue
            if column.name in WINDOW_BOUNDS:
                if node.operator not in _WINDOW_OPERATORS:
                    raise invalid_where(
                        f"Unsupported {column.name} bounds: {_OPERATOR_NAMES[node.operator]}", True
                    )
                if not self.windowed:
                    raise invalid_where(
                        "Cannot use WINDOWSTART/WINDOWEND on non-windowed source", False
                    )
                continue
            found = schema.find(column.name)
            if found is None:
                continue  # not a column of the source: the binder has the error to give
            if not found.is_key:
                continue
            if node.operator in _NOT_KEY_LOOKUP:
                self.scan_or_raise(
                    "Bound on key columns '["
                    + ", ".join(str(c) for c in schema.key)
                    + "]' must currently be '='"
                )
            if column.name in seen and not self.scans_enabled:
                raise invalid_where(
                    "A comparison condition on the key column cannot be combined with other "
                    "comparisons such as an IN predicate",
                    self.windowed,
                )
            seen.add(column.name)
        if not seen:
            self.scan_or_raise(
                f"WHERE clause missing key column for disjunct: {_conjunction_text(conjuncts)}"
            )
        elif len(seen) != len(key_names):
            specified = ", ".join(f"`{n}`" for n in key_names if n in seen)
            expected = ", ".join(str(c) for c in schema.key)
            self.scan_or_raise(
                "Multi-column sources must specify every key in the WHERE clause. Specified: "
                f"[{specified}] Expected: [{expected}]"
            )

    def _validate_like(self, node: e.Like) -> None:
        if not isinstance(node.value, e.ColumnRef):
            self.scan_or_raise("Like condition must be between strings")
            return
        column = self.source.schema.find(node.value.name)
        if column is None:
            raise invalid_where(
                f"Like condition on non-existent column {node.value.name}", self.windowed
            )
        if column.type.base is not BaseType.STRING:
            raise invalid_where(
                "The column type for Like condition must be VARCHAR. The column type is "
                f"{column.type.base.value}",
                self.windowed,
            )
        if not isinstance(node.pattern, e.StringLiteral | e.NullLiteral):
            raise invalid_where(
                f"Like condition on non-string pattern {type(node.pattern).__name__}",
                self.windowed,
            )

    def _key_of(self, conjuncts: list[Expression]) -> tuple[Any, ...] | None:
        """The key a disjunct looks up (an equality on every key column), or None (scan)."""
        schema = self.source.schema
        values: dict[str, Any] = {}
        equal_only = True
        for node in conjuncts:
            if not isinstance(node, e.Comparison):
                continue
            column, other = self._column_side(node)
            if column is None:
                continue
            found = schema.find(column.name)
            if found is None or not found.is_key:
                continue
            value = _resolve_key(other, found, node)
            if node.operator is e.ComparisonOperator.EQUAL:
                values[found.name] = value
            elif found.name not in values:
                equal_only = False
        if not equal_only or len(values) != len(schema.key):
            return None
        return tuple(values[c.name] for c in schema.key)


def _resolve_key(other: Expression, column: Column, hint: e.Comparison) -> Any:
    """A literal key value coerced strictly to the key column's type (ksqlDB's messages)."""
    if isinstance(other, e.NullLiteral):
        raise AnalysisError(f"Primary key columns can not be NULL: {expression_text(hint)}")
    if isinstance(other, e.ArithmeticUnary) and isinstance(
        other.operand, e.IntegerLiteral | e.LongLiteral | e.DecimalLiteral | e.DoubleLiteral
    ):
        literal: Any = other.operand.value
        if other.sign is e.UnarySign.MINUS:
            literal = -literal
    elif isinstance(other, e.Literal):
        literal = getattr(other, "value", None)
    else:
        raise _NoLookup
    coerced = _coerce(literal, column)
    if coerced is _FAILED:
        shown = "true" if literal is True else "false" if literal is False else literal
        raise AnalysisError(
            f"'{shown}' can not be converted to the type of the key column: "
            f"{column.name} {column.type} KEY"
        )
    return coerced


class _NoLookup(Exception):
    """A key bound whose value is an expression: answered by scanning."""


_FAILED = object()


def _coerce(value: Any, column: Column) -> Any:
    base = column.type.base
    if base is BaseType.STRING:
        return value if isinstance(value, str) else _FAILED
    if base is BaseType.BOOLEAN:
        return value if isinstance(value, bool) else _FAILED
    if isinstance(value, bool | str):
        return _FAILED
    if base is BaseType.INTEGER:
        return value if isinstance(value, int) and -(2**31) <= value < 2**31 else _FAILED
    if base is BaseType.BIGINT:
        return value if isinstance(value, int) else _FAILED
    if base is BaseType.DOUBLE:
        return float(value) if isinstance(value, int | float | Decimal) else _FAILED
    if base is BaseType.DECIMAL and isinstance(value, int | Decimal):
        assert isinstance(column.type, DecimalType)
        return Decimal(value).quantize(Decimal(1).scaleb(-column.type.scale))
    return _FAILED


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


def _check_likes(node: Any, source: DataSource) -> None:
    """ksqlDB checks LIKE's column type while reading the WHERE clause, before typing it."""
    if isinstance(node, e.Like) and isinstance(node.value, e.ColumnRef):
        _WhereAnalysis(source, True)._validate_like(node)
    elif isinstance(node, e.LogicalBinary):
        _check_likes(node.left, source)
        _check_likes(node.right, source)
    elif isinstance(node, e.Not):
        _check_likes(node.operand, source)


def pure_key_lookup(query: q.Query, source: DataSource) -> list[tuple[Any, ...]] | None:
    """The keys of a WHERE clause made only of key equalities (`ID = 1`, `ID IN (1, 2)`,
    `A = 1 AND B = 'x'`, and ORs of them), each disjunct naming every key column once; None for
    any other WHERE clause. Such a query needs no filter beyond the lookup itself."""
    if query.where is None or not source.is_table:
        return None
    schema = source.schema
    found: list[tuple[Any, ...]] = []
    try:
        for conjuncts in _dnf(query.where):
            values: dict[str, Any] = {}
            for node in conjuncts:
                if not isinstance(node, e.Comparison) or node.operator is not (
                    e.ComparisonOperator.EQUAL
                ):
                    return None
                column, other = _WhereAnalysis(source, True)._column_side(node)
                if column is None:
                    return None
                key = schema.find(column.name)
                if key is None or not key.is_key or key.name in values:
                    return None
                if not isinstance(other, e.Literal) or isinstance(other, e.NullLiteral):
                    return None
                values[key.name] = _resolve_key(other, key, node)
            if len(values) != len(schema.key):
                return None
            found.append(tuple(values[c.name] for c in schema.key))
    except (AnalysisError, _NoLookup):
        return None
    return found


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
            _check_likes(query.where, source)
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
        analysis = _WhereAnalysis(source, _flag(config, TABLE_SCAN, True))
        try:
            keys = analysis.keys(query.where)
        except _NoLookup:
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
