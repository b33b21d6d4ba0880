"""The query planner: a SELECT → an operator graph of plan nodes, with ksqlDB's rules.

Stages follow ksqlDB's logical planner: source (or join) → WHERE → table functions →
PARTITION BY or GROUP BY/aggregation (+ HAVING, EMIT FINAL) → final projection. Each stage knows
its key columns; the final projection turns references to them into the result's key columns
(named by their aliases, in the stage's key order) and checks that every one is selected.

>>> # plan = QueryPlanner(ctx).plan(parse_statement("SELECT K, NAME FROM TEST WHERE ID > 100"))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ksqlmv.engine.analysis import bound as b
from ksqlmv.engine.analysis.binder import Binder, Scope, ScopeColumn
from ksqlmv.engine.analysis.functions import FunctionKind
from ksqlmv.engine.analysis.text import expression_text
from ksqlmv.engine.catalog import Column, ColumnKind, DataSource, LogicalSchema, SourceKind
from ksqlmv.engine.catalog.formats import WindowInfo
from ksqlmv.engine.catalog.schema import SYSTEM_COLUMN_NAMES, WINDOW_BOUNDS
from ksqlmv.engine.planning.context import PlanContext
from ksqlmv.engine.planning.nodes import (
    FilterNode,
    FlatMapNode,
    NodeSchema,
    PlanNode,
    ProjectNode,
    RekeyNode,
    SourceNode,
    TableFunctionCall,
)
from ksqlmv.engine.planning.select import AliasGenerator, qualify, rewrite
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast import query as q
from ksqlmv.sql.ast.base import Expression, Node
from ksqlmv.sql.types import BOOLEAN, StructType

__all__ = ["PlannedQuery", "QueryPlanner", "Stage"]


@dataclass(frozen=True, slots=True)
class PlannedQuery:
    """A planned SELECT: the final projection node and the shape of its result."""

    root: PlanNode
    key: tuple[Column, ...]
    value: tuple[Column, ...]
    kind: SourceKind
    window: WindowInfo | None
    sources: tuple[DataSource, ...]
    keyless: bool = False

    @property
    def schema(self) -> LogicalSchema:
        """The result's logical schema (key columns, then value columns)."""
        return LogicalSchema(self.key + self.value)


@dataclass
class Stage:
    """The planner's state after each step: the last node, its scope and its key."""

    node: PlanNode
    scope: Scope
    key_names: list[str]
    key_kind: str
    key_texts: list[str]
    owner: Callable[[str], str | None]
    star: list[tuple[str, list[tuple[str, str, str | None]]]]
    selects: dict[Expression, b.Bound] = field(default_factory=dict)
    aggregated: bool = False
    key_joiner: str = "and"
    synthetic_key: bool = False
    equivalent: frozenset[str] = frozenset()
    viable: tuple[tuple[str, str], ...] = ()
    is_join: bool = False
    left_table_keys: tuple[tuple[str, str], ...] = ()

    @property
    def is_table(self) -> bool:
        """True when the stage emits a table (changes per key)."""
        return self.node.schema.is_table


