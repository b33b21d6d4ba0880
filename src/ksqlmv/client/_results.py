"""The result of a pull query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ksqlmv.client._protocol import QueryHeader, Row

__all__ = ["QueryResult"]


@dataclass(frozen=True, slots=True)
class QueryResult:
    """All rows of a completed query, with its header."""

    header: QueryHeader
    rows: list[Row]

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self.header.column_names

    def as_dicts(self) -> list[dict[str, Any]]:
        """Every row as a column-name-to-value dictionary."""
        return [row.as_dict() for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)
