"""What planning one query needs to know: catalog, functions, names and settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ksqlmv.engine.analysis.functions import FunctionLibrary
from ksqlmv.engine.catalog import Catalog

__all__ = ["PlanContext"]


@dataclass
class PlanContext:
    """Inputs of the planner for one query.

    `query_id` names internal topics and stores as ksqlDB does:
    `_confluent-ksql-<service_id>query_<query_id>-<step>-changelog|-repartition`.
    `sink` is the target's name for persistent queries (None for transient ones).
    """

    catalog: Catalog
    functions: FunctionLibrary
    query_id: str = "transient"
    service_id: str = "default_"
    sink: str | None = None
    persistent: bool = True
    properties: dict[str, Any] = field(default_factory=dict)
    _ids: int = 0

    def node_id(self, name: str) -> str:
        """A unique plan node id."""
        self._ids += 1
        return f"{name}_{self._ids}"

    def internal_topic(self, step: str, suffix: str) -> str:
        """The name of an internal topic of this query, as ksqlDB names it."""
        return f"_confluent-ksql-{self.service_id}query_{self.query_id}-{step}-{suffix}"