class QueryPlanner:
    """Plans SELECT statements against one catalog."""

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        self.types = ctx.catalog.types
        self.selected_columns: set[tuple[str, str]] = set()

    # -- entry -------------------------------------------------------------------------

    def plan(self, query: q.Query) -> PlannedQuery:
        """The plan of `query`, or AnalysisError with ksqlDB's wording."""
        from ksqlmv.engine.planning.aggregation import plan_aggregation, uses_aggregates
        from ksqlmv.engine.planning.joins import plan_from

        self.selected_columns = self._selected_columns(query)
        stage, sources = plan_from(self, query.from_)
        items = self.name_select(query.select, stage, sources)
        if (
            query.window is not None
            and query.group_by is None
            and not uses_aggregates(self, items, query.having)
        ):
            # (with aggregates, ksqlDB first names the columns missing from a GROUP BY)
            raise AnalysisError("WINDOW clause requires a GROUP BY clause.")
        self.check_reserved([i for i in items if i[0] != STAR])
        if query.where is not None:
            stage = self.plan_where(stage, query.where)
        aggregate = query.group_by is not None or uses_aggregates(
            self, [i for i in items if i[0] != STAR], query.having
        )
        if self._has_table_functions([i for i in items if i[0] != STAR]):
            if aggregate:
                raise AnalysisError("Table functions cannot be used with aggregations.")
            if stage.is_table:
                raise AnalysisError("Table source is not supported with table functions")
            items = self.expand_stars(stage, items)
            stage, items = self.plan_table_functions(stage, items)
        if query.emit is q.OutputRefinement.FINAL and query.window is None:
            raise AnalysisError("EMIT FINAL is only supported for windowed aggregations.")
        if aggregate:
            if query.partition_by is not None:
                raise AnalysisError("PARTITION BY and GROUP BY in the same query is not allowed")
            items = self.expand_stars(stage, items)
            stage = plan_aggregation(self, stage, query, items)
        elif query.partition_by is not None:
            stage = self.plan_partition_by(stage, query.partition_by)
        items = self.expand_stars(stage, items)
        return self.plan_projection(stage, items, sources)

    # -- helpers ----------------------------------------------------------------------------

    def _selected_columns(self, query: q.Query) -> set[tuple[str, str]]:
        """(alias, column) of every source column the SELECT list names directly or by `*`."""
        relations: list[q.AliasedRelation] = []
        if isinstance(query.from_, q.AliasedRelation):
            relations = [query.from_]
        elif isinstance(query.from_, q.Join):
            relations = [query.from_.left] + [r.relation for r in query.from_.rights]
        columns: dict[str, set[str]] = {}
        for relation in relations:
            source = self.ctx.catalog.source(relation.name)
            if source is not None:
                columns[relation.alias] = {c.name for c in source.schema.columns}
        found: set[tuple[str, str]] = set()
        for item in query.select:
            if isinstance(item, q.AllColumns):
                for alias, names in columns.items():
                    if item.source in (None, alias):
                        found.update((alias, n) for n in names)
            elif isinstance(item, q.SingleColumn) and isinstance(item.expression, e.ColumnRef):
                ref = item.expression
                if ref.source is not None:
                    found.add((ref.source, ref.name))
                else:
                    owners = [a for a, names in columns.items() if ref.name in names]
                    if len(owners) == 1:
                        found.add((owners[0], ref.name))
        return found

    def binder(self, stage: Stage, clause: str, **kwargs: object) -> Binder:
        """A binder over `stage`'s scope."""
        return Binder(stage.scope, self.ctx.functions, self.types, clause=clause, **kwargs)  # type: ignore[arg-type]

    def normalize(self, stage: Stage, expression: Expression) -> Expression:
        """`expression` with column references qualified by the source that owns them."""
        return qualify(expression, stage.owner)

    def source_stage(self, source: DataSource, alias: str) -> Stage:
        """The stage that reads `source` under `alias`."""
        if source.windowed and source.is_table and self.ctx.persistent:
            raise AnalysisError("KSQL does not support persistent queries on windowed tables.")
        row = source.schema.row_columns(windowed=source.windowed)
        schema = NodeSchema(source.schema.key, row, source.key_format.window, source.is_table)
        node = SourceNode(self.ctx.node_id("Source"), schema, source, alias)
        columns = {name: ScopeColumn(name, t, alias) for name, t in row}
        key_names = [c.name for c in source.schema.key]
        names = [c.name for c in source.schema.key]
        if source.windowed:
            names += list(WINDOW_BOUNDS)
        names += [c.name for c in source.schema.value] + [c.name for c in source.schema.headers]
        star: list[tuple[str, str, str | None]] = [(name, name, alias) for name in names]
        return Stage(
            node=node,
            scope=Scope({alias: columns}),
            key_names=key_names,
            key_kind="key column",
            key_texts=list(key_names),
            owner=lambda name: alias if name in columns else None,
            star=[(alias, star)],
        )

    # -- SELECT list ------------------------------------------------------------------------

    def name_select(
        self, select: tuple[q.SelectItem, ...], stage: Stage, sources: list[DataSource]
    ) -> list[tuple[str, Expression, bool]]:
        """(name, expression, aliased) per select item, `*` expanded, names generated."""
        generator = AliasGenerator(c.name for source in sources for c in source.schema.columns)
        counts: dict[str, int] = {}
        for columns in stage.scope.sources.values():
            for name in columns:
                counts[name] = counts.get(name, 0) + 1
        items: list[tuple[str, Expression, bool]] = []
        for item in select:
            if isinstance(item, q.SingleColumn):
                expression = self.normalize(stage, item.expression)
                if item.alias is not None:
                    items.append((item.alias, expression, True))
                elif isinstance(expression, e.ColumnRef):
                    name = expression.name
                    if expression.source and counts.get(name, 0) > 1:
                        name = f"{expression.source}_{name}"
                    items.append((name, expression, False))
                else:
                    items.append((generator.alias_for(expression), expression, False))
            elif isinstance(item, q.AllColumns):
                items.append((STAR, e.ColumnRef("*", item.source), False))
            elif isinstance(item, q.StructAll):
                items.extend(self._struct_all(stage, item))
        return items

    def expand_stars(
        self, stage: Stage, items: list[tuple[str, Expression, bool]]
    ) -> list[tuple[str, Expression, bool]]:
        """`items` with each `*` replaced by the columns the stage offers, keys first."""
        out: list[tuple[str, Expression, bool]] = []
        for name, expression, aliased in items:
            if name != STAR:
                out.append((name, expression, aliased))
                continue
            assert isinstance(expression, e.ColumnRef)
            source = expression.source
            found = False
            for alias, columns in stage.star:
                if source is not None and alias != source:
                    continue
                found = True
                for label, column, owner in columns:
                    out.append((label, e.ColumnRef(column, owner), False))
            if not found:
                raise AnalysisError(f"'{source}' is not a valid stream/table name or alias.")
        return out

    def _struct_all(self, stage: Stage, item: q.StructAll) -> list[tuple[str, Expression, bool]]:
        base = self.normalize(stage, item.base)
        bound = self.binder(stage, "SELECT").bind(base)
        if not isinstance(bound.type, StructType):
            raise AnalysisError(f"Column {bound.text} is not a STRUCT type.")
        return [(f.name, e.Dereference(base, f.name), False) for f in bound.type.fields]

    def check_reserved(self, items: list[tuple[str, Expression, bool]]) -> None:
        """ksqlDB's checks on system column names in the SELECT list."""
        for name, expression, aliased in items:
            if name.upper() not in SYSTEM_COLUMN_NAMES:
                continue
            matches = (
                isinstance(expression, e.ColumnRef) and expression.name.upper() == name.upper()
            )
            if aliased and not matches:
                raise AnalysisError(
                    f"`{name.upper()}` is a reserved column name. "
                    "You cannot use it as an alias for a column."
                )
            if self.ctx.persistent and (matches or not aliased):
                raise AnalysisError(
                    f"Reserved column name in select: `{name.upper()}`. "
                    "Please remove or alias the column."
                )

    # -- WHERE ------------------------------------------------------------------------------

    def plan_where(self, stage: Stage, where: Expression) -> Stage:
        """A filter on the WHERE condition."""
        predicate = self.bind_condition(stage, where, "WHERE")
        node = FilterNode(self.ctx.node_id("Filter"), stage.node.schema, stage.node, predicate)
        return replace(stage, node=node)

    def bind_condition(self, stage: Stage, condition: Expression, clause: str) -> b.Bound:
        """A boolean condition of WHERE or HAVING, with ksqlDB's error prefixes."""
        binder = self.binder(stage, clause, substitutions=stage.selects)
        try:
            predicate = binder.bind(self.normalize(stage, condition))
        except AnalysisError as error:
            message = str(error)
            if message.startswith(("operator does not exist", "invalid input syntax")):
                raise AnalysisError(f"Invalid Predicate: {message}") from None
            if "cannot be resolved" in message or "is ambiguous" in message:
                raise
            raise AnalysisError(f"Error in {clause} expression: {message}") from None
        if predicate.type is not None and predicate.type != BOOLEAN:
            raise AnalysisError(
                f"Type error in {clause} expression: Should evaluate to boolean but is "
                f"{predicate.text} ({predicate.type}) instead."
            )
        return predicate

    # -- table functions -------------------------------------------------------------------

    def _is_table_call(self, node: Node) -> bool:
        return isinstance(node, e.FunctionCall) and (
            self.ctx.functions.kind(node.name) is FunctionKind.TABLE
        )

    def _has_table_functions(self, items: list[tuple[str, Expression, bool]]) -> bool:
        from ksqlmv.sql.ast.base import walk

        return any(self._is_table_call(n) for _, x, _ in items for n in walk(x))

    def plan_table_functions(
        self, stage: Stage, items: list[tuple[str, Expression, bool]]
    ) -> tuple[Stage, list[tuple[str, Expression, bool]]]:
        """A flat-map node for the table functions in `items`; items refer to their outputs."""
        calls: list[TableFunctionCall] = []
        binder = self.binder(stage, "SELECT")
        substitutions: dict[Expression, b.Bound] = {}

        def visit(node: Node) -> Node | None:
            if not self._is_table_call(node):
                return None
            assert isinstance(node, e.FunctionCall)
            name = f"KSQL_SYNTH_{len(calls)}"
            args, types = binder.bind_arguments(node)
            resolution = self.ctx.functions.resolve_table(node.name, types)
            calls.append(
                TableFunctionCall(
                    node.name,
                    resolution.function,
                    binder.convert_arguments(args, resolution.param_types),
                    name,
                    resolution.return_type,
                )
            )
            ref = e.ColumnRef(name)
            substitutions[ref] = b.ColumnValue(resolution.return_type, expression_text(node), name)
            return ref

        new_items = []
        for name, expression, aliased in items:
            rewritten = rewrite(expression, visit)
            assert isinstance(rewritten, Expression)
            new_items.append((name, rewritten, aliased))
        row = stage.node.schema.row + tuple((c.output, c.type) for c in calls)
        schema = replace(stage.node.schema, row=row)
        node = FlatMapNode(self.ctx.node_id("FlatMap"), schema, stage.node, tuple(calls))
        selects = {**stage.selects, **substitutions}
        return replace(stage, node=node, selects=selects), new_items

    # -- PARTITION BY ----------------------------------------------------------------------

    def plan_partition_by(self, stage: Stage, partition_by: tuple[Expression, ...]) -> Stage:
        """Re-key a stream by the PARTITION BY expressions."""
        if not partition_by:
            raise AnalysisError("PARTITION BY requires at least one expression")
        is_null = [isinstance(x, e.NullLiteral) for x in partition_by]
        if any(is_null) and len(partition_by) > 1:
            raise AnalysisError("Cannot PARTITION BY multiple columns including NULL")
        normalized = [self.normalize(stage, x) for x in partition_by]
        binder = self.binder(stage, "PARTITION BY")
        keys: list[b.Bound] = []
        for expression in normalized:
            try:
                keys.append(binder.bind(expression))
            except AnalysisError as error:
                message = str(error)
                if message.endswith("cannot be resolved."):
                    name = message.split("'")[1]
                    raise AnalysisError(
                        f"{message[:-1]}. '{name}' must be a column in the source schema since "
                        "PARTITION BY is applied on the input."
                    ) from None
                raise
        row = list(stage.node.schema.row)
        generator = AliasGenerator(n for n, _ in row)
        key_columns: list[Column] = []
        selects = dict(stage.selects)
        if any(is_null):
            schema = NodeSchema((), tuple(row), None, False)
            node = RekeyNode(self.ctx.node_id("PartitionBy"), schema, stage.node, ())
            return replace(stage, node=node, key_names=[], key_texts=[], selects=selects)
        names: list[str] = []
        for expression, key in zip(normalized, keys, strict=True):
            assert key.type is not None
            if isinstance(expression, e.ColumnRef) and isinstance(key, b.ColumnValue):
                name = key.name
            else:
                name = generator.alias_for(expression)
                row.append((name, key.type))
            names.append(name)
            key_columns.append(Column(name, key.type, ColumnKind.KEY))
            selects[expression] = b.ColumnValue(key.type, key.text, name)
        schema = NodeSchema(tuple(key_columns), tuple(row), None, False)
        node = RekeyNode(self.ctx.node_id("PartitionBy"), schema, stage.node, tuple(keys))
        scope = Scope(dict(stage.scope.sources), dict(stage.scope.extra))
        for column in key_columns:
            if all(column.name not in cols for cols in scope.sources.values()):
                scope.extra[column.name] = ScopeColumn(column.name, column.type, None)
        return replace(
            stage,
            node=node,
            scope=scope,
            star=self.rekeyed_star(stage, names, row),
            key_names=names,
            key_kind="partitioning expression",
            key_texts=[expression_text(x) for x in normalized],
            selects=selects,
        )

    def rekeyed_star(
        self, stage: Stage, keys: list[str], row: Sequence[tuple[str, object]]
    ) -> list[tuple[str, list[tuple[str, str, str | None]]]]:
        """`*` after a re-keying: the new key columns, then the other columns in row order."""
        entries = [entry for _, columns in stage.star for entry in columns]
        by_name = {column: (label, column, owner) for label, column, owner in entries}
        first = [by_name.get(k, (k, k, None)) for k in keys]
        rest = [by_name[name] for name, _ in row if name in by_name and name not in keys]
        if len(stage.star) <= 1:
            alias = stage.star[0][0] if stage.star else ""
            return [(alias, first + rest)]
        return [(alias, [e for e in cols if e[1] not in keys]) for alias, cols in stage.star]

    # -- final projection ------------------------------------------------------------------

    def plan_projection(
        self,
        stage: Stage,
        items: list[tuple[str, Expression, bool]],
        sources: list[DataSource],
    ) -> PlannedQuery:
        """The final projection: value columns, and key columns found among the selects."""
        binder = self.binder(
            stage, "SELECT", substitutions=stage.selects, on_aggregate=_no_aggregate
        )
        key_rows = {name: i for i, name in enumerate(stage.key_names)}
        keys: dict[int, list[tuple[str, b.Bound]]] = {}
        values: list[tuple[str, b.Bound]] = []
        for name, expression, _ in items:
            try:
                bound = binder.bind(expression)
            except AnalysisError as error:
                if str(error).startswith("Cast of "):
                    raise AnalysisError(f"Invalid Select: {error}") from None
                raise
            if bound.type is None:
                raise AnalysisError(
                    "Can't infer a type of null. Please explicitly cast it to a required type, "
                    "e.g. CAST(null AS VARCHAR)."
                )
            if isinstance(bound, b.ColumnValue) and bound.name in key_rows:
                keys.setdefault(key_rows[bound.name], []).append((name, bound))
                if not self.ctx.persistent:
                    values.append((name, bound))
                continue
            if (
                self.ctx.persistent
                and isinstance(expression, e.ColumnRef)
                and expression.name in WINDOW_BOUNDS
                and name == expression.name
            ):
                continue
            values.append((name, bound))
        # ksql.new.query.planner.enabled: key columns come in projection order, and a stream
        # whose projection leaves out every key column becomes keyless (its records' keys NULL).
        new_planner = _enabled(self.ctx.properties.get("ksql.new.query.planner.enabled"))
        drop_key = (
            new_planner
            and self.ctx.persistent
            and not keys
            and not stage.is_table
            and not stage.aggregated
            and bool(stage.key_names)
        )
        if self.ctx.persistent and not drop_key:
            self._check_keys(stage, keys)
        key_exprs: list[b.Bound] = []
        key_columns: list[Column] = []
        order = sorted(keys)
        if new_planner:
            order = list(keys)  # dicts keep the order in which the projection named them
        for index in order:
            name, bound = keys[index][0]
            assert bound.type is not None
            key_exprs.append(bound)
            key_columns.append(Column(name, bound.type, ColumnKind.KEY))
        if not self.ctx.persistent:
            key_columns = [
                Column(n, stage.node.schema.type_of(n), ColumnKind.KEY) for n in stage.key_names
            ]
            key_exprs = [b.ColumnValue(stage.node.schema.type_of(n), n, n) for n in stage.key_names]
        value_columns = tuple(Column(n, x.type) for n, x in values if x.type is not None)
        if self.ctx.persistent and not value_columns:
            raise AnalysisError("The projection contains no value columns.")
        # A transient query's result is its value columns; its key columns are not output.
        self._check_duplicates(key_columns if self.ctx.persistent else [], value_columns)
        row = tuple((c.name, c.type) for c in value_columns)
        schema = NodeSchema(
            tuple(key_columns), row, stage.node.schema.window, stage.node.schema.is_table
        )
        node = ProjectNode(
            self.ctx.node_id("Project"),
            schema,
            stage.node,
            tuple(values),
            () if drop_key else tuple(key_exprs) if order != sorted(keys) else None,
        )
        return PlannedQuery(
            root=node,
            key=tuple(key_columns),
            value=value_columns,
            kind=SourceKind.TABLE if stage.is_table else SourceKind.STREAM,
            window=stage.node.schema.window,
            sources=tuple(sources),
            keyless=drop_key or not stage.key_names,
        )

    def _check_keys(self, stage: Stage, keys: dict[int, list[tuple[str, b.Bound]]]) -> None:
        for index, found in keys.items():
            aliases = sorted({name for name, _ in found})
            if len(found) > 1:
                column = stage.key_names[index]
                if stage.aggregated:
                    raise AnalysisError(
                        "The projection contains a key column more than once: "
                        + " and ".join(f"`{a}`" for a in aliases)
                        + "."
                    )
                raise AnalysisError(
                    f"The projection contains a key column (`{column}`) more than once, aliased "
                    f"as: {_and_join(aliases)}.\nEach key column must only be in the projection "
                    "once. If you intended to copy the key into the value, then consider using "
                    "the AS_VALUE function to indicate which key reference should be copied."
                )
        missing = [i for i in range(len(stage.key_names)) if i not in keys]
        if not missing:
            return
        if stage.left_table_keys:
            keys_of_left = stage.left_table_keys
            names = [f"`{keys_of_left[i][1]}`" for i in missing if i < len(keys_of_left)]
            alias = stage.left_table_keys[0][0]
            word = "column" if len(names) == 1 else "columns"
            raise AnalysisError(
                f"Primary key {word} missing in projection. For foreign-key table-table joins, "
                f"the projection must include all primary key columns from the left input table "
                f"(`{alias}`). Missing {word}: {', '.join(names)}."
            )
        texts = stage.key_texts
        if stage.aggregated:
            texts = [texts[i] for i in missing]
        plural = len(texts) > 1
        kind = stage.key_kind + ("s" if plural else "")
        if stage.key_joiner == "or":
            listed = _or_join(texts)
            example = texts[0] if texts else ""
            suffix = ""
        else:
            listed = _and_join(texts)
            example = ", ".join(texts)
            suffix = "s" if plural else ""
        extra = ""
        extra_intro = ""
        if stage.synthetic_key:
            extra_intro = "See https://cnfl.io/2LV7ouS."
            extra = (
                f"\n{texts[0]} was added as a synthetic key column because the join criteria did "
                "not match any source column. This expression must be included in the projection "
                "and may be aliased. "
            )
        raise AnalysisError(
            f"Key{suffix} missing from projection (ie, SELECT). {extra_intro}\n"
            f"The query used to build `{self.ctx.sink}` must include the {kind} "
            f"{listed} in its projection (eg, SELECT {example}...).{extra}"
        )

    @staticmethod
    def _check_duplicates(keys: list[Column], values: tuple[Column, ...]) -> None:
        seen = {c.name for c in keys}
        if len(seen) != len(keys):
            raise AnalysisError(f"Duplicate key columns found in schema: {keys[-1]}")
        for column in values:
            if column.name in seen:
                raise AnalysisError(f"Duplicate value columns found in schema: {column}")
            seen.add(column.name)


def _enabled(value: object) -> bool:
    return str(value).strip().lower() == "true"


def _or_join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _and_join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


STAR = "\x00*"
"""Marks a `*` select item until the stage it expands over is known."""


def _no_aggregate(call: e.FunctionCall) -> b.Bound:
    raise AnalysisError(f"Aggregate functions can not be used here: {expression_text(call)}")
