"""The views a migrations project defines, read from its files: what the demo points people at.

A view is a stream or table that a migration creates with `CREATE ... AS SELECT`: a persistent
query keeps it up to date. Its description is the comment the file opens with, so the guide and
the files never disagree.

>>> [view.name for view in project_views(Path("ksql/migrations"))][:2]   # doctest: +SKIP
['REVENUE_PER_MINUTE', 'ORDER_STATUS']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ksqlmv.migrations.files import discover
from ksqlmv.sql import ast, parse_with_variables

__all__ = ["View", "project_views"]


@dataclass(frozen=True, slots=True)
class View:
    """One materialized view of the project."""

    name: str
    kind: str  # STREAM or TABLE
    windowed: bool
    description: str  # the file's opening comment, first sentence
    file: str

    @property
    def is_table(self) -> bool:
        """Tables keep one row per key; streams keep every event."""
        return self.kind == "TABLE"

    @property
    def headline(self) -> str:
        """What it shows, in a few words: the description up to its first colon or stop."""
        for mark in (": ", "."):
            head, found, _ = self.description.partition(mark)
            if found:
                return head
        return self.description


def project_views(migrations_dir: Path) -> tuple[View, ...]:
    """Every `CREATE ... AS SELECT` of the up migrations in `migrations_dir`, in version order."""
    views = []
    for migration in discover(migrations_dir).up:
        text = migration.read_text()
        statements, _ = parse_with_variables(text, {})
        for statement in statements:
            if isinstance(statement, ast.CreateAsSelect):
                views.append(
                    View(
                        name=statement.name,
                        kind=statement.kind.value,
                        windowed=statement.query.window is not None,
                        description=_opening_comment(text),
                        file=migration.file_name,
                    )
                )
    return tuple(views)


def _opening_comment(text: str) -> str:
    """The first sentence of the `--` comment lines a file starts with."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        lines.append(stripped.removeprefix("--").strip())
    words = " ".join(lines)
    end = words.find(". ")
    return words if end < 0 else words[: end + 1]
