"""The FROM clause: one source, or a chain of joins evaluated left to right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksqlmv.engine.catalog import DataSource
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import query as q

if TYPE_CHECKING:
    from ksqlmv.engine.planning.planner import QueryPlanner, Stage

__all__ = ["plan_from", "source_named"]


def source_named(planner: QueryPlanner, relation: q.AliasedRelation) -> DataSource:
    """The catalog source a relation names, or ksqlDB's unknown-source error."""
    source = planner.ctx.catalog.source(relation.name)
    if source is None:
        where = f"Line: {relation.line}, Col: {relation.column}: " if relation.line else ""
        raise AnalysisError(f"{where}Source `{relation.name}` does not exist.")
    return source


def plan_from(planner: QueryPlanner, relation: q.Relation) -> tuple[Stage, list[DataSource]]:
    """The stage that reads the FROM clause, and the sources it reads."""
    if isinstance(relation, q.AliasedRelation):
        source = source_named(planner, relation)
        return planner.source_stage(source, relation.alias), [source]
    if isinstance(relation, q.Join):
        from ksqlmv.engine.planning.join_planner import plan_join

        return plan_join(planner, relation)
    raise AnalysisError(f"Unsupported FROM clause: {type(relation).__name__}")
