"""Joins: stream-stream, stream-table, table-table (primary and foreign key), left to right.

Each source of a join exposes its columns prefixed by its alias (`L_ID`), as ksqlDB's joined
schema does. A stream whose join expression is not its key is re-keyed by that expression
first (a repartition in ksqlDB); a table must be joined on its primary key, except on the left
of a foreign-key join. The result's key is the first "viable" key column (a join column equal to
the key) the projection selects, or a synthetic `ROWKEY` when there is none (FULL OUTER joins,
joins on expressions).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ksqlmv.engine.analysis import bound as b
from ksqlmv.engine.analysis.binder import Scope, ScopeColumn
from ksqlmv.engine.analysis.text import expression_text
from ksqlmv.engine.catalog import Column, ColumnKind, DataSource
from ksqlmv.engine.planning.joins import source_named
from ksqlmv.engine.planning.nodes import (
    JoinKind,
    JoinNode,
    JoinType,
    NodeSchema,
    RekeyNode,
    SourceNode,
)
from ksqlmv.engine.planning.select import AliasGenerator
from ksqlmv.engine.serde.factory import check_key_columns
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast import query as q
from ksqlmv.sql.ast.base import Expression, walk

if TYPE_CHECKING:
    from ksqlmv.engine.planning.planner import QueryPlanner, Stage

__all__ = ["COPARTITION_CHECK", "plan_join"]

COPARTITION_CHECK = "ksqlmv.join.copartition.check"
"""Set to false to skip the partition-count check of joins (ksqlDB's test runner skips it)."""

_JOIN_TYPES = {
    q.JoinType.INNER: JoinType.INNER,
    q.JoinType.LEFT: JoinType.LEFT,
    q.JoinType.RIGHT: JoinType.RIGHT,
    q.JoinType.OUTER: JoinType.OUTER,
}
_JOIN_WORDS = {
    JoinType.INNER: "[INNER] JOIN",
    JoinType.LEFT: "LEFT [OUTER] JOIN",
    JoinType.RIGHT: "RIGHT [OUTER] JOIN",
    JoinType.OUTER: "[FULL] OUTER JOIN",
}


def _source_stage(planner: QueryPlanner, source: DataSource, alias: str) -> Stage:
    """A join input: the source's row with every column prefixed by its alias."""
    from ksqlmv.engine.planning.planner import Stage

    stage = planner.source_stage(source, alias)
    prefixed = tuple((f"{alias}_{name}", t) for name, t in stage.node.schema.row)
    key = tuple(Column(f"{alias}_{c.name}", c.type, ColumnKind.KEY) for c in source.schema.key)
    schema = replace(stage.node.schema, row=prefixed, key=key)
    node = replace(stage.node, schema=schema)
    columns = {name: ScopeColumn(f"{alias}_{name}", t, alias) for name, t in stage.node.schema.row}
    star: list[tuple[str, str, str | None]] = [
        (f"{alias}_{name}", name, alias)
        for _, columns_list in stage.star
        for _, name, _ in columns_list
    ]
    keys = [c.name for c in key]
    return Stage(
        node=node,
        scope=Scope({alias: columns}),
        key_names=keys,
        key_kind="key column",
        key_texts=[f"{alias}.{c.name}" for c in source.schema.key],
        owner=lambda n: alias if n in columns else None,
        star=[(alias, star)],
        equivalent=frozenset(keys),
    )


def _aliases(stage: Stage) -> set[str]:
    return set(stage.scope.sources)


def _referenced(expression: Expression, stage_aliases: set[str], right: str) -> set[str]:
    found = set()
    for node in walk(expression):
        if isinstance(node, e.ColumnRef) and node.source is not None:
            found.add(node.source)
    return found


def _owner_for(left: Stage, right: Stage) -> object:
    def owner(name: str) -> str | None:
        owners = [o for o in (left.owner(name), right.owner(name)) if o is not None]
        return owners[0] if len(owners) == 1 else None

    return owner


def plan_join(planner: QueryPlanner, relation: q.Join) -> tuple[Stage, list[DataSource]]:
    """The stage that joins every source of `relation`, left to right."""
    first = source_named(planner, relation.left)
    sources = [first]
    _check_sources(relation, [first] + [source_named(planner, r.relation) for r in relation.rights])
    stage = _source_stage(planner, first, relation.left.alias)
    all_sources = [first] + [source_named(planner, r.relation) for r in relation.rights]
    for index, step in enumerate(relation.rights):
        right_source = all_sources[index + 1]
        sources.append(right_source)
        right = _source_stage(planner, right_source, step.relation.alias)
        final = index == len(relation.rights) - 1
        stage = _join_step(planner, stage, right, step, all_sources, final, index)
    return stage, sources


def _join_step(
    planner: QueryPlanner,
    left: Stage,
    right: Stage,
    step: q.JoinedSource,
    all_sources: list[DataSource],
    final: bool,
    index: int,
) -> Stage:
    from ksqlmv.engine.planning.planner import Stage

    ctx = planner.ctx
    join_type = _JOIN_TYPES[step.join_type]
    right_alias = step.relation.alias
    criteria = step.criteria
    if not isinstance(criteria, e.Comparison):
        if isinstance(criteria, e.LogicalBinary):
            raise AnalysisError(
                "Invalid join condition: joins on multiple conditions are not yet supported. "
                f"Got {expression_text(criteria)}."
            )
        raise AnalysisError(f"Unsupported join expression: {expression_text(criteria)}")
    if criteria.operator is not e.ComparisonOperator.EQUAL:
        raise AnalysisError("Only equality join criteria is supported.")
    combined = Scope({**left.scope.sources, **right.scope.sources})
    owner = _owner_for(left, right)
    from ksqlmv.engine.planning.select import qualify

    for part in walk(criteria):
        if isinstance(part, e.ColumnRef):
            combined.resolve(part, "JOIN ON")
    sides = [qualify(criteria.left, owner), qualify(criteria.right, owner)]  # type: ignore[arg-type]
    left_aliases = _aliases(left)
    used = [_referenced(x, left_aliases, right_alias) for x in sides]
    for expression, sources_used in zip(sides, used, strict=True):
        if len(sources_used) != 1:
            raise AnalysisError(
                f"Invalid comparison expression '{expression_text(expression)}' in join "
                f"'{expression_text(criteria)}'. Each side of the join comparision must contain "
                "references from exactly one source."
            )
    flipped = False
    if used[0] == {right_alias} and used[1] <= left_aliases:
        sides.reverse()
        flipped = True
    elif not (used[0] <= left_aliases and used[1] == {right_alias}):
        raise AnalysisError(
            "Each side of the join must reference exactly one source and not the same source. "
            f"Left side references {next(iter(used[0]))} and right references "
            f"{next(iter(used[1]))}"
        )
    left_expr, right_expr = sides
    left_bound = planner.binder(left, "JOIN ON").bind(left_expr)
    right_bound = planner.binder(right, "JOIN ON").bind(right_expr)
    left_is_table = left.is_table
    right_is_table = right.is_table
    left_name = _leftmost_name(left)
    right_name = all_sources[index + 1].name
    kind_words = f"{left_name} {_JOIN_WORDS[join_type]} {right_name}"
    shown = (right_expr, left_expr) if flipped else (left_expr, right_expr)
    got = f"Got {expression_text(shown[0])} = {expression_text(shown[1])}."
    if left_is_table and not right_is_table:
        raise AnalysisError(
            "Invalid join order: table-stream joins are not supported; only stream-table joins. "
            f"Got {kind_words}."
        )
    right_on_key = _on_key(right, right_bound)
    left_on_key = _on_key(left, left_bound)
    foreign = False
    if not left_is_table and right_is_table:
        kind = JoinKind.STREAM_TABLE
        if join_type is JoinType.OUTER:
            raise AnalysisError(
                "Invalid join type: full-outer join not supported for stream-table join. "
                f"Got {kind_words}."
            )
        if join_type is JoinType.RIGHT:
            raise AnalysisError(
                "Invalid join type: right join not supported for stream-table join. "
                f"Got {kind_words}."
            )
        if not right_on_key:
            raise AnalysisError(
                "Invalid join condition: stream-table joins require to join on the table's "
                f"primary key. {got}"
            )
        if step.within is not None:
            raise AnalysisError(
                "A window definition was provided for a Stream-Table join. These joins are not "
                "windowed. Please drop the window definition (ie. the WITHIN clause) and try to "
                "execute your join again."
            )
    elif left_is_table:
        if not right_on_key:
            raise AnalysisError(
                "Invalid join condition: table-table joins require to join on the primary key of "
                f"the right input table. {got}"
            )
        if step.within is not None:
            raise AnalysisError(
                "A window definition was provided for a Table-Table join. These joins are not "
                "windowed. Please drop the window definition (i.e. the WITHIN clause) and try to "
                "execute your Table-Table join again."
            )
        if left_on_key:
            kind = JoinKind.TABLE_TABLE
        else:
            kind = JoinKind.FOREIGN_KEY
            foreign = True
            if join_type is JoinType.OUTER:
                raise AnalysisError(
                    "Invalid join type: full-outer join not supported for foreign-key table-table "
                    f"join. Got {kind_words}."
                )
            if join_type is JoinType.RIGHT:
                raise AnalysisError("RIGHT OUTER JOIN on a foreign key is not supported")
            if left.is_join:
                raise AnalysisError(
                    "Invalid join condition: foreign-key table-table joins are not supported as "
                    f"part of n-way joins. {got}"
                )
    else:
        kind = JoinKind.STREAM_STREAM
        if step.within is None:
            raise AnalysisError(
                "Stream-Stream joins must have a WITHIN clause specified. None was provided. To "
                "learn about how to specify a WITHIN clause with a stream-stream join, please "
                "visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html"
                "#create-stream-as-select"
            )
    left_type = left_bound.type
    right_type = right_bound.type
    if left_type != right_type:
        a, b_ = (right_expr, left_expr) if flipped else (left_expr, right_expr)
        ta, tb = (right_type, left_type) if flipped else (left_type, right_type)
        raise AnalysisError(
            f"Invalid join condition: types don't match. Got {expression_text(a)}{{{ta}}} = "
            f"{expression_text(b_)}{{{tb}}}."
        )
    if not foreign and str(ctx.properties.get(COPARTITION_CHECK, "true")).lower() != "false":
        _check_partitions(left, right, left_name, right_name)
    # Re-key streams whose join expression is not their key (never a windowed one: its key
    # holds the window, and two different windowings would need it too).
    left_window, right_window = left.node.schema.window, right.node.schema.window
    needs_rekey = not (left_on_key or foreign) or not right_on_key
    if (left_window is not None or right_window is not None) and (
        needs_rekey or left_window != right_window
    ):
        raise AnalysisError(
            "Implicit repartitioning of windowed sources is not supported. "
            "See https://github.com/confluentinc/ksql/issues/4385."
        )
    left = _rekey_for_join(planner, left, left_bound, "Left", index, left_on_key or foreign)
    right = _rekey_for_join(planner, right, right_bound, "Right", index, right_on_key)

    # The result key.
    assert left_type is not None
    synthetic = False
    viable: list[tuple[str, str]] = []
    if foreign:
        key_columns = left.node.schema.key
        key_names = [c.name for c in key_columns]
    else:
        if join_type is not JoinType.OUTER:
            candidates = list(left.viable)
            for expression in (left_expr, right_expr):
                if isinstance(expression, e.ColumnRef) and expression.source is not None:
                    pair = (expression.source, expression.name)
                    if pair not in candidates:
                        candidates.append(pair)
            viable = candidates
        if viable:
            chosen = _choose(planner, viable, final)
            key_name = f"{chosen[0]}_{chosen[1]}"
        else:
            synthetic = True
            key_name = _synthetic_name(all_sources)
        key_columns = (Column(key_name, left_type, ColumnKind.KEY),)
        key_names = [key_name]
    row = left.node.schema.row + right.node.schema.row
    if synthetic:
        row = (*row, (key_names[0], left_type))
    is_table = kind in (JoinKind.TABLE_TABLE, JoinKind.FOREIGN_KEY)
    window = left.node.schema.window
    schema = NodeSchema(tuple(key_columns), row, window, is_table)
    grace = step.within.grace.millis if step.within and step.within.grace else None
    node = JoinNode(
        ctx.node_id("Join"),
        schema,
        left.node,
        right.node,
        kind,
        JoinType.LEFT if (foreign and join_type is JoinType.LEFT) else join_type,
        step.within.before.millis if step.within else 0,
        step.within.after.millis if step.within else 0,
        grace,
        left_bound if foreign else None,
    )
    scope = Scope({**left.scope.sources, **right.scope.sources}, {**left.scope.extra})
    if synthetic:
        scope.extra[key_names[0]] = ScopeColumn(key_names[0], left_type, None)
    star = left.star + right.star
    if synthetic and final:
        synthetic_star: list[tuple[str, str, str | None]] = [(key_names[0], key_names[0], None)]
        star = [("", synthetic_star), *star]
    equivalent = frozenset(
        {f"{a}_{c}" for a, c in viable} | ({key_names[0]} if synthetic else set())
    )
    texts = [f"{a}.{c}" for a, c in viable] if viable else ([key_names[0]] if synthetic else [])
    if foreign:
        texts = [f"{left_source_alias(left)}.{c.name}" for c in key_columns]
    return Stage(
        node=node,
        scope=scope,
        key_names=key_names,
        key_kind="key column" if foreign else "join expression",
        key_texts=texts,
        owner=_owner_for(left, right),  # type: ignore[arg-type]
        star=star,
        key_joiner="and" if foreign else "or",
        synthetic_key=synthetic,
        equivalent=equivalent,
        viable=tuple(viable),
        is_join=True,
        left_table_keys=tuple(
            (left_source_alias(left), c.name[len(left_source_alias(left)) + 1 :])
            for c in key_columns
        )
        if foreign
        else (),
    )


def _check_sources(relation: q.Join, sources: list[DataSource]) -> None:
    aliases = [relation.left.alias] + [r.relation.alias for r in relation.rights]
    kafka = [
        a for a, s in zip(aliases, sources, strict=True) if s.value_format.format.name == "KAFKA"
    ]
    if kafka:
        raise AnalysisError(
            f"Source(s) {', '.join(kafka)} are using the 'KAFKA' value format. This format does "
            "not yet support JOIN."
        )
    names = [s.name for s in sources]
    for name in names:
        if names.count(name) > 1:
            raise AnalysisError(
                f"Can not join '{name}' to '{name}': self joins are not yet supported."
            )
    windows = [s.key_format.window for s in sources]
    left = windows[0]
    for alias, window in zip(aliases[1:], windows[1:], strict=True):
        if (left is None) != (window is None):

            def state(w: object) -> str:
                return "not" if w is None else getattr(w, "type").value  # noqa: B009

            raise AnalysisError(
                "Can not join windowed source to non-windowed source.\n"
                f"`{aliases[0]}` is {state(left)} windowed\n`{alias}` is {state(window)} windowed"
            )
        if left is not None and window is not None:
            session = left.type.value == "SESSION"
            if session != (window.type.value == "SESSION"):
                raise AnalysisError(
                    f"Incompatible windowed sources.\nLeft source: {left.type.value}\n"
                    f"Right source: {window.type.value}\nSession windowed sources can only be "
                    "joined to other session windowed sources, and may still not result in "
                    "expected behaviour as session bounds must be an exact match for the join to "
                    "work\nHopping and tumbling windowed sources can only be joined to other "
                    "hopping and tumbling windowed sources"
                )


def left_source_alias(stage: Stage) -> str:
    """The alias of a stage's left-most source."""
    return next(iter(stage.scope.sources))


def _leftmost_name(stage: Stage) -> str:
    from ksqlmv.engine.planning.nodes import walk_plan

    sources = [n for n in walk_plan(stage.node) if isinstance(n, SourceNode)]
    return sources[-1].source.name if sources else ""


def _on_key(stage: Stage, bound: b.Bound) -> bool:
    if len(stage.key_names) != 1:
        return False
    return isinstance(bound, b.ColumnValue) and (
        bound.name in stage.key_names or bound.name in stage.equivalent
    )


def _rekey_for_join(
    planner: QueryPlanner, stage: Stage, bound: b.Bound, side: str, index: int, on_key: bool
) -> Stage:
    if on_key:
        return stage
    if stage.is_table:
        key = stage.key_names[0] if stage.key_names else ""
        raise AnalysisError(
            "Cannot repartition a TABLE source. If this is a join, make sure that the criteria "
            f"uses the TABLE's key column {key} instead of {bound.text}"
        )
    assert bound.type is not None
    ctx = planner.ctx
    row = list(stage.node.schema.row)
    if isinstance(bound, b.ColumnValue):
        name = bound.name
    else:
        name = AliasGenerator(n for n, _ in row).ksql_col()
        row.append((name, bound.type))
    prefix = "L_" * index
    key_column = Column(name, bound.type, ColumnKind.KEY)
    check_key_columns((key_column,))  # the repartition topic's key cannot hold a MAP
    schema = NodeSchema((key_column,), tuple(row), stage.node.schema.window, False)
    node = RekeyNode(
        ctx.node_id(f"{side}SourceKeyed"),
        schema,
        stage.node,
        (bound,),
        ctx.internal_topic(f"{prefix}{side}SourceKeyed-SelectKey", "repartition"),
    )
    return replace(
        stage,
        node=node,
        key_names=[name],
        equivalent=frozenset({name}),
        viable=(),
    )


def _choose(planner: QueryPlanner, viable: list[tuple[str, str]], final: bool) -> tuple[str, str]:
    if final:
        selected = planner.selected_columns
        for candidate in viable:
            if candidate in selected:
                return candidate
    return viable[0]


def _synthetic_name(sources: list[DataSource]) -> str:
    generator = AliasGenerator(c.name for s in sources for c in s.schema.columns)
    return generator._next_name("ROWKEY", True)


def _check_partitions(left: Stage, right: Stage, left_name: str, right_name: str) -> None:
    def partitions(stage: Stage) -> int:
        from ksqlmv.engine.planning.nodes import walk_plan

        found = [n for n in walk_plan(stage.node) if isinstance(n, SourceNode)]
        return found[-1].source.partitions if found else 1

    lp, rp = partitions(left), partitions(right)
    if lp != rp:
        raise AnalysisError(
            f"Can't join `{left_name}` with `{right_name}` since the number of partitions don't "
            f"match. `{left_name}` partitions = {lp}; `{right_name}` partitions = {rp}. Please "
            "repartition either one so that the number of partitions match."
        )
