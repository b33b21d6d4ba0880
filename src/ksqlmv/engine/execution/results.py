"""Statement results as plain data: each is the JSON entity ksqlDB's `/ksql` endpoint returns.

The engine builds these; a REST server only has to serialize `entity`. Field names and messages
are ksqlDB's (`currentStatus` with `commandStatus.message` "Stream created", `streams`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ksqlmv.engine.catalog import DataSource

__all__ = [
    "StatementResult",
    "current_status",
    "source_summary",
    "warning",
]


@dataclass(frozen=True, slots=True)
class StatementResult:
    """The outcome of one statement: its ksqlDB entity, and the query it started, if any."""

    entity: dict[str, Any]
    query_id: str | None = None
    rows: list[list[Any]] | None = field(default=None, compare=False)

    @property
    def type(self) -> str:
        """The entity's `@type`."""
        return str(self.entity.get("@type", ""))

    @property
    def message(self) -> str:
        """The status message of a currentStatus entity (empty otherwise)."""
        status = self.entity.get("commandStatus") or {}
        return str(status.get("message", ""))


def current_status(
    statement: str,
    command_id: str,
    message: str,
    *,
    sequence: int,
    query_id: str | None = None,
    warnings: list[str] | None = None,
) -> StatementResult:
    """A `currentStatus` entity (CREATE, DROP, CSAS/CTAS, INSERT INTO, TERMINATE...)."""
    status: dict[str, Any] = {"status": "SUCCESS", "message": message}
    if query_id is not None:
        status["queryId"] = query_id
    return StatementResult(
        {
            "@type": "currentStatus",
            "statementText": statement,
            "commandId": command_id,
            "commandStatus": status,
            "commandSequenceNumber": sequence,
            "warnings": [{"message": w} for w in warnings or []],
        },
        query_id,
    )


def warning(statement: str, message: str) -> StatementResult:
    """A `warning_entity` (for example DROP IF EXISTS of a missing source)."""
    return StatementResult(
        {"@type": "warning_entity", "statementText": statement, "message": message, "warnings": []}
    )


def source_summary(source: DataSource) -> dict[str, Any]:
    """One entry of SHOW STREAMS / SHOW TABLES."""
    summary: dict[str, Any] = {
        "type": source.kind.value,
        "name": source.name,
        "topic": source.topic,
        "keyFormat": source.key_format.format.name,
        "valueFormat": source.value_format.format.name,
        "isWindowed": source.windowed,
    }
    return summary
