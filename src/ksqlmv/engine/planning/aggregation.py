"""GROUP BY and aggregate functions: grouping, aggregation, HAVING, windows and EMIT FINAL.

The aggregated row is: the group-by key columns, one column per aggregate (`KSQL_AGG_VARIABLE_n`)
and, for windowed aggregations, WINDOWSTART and WINDOWEND. Expressions of SELECT and HAVING are
bound over that row: a group-by expression (or any expression over group-by columns) reads the key,
an aggregate call reads its result; any other column reference is ksqlDB's "non-aggregate" error.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.analysis import bound as b
from ksqlmv.engine.analysis.binder import Binder, Scope, ScopeColumn
from ksqlmv.engine.analysis.functions import NOT_CONSTANT, FunctionKind, NonLiteralArgument
from ksqlmv.engine.analysis.text import expression_text
from ksqlmv.engine.catalog import Column, ColumnKind
from ksqlmv.engine.catalog.formats import WindowInfo, WindowType
from ksqlmv.engine.catalog.schema import ROWTIME, WINDOWEND, WINDOWSTART
from ksqlmv.engine.planning.nodes import (
    AggregateCall,
    AggregateNode,
    FilterNode,
    NodeSchema,
    PlanNode,
    RekeyNode,
    SuppressNode,
    WindowSpec,
)
from ksqlmv.engine.planning.select import AliasGenerator
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast import query as q
from ksqlmv.sql.ast.base import Expression, walk
from ksqlmv.sql.types import BIGINT

if TYPE_CHECKING:
    from ksqlmv.engine.planning.planner import QueryPlanner, Stage

__all__ = ["plan_aggregation", "uses_aggregates", "window_spec"]


def _is_aggregate(planner: QueryPlanner, node: object) -> bool:
    return isinstance(node, e.FunctionCall) and (
        planner.ctx.functions.kind(node.name) is FunctionKind.AGGREGATE
    )


def uses_aggregates(
    planner: QueryPlanner, items: list[tuple[str, Expression, bool]], having: Expression | None
) -> bool:
    """True when the SELECT list or HAVING calls an aggregate function."""
    expressions = [x for _, x, _ in items] + ([having] if having is not None else [])
    return any(_is_aggregate(planner, n) for x in expressions for n in walk(x))


def window_spec(window: q.WindowExpression) -> WindowSpec:
    """The WINDOW clause as plan data."""
    retention = window.retention.millis if window.retention else None  # type: ignore[attr-defined]
    grace = window.grace.millis if window.grace else None  # type: ignore[attr-defined]
    if isinstance(window, q.TumblingWindow):
        size = window.size.millis
        return WindowSpec("TUMBLING", size, size, retention, grace)
    if isinstance(window, q.HoppingWindow):
        return WindowSpec("HOPPING", window.size.millis, window.advance.millis, retention, grace)
    assert isinstance(window, q.SessionWindow)
    return WindowSpec("SESSION", window.gap.millis, window.gap.millis, retention, grace)


def plan_aggregation(
    planner: QueryPlanner, stage: Stage, query: q.Query, items: list[tuple[str, Expression, bool]]
) -> Stage:
    """Group, aggregate, filter on HAVING and (for EMIT FINAL) suppress."""
    ctx = planner.ctx
    if any(s.value_format.format.name == "KAFKA" for s in _sources(stage)):
        names = ", ".join(alias for alias, _ in stage.star)
        raise AnalysisError(
            f"Source(s) {names} are using the 'KAFKA' value format. This format does not yet "
            "support GROUP BY."
        )
    group_exprs = [planner.normalize(stage, x) for x in (query.group_by or ())]
    for expression in group_exprs:
        for node in walk(expression):
            if _is_aggregate(planner, node):
                assert isinstance(node, e.FunctionCall)
                raise AnalysisError(
                    f"GROUP BY does not support aggregate functions: {node.name} is an "
                    "aggregate function."
                )
    seen_groups: set[Expression] = set()
    for expression in group_exprs:
        if expression in seen_groups:
            raise AnalysisError(f"Duplicate GROUP BY expression: {expression_text(expression)}")
        seen_groups.add(expression)
    binder = planner.binder(stage, "GROUP BY", substitutions=stage.selects)
    group_bound = [binder.bind(x) for x in group_exprs]

    # Re-key by the grouping expressions.
    row = list(stage.node.schema.row)
    generator = AliasGenerator(n for n, _ in row)
    key_names: list[str] = []
    key_columns: list[Column] = []
    for expression, bound in zip(group_exprs, group_bound, strict=True):
        assert bound.type is not None
        if isinstance(bound, b.ColumnValue):
            name = bound.name if isinstance(expression, e.ColumnRef) else generator.ksql_col()
        elif isinstance(expression, e.Dereference):
            name = generator.field_alias(expression.field)
        else:
            name = generator.ksql_col()
        if not (isinstance(bound, b.ColumnValue) and bound.name == name):
            row.append((name, bound.type))
        key_names.append(name)
        key_columns.append(Column(name, bound.type, ColumnKind.KEY))
    rekey_schema = NodeSchema(tuple(key_columns), tuple(row), None, stage.is_table)
    rekey = RekeyNode(
        ctx.node_id("GroupBy"),
        rekey_schema,
        stage.node,
        tuple(group_bound),
        ctx.internal_topic("Aggregate-GroupBy", "repartition"),
    )

    # Aggregates: bound against the input row.
    calls: list[AggregateCall] = []
    found: dict[Expression, b.Bound] = {}
    arg_binder = planner.binder(stage, "SELECT", substitutions=stage.selects)
    spec = window_spec(query.window) if query.window is not None else None

    def on_aggregate(call: e.FunctionCall) -> b.Bound:
        normalized = planner.normalize(stage, call)
        if normalized in found:
            return found[normalized]
        default_source = next(iter(stage.scope.sources)) if len(stage.scope.sources) > 1 else None
        args_ast = call.args or (e.ColumnRef(ROWTIME, default_source),)
        for arg in args_ast:
            for node in walk(arg):
                if _is_aggregate(planner, node):
                    assert isinstance(node, e.FunctionCall)
                    raise AnalysisError(
                        f"Aggregate functions can not be nested: {call.name}({node.name}())"
                    )
                if (
                    spec is not None
                    and isinstance(node, e.ColumnRef)
                    and node.name
                    in (
                        WINDOWSTART,
                        WINDOWEND,
                    )
                ):
                    raise AnalysisError(
                        f"Window bounds column {node.name} can only be used in the SELECT clause "
                        "of windowed aggregations and can not be passed to aggregate functions."
                    )
        call_ast = e.FunctionCall(call.name, args_ast)
        args, types = arg_binder.bind_arguments(call_ast)
        constants: list[Any] = [
            a.value if isinstance(a, b.Constant) else NOT_CONSTANT for a in args
        ]
        try:
            resolution = ctx.functions.resolve_aggregate(call.name, types, constants)
        except NonLiteralArgument as error:
            raise AnalysisError(
                f"Parameter {error.position + 1} passed to function {error.function} must be a "
                f"literal constant, but was expression: '{args[error.position].text}'"
            ) from None
        value_args = arg_binder.convert_arguments(
            args[: resolution.value_args], resolution.param_types
        )
        output = f"KSQL_AGG_VARIABLE_{len(calls)}"
        calls.append(
            AggregateCall(
                call.name,
                expression_text(call),
                resolution,
                tuple(value_args),
                tuple(constants[resolution.value_args :]),
                output,
            )
        )
        # Errors name an aggregate as ksqlDB's rewritten query does: by its input columns'
        # internal names (VALUE, or I1_BAR after a join), not by the qualified names.
        joined = len(stage.scope.sources) > 1
        text = expression_text(
            call,
            columns=lambda ref: f"{ref.source}_{ref.name}" if joined and ref.source else ref.name,
        )
        result = b.ColumnValue(resolution.return_type, text, output)
        found[normalized] = result
        return result

    # The aggregated row: keys, aggregates, window bounds.
    post_scope = Scope()
    selects: dict[Expression, b.Bound] = {}
    for expression, name, bound in zip(group_exprs, key_names, group_bound, strict=True):
        assert bound.type is not None
        selects[expression] = b.ColumnValue(bound.type, bound.text, name)
    if spec is not None:
        for bound_name in (WINDOWSTART, WINDOWEND):
            post_scope.extra[bound_name] = ScopeColumn(bound_name, BIGINT, None)
    post_scope.extra[ROWTIME] = ScopeColumn(ROWTIME, BIGINT, None)

    def bind_post(expression: Expression, clause: str) -> b.Bound:
        post = Binder(
            post_scope,
            ctx.functions,
            planner.types,
            clause=clause,
            substitutions=selects,
            on_aggregate=on_aggregate,
        )
        try:
            return post.bind(expression)
        except AnalysisError as error:
            message = str(error)
            if "cannot be resolved" not in message and "not a valid stream/table" not in message:
                raise
            if clause == "HAVING":
                culprit = _outside(planner, expression, selects) or expression
                raise AnalysisError(
                    f"Non-aggregate HAVING expression not part of GROUP BY: {_plain(culprit)}\n"
                    "Consider switching the HAVING clause to a WHERE clause before the GROUP BY."
                ) from None
            raise _NonAggregate(expression) from None

    # Every aggregate counts, even in an expression that fails for another reason.
    for expression in [x for _, x, _ in items] + ([query.having] if query.having else []):
        _collect_aggregates(planner, planner.normalize(stage, expression), on_aggregate)

    bad: list[str] = []
    for _, expression, _ in items:
        try:
            bind_post(expression, "SELECT")
        except _NonAggregate as error:
            bad.append(_plain(error.expression))
    having_bound = None
    if query.having is not None:
        try:
            having_bound = bind_post(planner.normalize(stage, query.having), "HAVING")
        except AnalysisError as error:
            if str(error).startswith("Non-aggregate"):
                raise
            raise AnalysisError(f"Error in HAVING expression: {error}") from None
    if not calls:
        raise AnalysisError(
            "GROUP BY requires aggregate functions in either the SELECT or HAVING clause."
        )
    if query.group_by is None and not bad and ctx.persistent:
        listed = ", ".join(_plain(e.FunctionCall(c.name, _arg_asts(c))) for c in calls)
        raise AnalysisError(
            f"CREATE TABLE AS SELECT statement does not support aggregate function [{listed}] "
            "without a GROUP BY clause."
        )
    if bad:
        listed = ", ".join(bad)
        raise AnalysisError(
            f"Non-aggregate SELECT expression(s) not part of GROUP BY: {listed}\n"  # noqa: S608
            "Either add the column(s) to the GROUP BY or remove them from the SELECT."
        )

    if stage.is_table:
        if spec is not None:
            raise AnalysisError("Windowing not supported for table aggregations.")
        unsupported = list(
            dict.fromkeys(c.name.upper() for c in calls if not c.resolution.can_undo)
        )
        if unsupported:
            plural = "s" if len(unsupported) > 1 else ""
            listed = (
                ", ".join(unsupported[:-1]) + " and " + unsupported[-1]
                if len(unsupported) > 1
                else unsupported[0]
            )
            raise AnalysisError(
                f"The aggregation function{plural} {listed} cannot be applied to a table source, "
                "only to a stream source."
            )

    agg_row = [(n, stage_type) for n, stage_type in ((c.name, c.type) for c in key_columns)]
    agg_row += [(c.output, c.resolution.return_type) for c in calls]
    agg_row.append((ROWTIME, BIGINT))
    window_info = None
    if spec is not None:
        agg_row += [(WINDOWSTART, BIGINT), (WINDOWEND, BIGINT)]
        window_info = WindowInfo(
            WindowType[spec.kind], None if spec.kind == "SESSION" else spec.size_ms
        )
    agg_schema = NodeSchema(tuple(key_columns), tuple(agg_row), window_info, True)
    aggregate_node = AggregateNode(
        ctx.node_id("Aggregate"),
        agg_schema,
        rekey,
        tuple(calls),
        (),
        spec,
        "Aggregate-Aggregate-Materialize",
        ctx.internal_topic("Aggregate-Aggregate-Materialize", "changelog"),
    )
    out: PlanNode = aggregate_node
    if having_bound is not None:
        predicate = _having(planner, having_bound, query.having)
        out = FilterNode(ctx.node_id("Having"), agg_schema, out, predicate)
    if query.emit is q.OutputRefinement.FINAL:
        assert spec is not None
        out = SuppressNode(ctx.node_id("Suppress"), agg_schema, out, spec)
    return replace(
        stage,
        node=out,
        scope=post_scope,
        key_names=key_names,
        key_kind="grouping expression",
        key_texts=[expression_text(x, None) for x in (query.group_by or ())],
        selects={**selects, **{k: v for k, v in found.items()}},
        aggregated=True,
        owner=stage.owner,
    )


def _collect_aggregates(planner: QueryPlanner, expression: Expression, visit: Any) -> None:
    if _is_aggregate(planner, expression):
        visit(expression)
        return
    from ksqlmv.sql.ast.base import iter_children

    for child in iter_children(expression):
        if isinstance(child, Expression):
            _collect_aggregates(planner, child, visit)


def _plain(expression: Expression) -> str:
    """ksqlDB's text of an expression, column references unqualified."""
    return expression_text(expression, columns=lambda ref: ref.name)


