"""Progress events: what a migrations command reports while it runs, one event at a time.

The command line prints them as text or as JSON lines (`--json`); tests collect them in a list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

__all__ = ["Event", "EventKind", "EventSink", "discard"]


class EventKind(Enum):
    """What happened."""

    MIGRATION_STARTED = "migration-started"
    MIGRATION_DONE = "migration-done"
    MIGRATION_FAILED = "migration-failed"
    STATEMENT_DONE = "statement-done"
    STATEMENT_KEPT = "statement-kept"
    """SET, UNSET, DEFINE or UNDEFINE: applied by the tool, not sent."""
    STATEMENT_PLANNED = "statement-planned"
    """A statement a dry run would send."""
    ROLLBACK_STARTED = "rollback-started"
    ROLLBACK_DONE = "rollback-done"
    LOCK_ACQUIRED = "lock-acquired"
    LOCK_RELEASED = "lock-released"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a command: a migration starting or ending, a statement sent, a warning."""

    kind: EventKind
    message: str = ""
    version: int | None = None
    name: str | None = None
    file: str | None = None
    statement: int | None = None
    """1-based index of the statement in its file."""
    line: int | None = None
    action: str | None = None
    elapsed_ms: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The event for JSON output: set fields only, `kind` as its string."""
        data = {key: value for key, value in asdict(self).items() if value is not None}
        data["kind"] = self.kind.value
        if self.elapsed_ms is not None:
            data["elapsed_ms"] = round(self.elapsed_ms, 1)
        return data


EventSink = Callable[[Event], None]


def discard(_: Event) -> None:
    """An event sink that drops everything."""
