"""The aggregate functions, one module per family; each module lists its entries in `FUNCTIONS`."""

from __future__ import annotations

from ksqlmv.engine.functions.aggregate.base import Aggregate as Aggregate

__all__ = ["Aggregate"]