def _arg_asts(call: AggregateCall) -> tuple[Expression, ...]:
    return tuple(e.ColumnRef(a.text) for a in call.args)


def _outside(
    planner: QueryPlanner, expression: Expression, selects: dict[Expression, b.Bound]
) -> Expression | None:
    """The first column reference outside aggregates and GROUP BY expressions."""
    if expression in selects or _is_aggregate(planner, expression):
        return None
    if isinstance(expression, e.ColumnRef):
        return expression
    from ksqlmv.sql.ast.base import iter_children

    for child in iter_children(expression):
        if isinstance(child, Expression):
            found = _outside(planner, child, selects)
            if found is not None:
                return found
    return None


class _NonAggregate(AnalysisError):
    def __init__(self, expression: Expression) -> None:
        super().__init__(expression_text(expression))
        self.expression = expression


def _having(planner: QueryPlanner, bound: b.Bound, having: Expression | None) -> b.Bound:
    if bound.type is not None and bound.type.base.value != "BOOLEAN":
        raise AnalysisError(
            "Type error in HAVING expression: Should evaluate to boolean but is "
            f"{bound.text} ({bound.type}) instead."
        )
    return bound


def _sources(stage: Stage) -> list[Any]:
    from ksqlmv.engine.planning.nodes import SourceNode, walk_plan

    return [n.source for n in walk_plan(stage.node) if isinstance(n, SourceNode)]
