"""`info` and `validate`: what the metadata says about each file, and whether applied files changed.

`format_info` prints the table exactly as ksql-migrations' `info` does: a dashed rule, the header
row (Version, Name, State, Previous Version, Started On, Completed On, Error Reason), a rule, one
row per migration file (PENDING for files that never ran), and a closing rule; columns are
left-aligned, separated by ` | `, each as wide as its longest cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ksqlmv.migrations.files import MigrationFile
from ksqlmv.migrations.records import MigrationRecord, format_time
from ksqlmv.migrations.runner import Migrator

__all__ = ["InfoReport", "ValidationReport", "format_info", "info", "validate"]


@dataclass(frozen=True, slots=True)
class InfoReport:
    """CURRENT's version and one row per migration file."""

    current_version: str
    rows: tuple[tuple[MigrationFile, MigrationRecord], ...]
    has_down_file: frozenset[int] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        """For `--json`: times as epoch-millisecond strings, as stored."""
        return {
            "current_version": self.current_version,
            "migrations": [
                {
                    "version": record.version,
                    "name": record.name,
                    "file": migration.file_name,
                    "state": record.state.value,
                    "previous": record.previous,
                    "checksum": record.checksum,
                    "started_on": record.started_on,
                    "completed_on": record.completed_on,
                    "error_reason": record.error_reason,
                    "down_file": record.version in self.has_down_file,
                }
                for migration, record in self.rows
            ],
        }

    @property
    def pending(self) -> int:
        """How many files have not been migrated."""
        return sum(1 for _, record in self.rows if record.state.value != "MIGRATED")


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The problems `validate` found (none means valid) and how many versions it checked."""

    problems: tuple[str, ...]
    latest_migrated: int | None

    def as_dict(self) -> dict[str, Any]:
        """For `--json`."""
        return {
            "valid": not self.problems,
            "latest_migrated": self.latest_migrated,
            "problems": list(self.problems),
        }


def info(migrator: Migrator) -> InfoReport:
    """Read the metadata of every file."""
    files = migrator.files()
    migrator.store.require()
    history = migrator.history(files)
    rows = tuple((m, history.state_of(m)) for m in files.up)
    downs = frozenset(m.version for m in files.down)
    return InfoReport(history.current_version, rows, downs)


def validate(migrator: Migrator) -> ValidationReport:
    """Check the applied chain: every version MIGRATED, its file present and unchanged."""
    files = migrator.files()
    migrator.store.require()
    history = migrator.history(files)
    problems = tuple(history.check(files))
    return ValidationReport(problems, None if problems else history.latest_migrated())


_FIELDS: tuple[tuple[str, Callable[[MigrationRecord, dt.tzinfo | None], str]], ...] = (
    ("Version", lambda r, _: str(r.version)),
    ("Name", lambda r, _: r.name),
    ("State", lambda r, _: r.state.value),
    ("Previous Version", lambda r, _: r.previous),
    ("Started On", lambda r, zone: format_time(r.started_on, zone)),
    ("Completed On", lambda r, zone: format_time(r.completed_on, zone)),
    ("Error Reason", lambda r, _: r.error_reason),
)


def format_info(records: Sequence[MigrationRecord], zone: dt.tzinfo | None = None) -> str:
    """The version table as ksql-migrations prints it."""
    cells = [[extract(record, zone) for _, extract in _FIELDS] for record in records]
    widths = [
        max([len(header)] + [len(row[index]) for row in cells])
        for index, (header, _) in enumerate(_FIELDS)
    ]
    rule = "-" * (sum(widths) + 3 * len(_FIELDS) - 1)

    def line(values: Sequence[str]) -> str:
        return " " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " "

    body = [line(row) for row in cells]
    return "\n".join([rule, line([h for h, _ in _FIELDS]), rule, *body, rule]) + "\n"
